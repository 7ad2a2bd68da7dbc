/**
 * "Since this notebook ran": the followed notebook's record (`metadata.envpanel.ran_with`)
 * compared with the environment its kernel runs in now. The latest question wins.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { IEnvPanelApi, INotebookReport } from './api';
import { asApiError } from './types';

/** The comparison part of the panel's state. */
export class RanWithState {
  /** @param api The REST calls. */
  constructor(private readonly api: IEnvPanelApi) {}

  /** Emitted when the comparison changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The server's answer, null for a non-notebook or before the first one. */
  report: INotebookReport | null = null;
  /** Why the comparison failed (a broken record, say). */
  error: string | null = null;

  /**
   * Compare the notebook at a path with the environment `env` (the one its kernel runs in now;
   * empty: the server takes the kernel named in the file). Anything but a notebook clears it.
   */
  async load(path: string, env = ''): Promise<void> {
    const ticket = ++this._ticket;
    if (!path.endsWith('.ipynb')) {
      if (this.report || this.error) {
        [this.report, this.error] = [null, null];
        this._changed.emit();
      }
      return;
    }
    let report: INotebookReport | null = null;
    let error: string | null = null;
    try {
      report = await this.api.notebook(path, env);
    } catch (caught) {
      error = asApiError(caught).message;
    }
    if (ticket === this._ticket) {
      [this.report, this.error] = [report, error];
      this._changed.emit();
    }
  }

  private _ticket = 0;
  private _changed = new Signal<this, void>(this);
}
