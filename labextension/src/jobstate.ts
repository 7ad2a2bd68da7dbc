/**
 * Jobs the panel follows: actions the server runs (create, update, install ipykernel). Jobs live
 * on the server, so after a page reload the running ones (and a recent failure, with its log) are
 * found again (GET /jobs); each is followed by asking for its output from the last offset until
 * it ends.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { IEnvPanelApi, IEnvironment, IJob, IJobRequest, IKernelRef, IProject } from './api';
import { asApiError } from './types';

/** The most output the panel keeps per job (the server keeps the full log in a file). */
export const MAX_KEPT = 200_000;

/** One job as the panel shows it. */
export interface IJobView {
  /** The job as the server answered last. */
  job: IJob;
  /** Its output as far as read (the last MAX_KEPT characters). */
  output: string;
  /** Where to ask for output from next. */
  next: number;
  /** Older output was dropped (by the server's memory cap or the panel's). */
  truncated: boolean;
  /** Switch the followed notebook to the environment's kernel when the job succeeds. */
  switchWhenReady: boolean;
  /** Why the panel lost track of the job (the server forgot it), empty otherwise. */
  lost: string;
  /** Cancel was asked; the tool is being stopped. */
  cancelling: boolean;
}

/** The jobs part of the panel's state. */
export class JobsState {
  /**
   * @param api The REST calls.
   * @param interval Milliseconds between two reads of a running job.
   */
  constructor(
    private readonly api: IEnvPanelApi,
    readonly interval = 500
  ) {}

  /** Emitted when a job starts, ends, is dismissed, or `allowed` changes (not on new output). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted when a followed job gets new output, progress or elapsed time. */
  get progressed(): ISignal<this, IJobView> {
    return this._progressed;
  }

  /** Emitted once when a job followed while running ends, one way or another. */
  get ended(): ISignal<this, IJobView> {
    return this._ended;
  }

  /** Whether this server runs actions; null until it said. */
  allowed: boolean | null = null;

  /** The jobs shown, oldest first. */
  get views(): IJobView[] {
    return [...this._views.values()];
  }

  /** The running job of an action on a definition file or an environment (by name), if any. */
  running(action: string, where: string): IJobView | null {
    const on = (v: IJobView) => v.job.target === where || v.job.environment === where;
    return (
      this.views.find(
        v => v.job.state === 'running' && !v.lost && v.job.action === action && on(v)
      ) ?? null
    );
  }

  /** Say whether this server runs actions (a preview says so too). */
  setAllowed(allowed: boolean): void {
    if (allowed !== this.allowed) {
      this.allowed = allowed;
      this._changed.emit();
    }
  }

  /**
   * Ask the server for its jobs and whether it runs actions; follow the running ones again, and
   * bring back a recent failed or interrupted one with its log until it is dismissed.
   */
  async reattach(): Promise<void> {
    try {
      const answer = await this.api.jobs();
      this.allowed = answer.allowed;
      const dismissed = dismissedJobs();
      const now = Date.now() / 1000;
      for (const job of answer.jobs) {
        const recent = job.ended !== null && now - job.ended < KEEP_FAILED_S;
        const failed = (job.state === 'failed' || job.state === 'interrupted') && recent;
        if (
          (job.state === 'running' || failed) &&
          !this._views.has(job.id) &&
          !dismissed.has(job.id)
        ) {
          this.follow(job, false);
        }
      }
    } catch {
      this.allowed = false; // no jobs routes here (an older server): the commands stay to copy
    }
    this._changed.emit();
  }

  /**
   * Start an action and follow it. When a job runs for that environment already (409), follow
   * that one instead: its view is returned either way.
   */
  async start(request: IJobRequest, switchWhenReady = false): Promise<IJobView> {
    let job: IJob;
    try {
      job = await this.api.startJob(request);
    } catch (error) {
      const running = asApiError(error).body?.job as IJob | undefined;
      if (!running?.id) {
        throw error;
      }
      job = running;
    }
    const known = this._views.get(job.id);
    if (known) {
      known.switchWhenReady ||= switchWhenReady;
      return known;
    }
    return this.follow(job, switchWhenReady);
  }

