/**
 * The REST API's job objects, as the server sends them (jupyter_envpanel/openapi.yaml, /jobs):
 * the actions the panel may ask the server to run, and each run's state and output.
 */

/** An action the panel may ask the server to run: create, update, install-kernel. */
export type JobActionName = 'create' | 'update' | 'install-kernel';

/** What a request names (the server builds the command from it, never from the client's text). */
export interface IJobRequest {
  /** The action. */
  action: JobActionName;
  /** create / update: a notebook or folder relative to the root; its project. */
  path?: string;
  /** install-kernel: an environment name from the listing. */
  environment?: string;
  /** create: one of the tools the project's create commands name (default the first). */
  tool?: string;
}

/** An action as the server built it. */
export interface IJobAction {
  /** create, update or install-kernel. */
  action: JobActionName;
  /** What the user calls the environment: a name, or a root-relative folder. */
  environment: string;
  /** The definition file (root-relative) or the environment, as asked. */
  target: string;
  /** The tool (or tools, `conda+pip`) it runs. */
  tool: string;
  /** The argument vectors, one per step (each runs after the previous succeeded). */
  argv: string[][];
  /** The steps as one line for a POSIX shell, quoted. */
  command: string;
}

/** The exact command an action would run, and whether this server runs actions. */
export interface IJobPreview extends IJobAction {
  /** Whether this server runs actions (EnvPanelApp.allow_actions). */
  allowed: boolean;
  /** Why not, when `allowed` is false; empty otherwise. */
  message: string;
}

/** A job's state. */
export type JobStateName = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/** One run of an action on the server. */
export interface IJob extends IJobAction {
  /** The job's id. */
  id: string;
  /** running, succeeded, failed, cancelled or interrupted. */
  state: JobStateName;
  /** The tool's exit code (negative: the signal that stopped it); null while running. */
  exit_code: number | null;
  /** A failed job's first output line that says error (else its last line). */
  error_line: string;
  /** Why it ended this way, in words (cancelled, interrupted, could not start). */
  note: string;
  /** Seconds since the epoch. */
  started: number;
  /** Seconds since the epoch, null while running. */
  ended: number | null;
  /** Seconds from start to end, or to now while running. */
  elapsed: number;
  /** The step running (or that ended the job), from 0. */
  step: number;
  /** How many steps. */
  steps: number;
  /** The last percentage the tool printed (0-100); null: indeterminate. */
  progress: number | null;
  /** Characters of output so far. */
  output_size: number;
}

/** A job with its output from an offset. */
export interface IJobOutput extends IJob {
  /** Output from `offset`, cleaned of control characters. */
  output: string;
  /** Where `output` starts (later than asked when older output was dropped). */
  offset: number;
  /** Where to ask from next. */
  next_offset: number;
  /** Output between the asked offset and `offset` was dropped from memory. */
  truncated: boolean;
}

/** Every job the server knows, and whether it runs actions. */
export interface IJobList {
  /** Oldest first. */
  jobs: IJob[];
  /** Whether this server runs actions. */
  allowed: boolean;
}
