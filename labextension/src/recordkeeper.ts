/**
 * Provenance: when a notebook is saved, `metadata.envpanel.ran_with` says what the kernel that
 * produced its outputs ran with. The record follows code that ran, not the kernel selected: a
 * switch to another environment without running anything keeps the previous record (the outputs
 * still come from there); the first cell run in the new kernel makes its environment the record.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { KernelMessage } from '@jupyterlab/services';

import { IEnvPanelApi, IRanWith } from './api';

/** What a record keeper needs of a notebook panel. */
export interface IRecordedNotebook {
  /** The notebook's session (its kernel, and the messages the kernel sends). */
  sessionContext: ISessionContext;
  /** The document: its save state. */
  context: { saveState: { connect(fn: (sender: unknown, state: string) => void): unknown } };
  /** The notebook model's metadata. */
  content: {
    model: {
      getMetadata(key: string): unknown;
      setMetadata(key: string, value: unknown): void;
    } | null;
  };
}

/** A record and the kernelspec it was taken for. */
interface IKernelRecord {
  kernel: string;
  record: IRanWith | null;
}

/** Writes each notebook's record into its metadata as a save starts. */
export class RecordKeeper {
  /**
   * @param api The REST calls.
   * @param enabled Whether records are kept (the *Record what a notebook ran with* setting).
   */
  constructor(
    private readonly api: IEnvPanelApi,
    private readonly enabled: () => boolean
  ) {}

  /** Follow a notebook: its kernel, the code it runs, its saves. */
  track(panel: IRecordedNotebook): void {
    const session = panel.sessionContext;
    session.kernelChanged.connect(() => void this.prefetch(panel));
    session.iopubMessage.connect((_, message) => this.onMessage(panel, message));
    panel.context.saveState.connect((_, state) => {
      if (state === 'started') {
        this.apply(panel);
      }
    });
    void session.ready.then(() => this.prefetch(panel));
  }

  /** The record the next save writes (from the kernel that last ran code), if any. */
  recordOf(panel: IRecordedNotebook): IRanWith | null {
    return this._ran.get(panel)?.record ?? null;
  }

  /** Write the record into the metadata (synchronously, before the model is serialised). */
  apply(panel: IRecordedNotebook): void {
    const record = this.recordOf(panel);
    const model = panel.content.model;
    if (!record || !model || !this.enabled()) {
      return; // nothing ran in this session: the record the file has stays
    }
    const current = (model.getMetadata('envpanel') ?? {}) as Record<string, unknown>;
    if (JSON.stringify(current.ran_with) !== JSON.stringify(record)) {
      model.setMetadata('envpanel', { ...current, ran_with: record });
    }
  }

  /** Take the record of the current kernel's environment now, so a run has it at once. */
  async prefetch(panel: IRecordedNotebook): Promise<void> {
    const kernel = panel.sessionContext.session?.kernel?.name ?? '';
    this._current.set(panel, { kernel, record: null });
    const record = kernel ? await this.fetch(kernel) : null;
    if (this._current.get(panel)?.kernel === kernel) {
      this._current.set(panel, { kernel, record });
    }
  }

  private onMessage(panel: IRecordedNotebook, message: KernelMessage.IMessage): void {
    const kernel = panel.sessionContext.session?.kernel?.name ?? '';
    if (!kernel || !this.enabled()) {
      return;
    }
    const type = message.header.msg_type;
    if (type === 'execute_input') {
      // code runs in this kernel: its outputs, and so the record, are this environment's now
      const current = this._current.get(panel);
      this._ran.set(panel, { kernel, record: current?.kernel === kernel ? current.record : null });
      this._running.add(panel);
    } else if (
      type === 'status' &&
      (message.content as KernelMessage.IStatusMsg['content']).execution_state === 'idle' &&
      this._running.delete(panel)
    ) {
      void this.afterRun(panel, kernel); // the run may have installed packages
    }
  }

  private async afterRun(panel: IRecordedNotebook, kernel: string): Promise<void> {
    const record = await this.fetch(kernel);
    if (record && this._ran.get(panel)?.kernel === kernel) {
      this._ran.set(panel, { kernel, record });
    }
    if (record && this._current.get(panel)?.kernel === kernel) {
      this._current.set(panel, { kernel, record });
    }
  }

  /** The record of the environment a kernelspec runs in; null when it is unknown. */
  private async fetch(kernel: string): Promise<IRanWith | null> {
    if (!this.enabled()) {
      return null;
    }
    try {
      const env = await this.api.kernelEnvironment(kernel);
      return env.environment ? await this.api.record(env.environment.name) : null;
    } catch {
      return null; // an unknown environment records nothing
    }
  }

  private _current = new WeakMap<IRecordedNotebook, IKernelRecord>();
  private _ran = new WeakMap<IRecordedNotebook, IKernelRecord>();
  private _running = new Set<IRecordedNotebook>();
}
