/**
 * Provenance: a notebook that ran records, when saved, what it ran with (`metadata.envpanel.
 * ran_with`).
 */
import { NotebookPanel } from '@jupyterlab/notebook';

import { IEnvPanelApi, IRanWith } from './api';

/** Whether any code cell of the notebook has run (a notebook that did not run records nothing). */
export function hasRun(panel: NotebookPanel): boolean {
  const cells = panel.content.model?.cells;
  if (!cells) {
    return false;
  }
  for (let i = 0; i < cells.length; i++) {
    const cell: any = cells.get(i);
    if (cell.type === 'code' && cell.executionCount !== null && cell.executionCount !== undefined) {
      return true;
    }
  }
  return false;
}

/** Keeps each notebook's record fresh and writes it into the metadata as a save starts. */
export class RecordKeeper {
  constructor(
    private readonly api: IEnvPanelApi,
    private readonly enabled: () => boolean
  ) {}

  /** Follow a notebook: refresh its record when its kernel changes or finishes running code. */
  track(panel: NotebookPanel): void {
    const refresh = () => void this.refresh(panel);
    panel.sessionContext.kernelChanged.connect(refresh);
    panel.sessionContext.statusChanged.connect((_, status) => {
      if (status === 'idle' && this._busy.has(panel)) {
        this._busy.delete(panel);
        refresh();
      } else if (status === 'busy') {
        this._busy.add(panel);
      }
    });
    panel.context.saveState.connect((_, state) => {
      if (state === 'started') {
        this.apply(panel);
      }
    });
    void panel.sessionContext.ready.then(refresh);
  }

  /** Ask the server for the record of the notebook's kernel's environment. */
  async refresh(panel: NotebookPanel): Promise<void> {
    const kernel = panel.sessionContext.session?.kernel?.name;
    if (!kernel || !this.enabled()) {
      return;
    }
    try {
      const env = await this.api.kernelEnvironment(kernel);
      if (env.environment) {
        this._records.set(panel, await this.api.record(env.environment.name));
      }
    } catch {
      this._records.delete(panel); // an unknown environment records nothing
    }
  }

  /** Write the record into the metadata (synchronously, before the model is serialised). */
  apply(panel: NotebookPanel): void {
    const record = this._records.get(panel);
    const model = panel.content.model;
    if (!record || !model || !this.enabled() || !hasRun(panel)) {
      return;
    }
    const current = (model.getMetadata('envpanel') ?? {}) as Record<string, unknown>;
    if (JSON.stringify(current.ran_with) !== JSON.stringify(record)) {
      model.setMetadata('envpanel', { ...current, ran_with: record });
    }
  }

  private _records = new WeakMap<NotebookPanel, IRanWith>();
  private _busy = new Set<NotebookPanel>();
}
