/**
 * The followed notebook's or console's kernel and the environment the server says it runs in.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { IEnvPanelApi } from './api';
import { IActiveState, asApiError } from './types';

/** The active part of the panel's state. */
export class ActiveSession {
  /** @param api The REST calls. */
  constructor(private readonly api: IEnvPanelApi) {}

  /** Emitted when the followed session or its environment changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The followed session, null when no notebook or console was focused yet. */
  state: IActiveState | null = null;

  /**
   * Follow a session (`kernelName` null and no path: none); its environment is unknown until
   * `lookUp`. `starting`: the session has no kernel yet because it is still starting one.
   */
  follow(kernelName: string | null, path: string, displayName: string, starting: boolean): void {
    this.state =
      kernelName === null && !path
        ? null
        : {
            kernelName,
            displayName,
            path,
            environment: null,
            prefix: null,
            message: '',
            loading: kernelName !== null || starting
          };
    this._changed.emit();
  }

  /** Ask the server where the kernel runs; `current` says whether the answer is still wanted. */
  async lookUp(current: () => boolean, showLoading = true): Promise<void> {
    const kernelName = this.state?.kernelName;
    if (!this.state || !kernelName) {
      return;
    }
    if (showLoading) {
      this.state = { ...this.state, loading: true };
    }
    try {
      const answer = await this.api.kernelEnvironment(kernelName);
      if (!current() || !this.state) {
        return;
      }
      this.state = {
        ...this.state,
        displayName: answer.display_name || this.state.displayName,
        environment: answer.environment,
        prefix: answer.prefix,
        message: answer.message,
        loading: false
      };
    } catch (error) {
      if (!current() || !this.state) {
        return;
      }
      this.state = { ...this.state, loading: false, message: asApiError(error).message };
    }
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
}
