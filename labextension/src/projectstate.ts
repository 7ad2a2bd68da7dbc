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

  /** Ask for the project of a notebook or folder path. */
  async load(path: string): Promise<void> {
    const ticket = ++this._ticket;
    let answer: IProject | null = null;
    let error: EnvPanelApiError | null = null;
    try {
      answer = await this.api.project(path);
    } catch (caught) {
      error = asApiError(caught);
    }
    if (ticket === this._ticket) {
      [this.answer, this.error, this.path] = [answer, error, path];
      this._changed.emit();
    }
  }

  private _ticket = 0;
  private _changed = new Signal<this, void>(this);
}
