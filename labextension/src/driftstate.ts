/**
 * Drift of the active environment against the nearest environment file, as the server answered.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { EnvPanelApiError, IDriftReport, IEnvPanelApi, IRequirementStatus } from './api';
import { asApiError } from './types';

/** The drift part of the panel's state. */
export class DriftState {
  /** @param api The REST calls. */
  constructor(private readonly api: IEnvPanelApi) {}

  /** Emitted when the report, the error or the loading flag change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The last report for the active environment. */
  report: IDriftReport | null = null;
  /** Why drift could not be computed (no environment file, bad file, ...). */
  error: EnvPanelApiError | null = null;
  /** True while drift loads. */
  loading = false;

  /** Missing and mismatched requirements (and, against a lock, extra packages). */
  get entries(): IRequirementStatus[] {
    return (this.report?.requirements ?? []).filter(
      r => r.status === 'missing' || r.status === 'mismatch' || r.status === 'extra'
    );
  }

  /** The drift count (missing + mismatch, as the server counts it); null when unknown. */
  get count(): number | null {
    return this.report ? this.report.drift_count : null;
  }

  /** Forget the report (another session is followed, or drift checks were turned off). */
  clear(): void {
    if (this.report || this.error || this.loading) {
      [this.report, this.error, this.loading] = [null, null, false];
      this._changed.emit();
    }
  }

  /**
   * Load the drift of an environment for a notebook path; `current` says whether the answer is
   * still wanted when it arrives (the focus may have moved on).
   */
  async load(env: string, path: string, current: () => boolean, showLoading = true): Promise<void> {
    if (showLoading) {
      this.loading = true;
      this._changed.emit();
    }
    try {
      const report = await this.api.drift(env, path);
      if (current()) {
        [this.report, this.error] = [report, null];
      }
    } catch (error) {
      if (current()) {
        [this.report, this.error] = [null, asApiError(error)];
      }
    } finally {
      this.loading = false;
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
}
