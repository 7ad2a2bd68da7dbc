/**
 * The project's environment for a notebook's or folder's path, as the server answered it.
 * The answer to the latest question wins; older answers arriving late are dropped.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { EnvPanelApiError, IEnvPanelApi, IEnvironment, IProject } from './api';
import { asApiError } from './types';

/** The project part of the panel's state. */
export class ProjectState {
  /** @param api The REST calls. */
  constructor(private readonly api: IEnvPanelApi) {}

  /** Emitted when the answer changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The last answer, null before the first one or after an error. */
  answer: IProject | null = null;
  /** Why the last question failed. */
  error: EnvPanelApiError | null = null;
  /** The path the answer is for. */
  path = '';

  /** The project's environment when it exists. */
  get environment(): IEnvironment | null {
    return this.answer?.environment ?? null;
  }

  /** Emitted when the project's environment was added to the listing (the listing is stale). */
  get adopted(): ISignal<this, void> {
    return this._adopted;
  }

  /**
   * Ask for the project of a notebook or folder path. An in-project environment that exists but
   * is not listed (a `.venv` in a subfolder) is then listed, so that Switch can reach its kernel:
   * a POST, as the server's GET never changes what later requests see.
   */
  async load(path: string): Promise<void> {
    const ticket = ++this._ticket;
    let answer: IProject | null = null;
    let error: EnvPanelApiError | null = null;
    let adopted = false;
    try {
      answer = await this.api.project(path);
      if (answer.exists && answer.listed === false) {
        const listed = await this.api.adoptProject(path);
        [answer, adopted] = [listed.project, listed.adopted];
      }
    } catch (caught) {
      error = asApiError(caught);
    }
    if (adopted) {
      this._adopted.emit();
    }
    if (ticket === this._ticket) {
      [this.answer, this.error, this.path] = [answer, error, path];
      this._changed.emit();
    }
  }

  private _ticket = 0;
  private _changed = new Signal<this, void>(this);
  private _adopted = new Signal<this, void>(this);
}
