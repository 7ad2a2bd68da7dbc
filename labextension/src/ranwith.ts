/**
 * Provenance: a notebook that ran records, when saved, what it ran with (`metadata.envpanel.
 * ran_with`), and the panel compares a notebook's record with its kernel's environment now.
 */
import { NotebookPanel } from '@jupyterlab/notebook';

import { IEnvPanelApi, INotebookReport, IRanWith } from './api';
import { asApiError } from './types';

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

/** The followed notebook's record compared with now; the latest answer wins. */
export class RanWithState {
  constructor(
    private readonly api: IEnvPanelApi,
    private readonly changed: () => void
  ) {}

  /** The server's answer, null for a non-notebook or before the first one. */
  report: INotebookReport | null = null;
  /** Why the comparison failed (a broken record, say). */
  error: string | null = null;

  /** Compare the notebook at a path (anything else clears the state). */
  async load(path: string): Promise<void> {
    const ticket = ++this._ticket;
    if (!path.endsWith('.ipynb')) {
      [this.report, this.error] = [null, null];
      this.changed();
      return;
    }
    let report: INotebookReport | null = null;
    let error: string | null = null;
    try {
      report = await this.api.notebook(path);
    } catch (caught) {
      error = asApiError(caught).message;
    }
    if (ticket === this._ticket) {
      [this.report, this.error] = [report, error];
      this.changed();
    }
  }

  private _ticket = 0;
}
