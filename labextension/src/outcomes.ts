/**
 * What the panel says after an action, and what it shows then: registering or unregistering an
 * environment's kernels, and a job that ended (a notice, then what is on disk now; after a job the
 * user asked to switch to, a signal that its kernel is ready).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { IEnvPanelApi } from './api';
import { IJobView, JobsState } from './jobstate';
import { jobNotice } from './jobtext';
import { Notify, asApiError } from './types';
import { visible } from './visible';

/** How the panel shows what is on disk after an action. */
export interface IAfterAction {
  /** List again. */
  refresh(): Promise<void>;
  /** List again, then reload what depends on the disk (the project, the active env, its drift). */
  reload(): Promise<void>;
}

/** Says how actions and jobs ended, then shows what they changed. */
export class ActionOutcomes {
  /**
   * @param api The REST calls.
   * @param jobs The jobs whose ends are said.
   * @param notify Shows a notice.
   * @param trans Translates the notices.
   * @param after Shows what is on disk after an action.
   */
  constructor(
    private readonly api: IEnvPanelApi,
    jobs: JobsState,
    private readonly notify: Notify,
    private readonly trans: TranslationBundle,
    private readonly after: IAfterAction
  ) {
    jobs.ended.connect((_, view) => void this.jobEnded(view));
  }

  /** Emitted after a job the user asked to switch to succeeded, once the panel shows the result. */
  get jobReady(): ISignal<this, IJobView> {
    return this._jobReady;
  }

  /** Register persistent kernelspecs for an environment, then list again. */
  async register(env: string): Promise<void> {
    await this.act(async () => {
      const names = await this.api.register(env);
      return this.trans.__(
        'Registered %1: other frontends can use them now.',
        visible(names.join(', '))
      );
    });
  }

  /** Remove the persistent kernelspecs of an environment, then list again. */
  async unregister(env: string): Promise<void> {
    await this.act(async () => {
      await this.api.unregister(env);
      return this.trans.__('Removed the registered kernels of %1.', visible(env));
    });
  }

  /** Say how a job ended; after any job, show what is on disk now (the new environment, its kernel). */
  private async jobEnded(view: IJobView): Promise<void> {
    const notice = jobNotice(view.job, this.trans);
    this.notify(notice.message, notice.type);
    try {
      await this.after.reload();
    } catch {
      // the listing says why on its own
    }
    if (view.job.state === 'succeeded' && view.switchWhenReady) {
      this._jobReady.emit(view);
    }
  }

  private async act(action: () => Promise<string>): Promise<void> {
    try {
      this.notify(await action(), 'success');
    } catch (error) {
      this.notify(visible(asApiError(error).message), 'error');
    }
    await this.after.refresh();
  }

  private _jobReady = new Signal<this, IJobView>(this);
}
