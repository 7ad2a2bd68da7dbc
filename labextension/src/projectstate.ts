/**
 * The project's environment for a notebook's or folder's path, as the server answered it.
 * The answer to the latest question wins; older answers arriving late are dropped.
 */
import { EnvPanelApiError, IEnvPanelApi, IEnvironment, IProject } from './api';
import { asApiError } from './types';

/** The project part of the panel's state. */
export class ProjectState {
  /**
   * @param api The REST calls.
   * @param changed Called whenever the answer changes.
   */
  constructor(
    private readonly api: IEnvPanelApi,
    private readonly changed: () => void
  ) {}

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
      this.changed();
    }
  }

  private _ticket = 0;
}
