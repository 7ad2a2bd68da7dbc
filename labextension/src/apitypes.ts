/**
 * The REST API's objects, as the server sends them (jupyter_envpanel/openapi.yaml); the jobs'
 * objects are in jobtypes.ts.
 */

/** A kernel offered for an environment. */
export interface IKernelRef {
  /** Kernelspec name, e.g. `conda-env-ml-py`. */
  name: string;
  /** Name shown in the kernel picker. */
  display_name: string;
  /** Kernel language. */
  language: string;
  /** Whether a persistent kernelspec was registered by jupyter-envpanel. */
  registered: boolean;
}

/** One environment, as the server lists it. */
export interface IEnvironment {
  /** Unique name within the listing. */
  name: string;
  /** Absolute prefix on the server. */
  prefix: string;
  /** Who made it: conda, pixi, poetry, pipenv, hatch, uv, virtualenvwrapper, venv, pyenv, system. */
  kind: string;
  /** The source it was found by (the tool's folder, conda's places, PATH, ...). */
  source?: string;
  /** With no kernel: the command that installs ipykernel in it (shown, never run). */
  kernel_hint?: string;
  /** A plain Python installation (pyenv, uv-managed, on PATH), not an environment made for a project. */
  interpreter?: boolean;
  /** Under an admin's shared installation (EnvPanelApp.shared_env_dirs). */
  shared?: boolean;
  /** What it is, in words: `conda env:ml`, `venv: proj/.venv`, `pixi: proj`, `pyenv 3.11.7`. */
  label?: string;
  /** Whether conda knows it by name. */
  named: boolean;
  /** Whether the Jupyter server itself runs in it. */
  is_server: boolean;
  /** Python version, if the environment has Python. */
  python_version: string | null;
  /** Number of installed packages. */
  package_count: number;
  /** Kernels offered for it. */
  kernels: IKernelRef[];
  /** Problems found while reading it. */
  warnings: string[];
}

/** The list of environments. */
export interface IListing {
  /** Every environment found. */
  environments: IEnvironment[];
  /** Problems that belong to no single environment. */
  warnings: string[];
  /** Places the server looked in. */
  searched?: string[];
}

/** The verdict on one entry of an environment file. */
export interface IRequirementStatus {
  /** The entry as written. */
  spec: string;
  /** conda or pip. */
  source: string;
  /** Normalised package name, if the entry names one. */
  name: string | null;
  /** File the entry is in, relative to the server root when inside it. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** ok, missing, mismatch or skipped. */
  status: 'ok' | 'missing' | 'mismatch' | 'skipped' | 'extra';
  /** Installed version, if any. */
  installed: string | null;
  /** Why, in words. */
  reason: string;
}

/** A package installed by hand that the environment file does not list. */
export interface IUnrequested {
  /** Package name. */
  name: string;
  /** Installed version. */
  version: string;
  /** conda or pip. */
  source: string;
}

/** How an environment compares with an environment file. */
export interface IDriftReport {
  /** The environment compared. */
  environment: { name: string; prefix: string; kind?: string };
  /** The environment file used, relative to the server root. */
  file: string;
  /** True when nothing is missing or mismatched. */
  in_sync: boolean;
  /** One verdict per entry. */
  requirements: IRequirementStatus[];
  /** Installed by hand, not in the file. */
  unrequested: IUnrequested[];
  /** Counts per status. */
  summary: Record<string, number>;
  /** missing + mismatch: the count shown everywhere (unrequested is apart). */
  drift_count: number;
  /** The unrequested packages as pinned environment.yml dependency lines. */
  unrequested_yaml: string;
  /** Problems reading the environment. */
  warnings: string[];
  /** Commands that fix the missing and mismatched entries (shown, copied, typed; never run). */
  fix_commands?: IFixCommand[];
  /** Missing and mismatched entries that get no command, and why (a tool is missing, unsafe text). */
  fix_notes?: IFixNote[];
  /** The lock file compared with; null for environment.yml, requirements files and manifests. */
  lock?: ILockInfo | null;
}

/** The lock file a report compares with. */
export interface ILockInfo {
  /** uv, pixi, poetry, pipenv, conda-lock or explicit. */
  tool: string;
  /** The lock's environment read (pixi: default, cuda ...), empty when it has one. */
  environment: string;
  /** The conda platform read, empty for a lock that is not per platform. */
  platform: string;
  /** How many packages the lock pins here. */
  packages: number;
  /** Why the lock no longer satisfies its manifest, as its tool says it; empty when it does. */
  stale: string;
  /** Why nothing was judged (no entry for this platform or environment); empty otherwise. */
  unjudged: string;
}