  /** Cancel a job: the server stops its tool's whole process group; the next read says cancelled. */
  async cancel(id: string): Promise<void> {
    const view = this._views.get(id);
    if (view) {
      view.cancelling = true;
      this._changed.emit();
    }
    try {
      await this.api.cancelJob(id); // the poll reads `cancelled` once the tool is gone
    } catch (error) {
      if (view) {
        view.cancelling = false;
        this._changed.emit();
      }
      throw error;
    }
  }

  /** Stop showing an ended job (the server keeps it; this browser remembers it was dismissed). */
  dismiss(id: string): void {
    const view = this._views.get(id);
    if (view && (view.job.state !== 'running' || view.lost)) {
      this._views.delete(id);
      rememberDismissed(id);
      this._changed.emit();
    }
  }

  /** Stop following every job (the panel goes away; the jobs go on on the server). */
  dispose(): void {
    this._disposed = true;
  }

  private follow(job: IJob, switchWhenReady: boolean): IJobView {
    const view: IJobView = {
      job,
      output: '',
      next: 0,
      truncated: false,
      switchWhenReady,
      lost: '',
      cancelling: false
    };
    this._views.set(job.id, view);
    this._changed.emit();
    void this.poll(view);
    return view;
  }

  /** Read the job's output from where we are until it ended and every character was read. */
  private async poll(view: IJobView): Promise<void> {
    let failures = 0;
    let first = true;
    while (!this._disposed && this._views.has(view.job.id)) {
      if (!first) {
        await sleep(this.interval * Math.min(2 ** failures, 10));
      }
      first = false;
      try {
        const read = await this.api.readJob(view.job.id, view.next);
        failures = 0;
        const { output, offset, next_offset, truncated, ...job } = read;
        const wasRunning = view.job.state === 'running';
        const kept = view.output + output;
        view.truncated ||= truncated || offset > view.next || kept.length > MAX_KEPT;
        view.output = kept.length > MAX_KEPT ? kept.slice(kept.length - MAX_KEPT) : kept;
        view.next = next_offset;
        view.job = job;
        this._progressed.emit(view);
        if (job.state !== 'running' && next_offset >= job.output_size) {
          if (wasRunning) {
            this._changed.emit();
            this._ended.emit(view);
          }
          return;
        }
      } catch (error) {
        const failure = asApiError(error);
        if (failure.status === 404) {
          view.lost = failure.message;
          this._changed.emit();
          return;
        }
        failures++; // the server is restarting or unreachable: ask again, less often
      }
    }
  }

  private _disposed = false;
  private _views = new Map<string, IJobView>();
  private _changed = new Signal<this, void>(this);
  private _progressed = new Signal<this, IJobView>(this);
  private _ended = new Signal<this, IJobView>(this);
}

/**
 * The kernel a job made ready and its environment: the project's when the job worked on the
 * project's definition, else the environment the job names. Null when it has none.
 */
export function readyKernel(
  job: IJob,
  project: IProject | null,
  environments: IEnvironment[]
): { kernel: IKernelRef; env: IEnvironment } | null {
  let env: IEnvironment | null = null;
  if (job.action !== 'install-kernel' && project?.file === job.target) {
    env = project.environment;
  }
  env ??= environments.find(e => e.name === job.environment) ?? null;
  const kernel = env?.kernels.find(k => k.language.toLowerCase() === 'python') ?? env?.kernels[0];
  return env && kernel ? { kernel, env } : null;
}

/** How long a failed or interrupted job comes back after a page reload (seconds). */
const KEEP_FAILED_S = 24 * 3600;
/** Where this browser remembers the jobs dismissed (ids only), and how many. */
const DISMISSED_KEY = 'jupyter-envpanel:dismissed-jobs';
const DISMISSED_MAX = 100;

/** Return the ids of the jobs dismissed in this browser (none when storage is unavailable). */
function dismissedJobs(): Set<string> {
  try {
    const ids: unknown = JSON.parse(window.localStorage.getItem(DISMISSED_KEY) ?? '[]');
    return new Set(Array.isArray(ids) ? ids.filter(i => typeof i === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Remember a dismissed job, keeping the newest ids only. */
function rememberDismissed(id: string): void {
  try {
    const ids = [...dismissedJobs(), id].slice(-DISMISSED_MAX);
    window.localStorage.setItem(DISMISSED_KEY, JSON.stringify(ids));
  } catch {
    // no storage (private mode, a sandboxed frame): it is simply shown again after a reload
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
