/**
 * Live updates: new, removed and changed environments appear without a click. A poll asks the
 * server for the listing with its last ETag; while nothing changed the server answers 304 after
 * one stat per watched folder (no scan). The poll rests while the browser tab is hidden and
 * backs off when the server is unreachable.
 */
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';

import { EnvPanelModel } from './model';

/** Polls the listing every N seconds (0: off). */
export class LiveUpdates implements IDisposable {
  constructor(private readonly model: EnvPanelModel) {}

  /** Whether this was disposed. */
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Poll every `seconds` (0 stops polling). */
  setInterval(seconds: number): void {
    const interval = Math.max(0, seconds) * 1000;
    if (!interval) {
      this._poll?.dispose();
      this._poll = null;
      return;
    }
    const frequency = { interval, backoff: true, max: Math.max(interval, 300_000) };
    if (this._poll) {
      this._poll.frequency = frequency;
      return;
    }
    this._poll = new Poll({
      factory: () => this.model.poll(),
      frequency,
      name: 'jupyter-envpanel:live',
      standby: 'when-hidden'
    });
  }

  /** Stop polling. */
  dispose(): void {
    this._disposed = true;
    this._poll?.dispose();
    this._poll = null;
  }

  private _poll: Poll | null = null;
  private _disposed = false;
}