/** Why some entries get no fix command. */
export interface IFixNote {
  /** The entries, as written (control characters shown escaped, `\x15`). */
  entries: string[];
  /** Why, in words: the tool that is needed and where to get it, or what is wrong with the text. */
  reason: string;
  /** The tool that would be needed (conda, pixi, uv, pip); empty when the reason is the text. */
  needs?: string;
}

/** What a notebook ran with (`metadata.envpanel.ran_with`). */
export interface IRanWith {
  format: number;
  environment: string;
  kind: string;
  python: string;
  packages: string[];
  digest: string;
  package_count: number;
}

/** A notebook's record compared with its kernel's environment now. */
export interface INotebookReport {
  path: string;
  recorded: IRanWith | null;
  environment: { name: string; prefix: string } | null;
  /** What differs: `python`, `missing` (not installed now) or `changed` (another version). */
  differences: {
    name: string;
    recorded: string | null;
    current: string | null;
    what: string;
    text: string;
  }[];
  count: number;
}

/** A command that would fix drift, for the tool that owns the environment. */
export interface IFixCommand {
  /** conda, mamba, micromamba, pixi, pip or uv. */
  tool: string;
  /** The arguments. */
  argv: string[];
  /** The command as one line for a POSIX shell, quoted. */
  command: string;
  /** The environment file entries it fixes. */
  entries: string[];
}

/** One installed package that matched a search, in one environment. */
export interface IPackageHit {
  environment: string;
  prefix: string;
  name: string;
  version: string;
  source: string;
}

/** The answer of the package search. */
export interface IPackageSearch {
  query: string;
  matches: IPackageHit[];
  truncated: boolean;
}

/** A command that creates a project's missing environment. */
export interface ICreateCommand {
  /** conda, mamba, micromamba, pixi, uv or venv. */
  tool: string;
  /** One line for a POSIX shell (run from the server root), every argument quoted. */
  command: string;
  /** The same, as argument lists (one per step). */
  argv: string[][];
}

/** The drift of a project's environment against its file, in short. */
export interface IProjectDrift {
  /** The file compared with, relative to the root. */
  file: string;
  /** True when nothing is missing or mismatched. */
  in_sync: boolean;
  /** Counts per status. */
  summary: Record<string, number>;
  /** missing + mismatch (+ extra against a lock). */
  drift_count: number;
  /** The lock compared with, if the project has one. */
  lock?: ILockInfo | null;
}

/** The project's environment for a notebook's or folder's path. */
export interface IProject {
  /** The path asked about, relative to the root. */
  path: string;
  /** Whether a definition was found. */
  found: boolean;
  /** The defining file, relative to the root. */
  file: string | null;
  /** The project folder, relative to the root. */
  folder: string | null;
  /** The defining file's name (environment.yml, pixi.toml, ...). */
  source: string | null;
  /** conda, pixi or venv. */
  tool: string | null;
  /** What the project calls its environment. */
  name: string | null;
  /** Where it must be, when the definition says. */
  prefix: string | null;
  /** Whether the environment exists. */
  exists: boolean;
  /** The environment, when it exists. */
  environment: IEnvironment | null;
  /** Whether the listing shows it (an in-project one outside the places searched: not yet). */
  listed?: boolean;
  /** The kernel to switch to. */
  kernel: IKernelRef | null;
  /** Its drift in short (environment.yml and requirements files only). */
  drift: IProjectDrift | null;
  /** Why drift could not be computed. */
  drift_error: { message: string; file: string; line: number | null; column: number | null } | null;
  /** Commands that create it, when it does not exist. */
  create: ICreateCommand[];
  /** Why no command is offered. */
  hint: string;
  /** File names looked for. */
  looked_for: string[];
  /** Problems reading the definition. */
  warnings: string[];
}

/** A listing answer of the live poll: null when nothing changed since `etag`. */
export interface IPolledListing {
  /** The new listing, or null when unchanged (304). */
  listing: IListing | null;
  /** The ETag to send next time. */
  etag: string;
}

/** The environment a kernel runs in. */
export interface IKernelEnvironment {
  /** Kernelspec name. */
  kernel: string;
  /** Its display name. */
  display_name: string;
  /** The environment, or null when the server did not find it. */
  environment: IEnvironment | null;
  /** The prefix guessed from the kernelspec, if any. */
  prefix: string | null;
  /** Explanation when environment is null. */
  message: string;
}
