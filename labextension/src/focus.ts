/**
 * What the panel follows: the focused notebook's or console's session, else the file browser's
 * folder. The focus decides the project, the session's environment, that environment's drift and
 * the notebook's record; each focus change starts a new generation, and an answer for an older
 * one is dropped.
 */
import { ActiveSession } from './activestate';
import { DriftState } from './driftstate';
import { ProjectState } from './projectstate';
import { RanWithState } from './ranwith';
import { IActiveState } from './types';

/** The parts of the panel's state the focus decides. */
export interface IFocusedParts {
  readonly activeSession: ActiveSession;
  readonly projectState: ProjectState;
  readonly driftState: DriftState;
  readonly ranWith: RanWithState;
  /** Whether drift is checked (a setting). */
  driftChecks(): boolean;
}

/** Loads what the focus decides, in order, for the latest focus only. */
export class FocusFollower {
  /** @param parts The state parts it loads. */
  constructor(private readonly parts: IFocusedParts) {}

  /**
   * Follow the focused session: look up its kernel's environment, then that environment's drift,
   * the notebook's record compared with it, and the project of its folder. Answers for a session
   * that lost focus meanwhile are ignored. `starting`: the session is still starting a kernel.
   */
  async setActive(
    kernelName: string | null,
    path: string,
    displayName = '',
    starting = false
  ): Promise<void> {
    const generation = ++this._generation;
    this.parts.activeSession.follow(kernelName, path, displayName, starting);
    this.parts.driftState.clear();
    const project = this.loadProject(this.active ? path : this._browserPath);
    if (kernelName && this.active) {
      await this.parts.activeSession.lookUp(() => generation === this._generation);
      await Promise.all([this.loadDrift(generation), this.loadRanWith(generation)]);
    } else {
      await this.parts.ranWith.load(this.active ? path : '');
    }
    await project;
  }

  /** Follow the file browser's folder: it decides the project when no notebook is focused. */
  async setBrowserPath(path: string): Promise<void> {
    this._browserPath = path;
    if (!this.active) {
      await this.loadProject(path);
    }
  }

  /** Ask again for everything that depends on the disk: the project, the active env, its drift. */
  async reload(): Promise<void> {
    const active = this.active;
    if (active?.kernelName) {
      const generation = ++this._generation;
      await Promise.all([
        this.loadProject(active.path),
        this.parts.activeSession
          .lookUp(() => generation === this._generation, false)
          .then(() =>
            Promise.all([this.loadDrift(generation, false), this.loadRanWith(generation)])
          )
      ]);
    } else {
      await this.loadProject(active?.path ?? this._browserPath);
    }
  }

  /** Compare the followed notebook's record with the environment its kernel runs in now. */
  async loadRanWith(generation = this._generation): Promise<void> {
    if (generation === this._generation) {
      await this.parts.ranWith.load(this.active?.path ?? '', this.active?.environment?.name ?? '');
    }
  }

  /** Load the project's environment for a notebook or folder path. */
  loadProject(path: string): Promise<void> {
    return this.parts.projectState.load(path);
  }

  /** Load the drift of the active environment (when drift checks are on). */
  async loadDrift(generation = this._generation, showLoading = true): Promise<void> {
    const env = this.active?.environment;
    if (!env || !this.parts.driftChecks() || !this.active) {
      return;
    }
    const current = () => generation === this._generation;
    await this.parts.driftState.load(env.name, this.active.path, current, showLoading);
  }

  /** The followed session, null when none. */
  private get active(): IActiveState | null {
    return this.parts.activeSession.state;
  }

  private _browserPath = '';
  private _generation = 0;
}
