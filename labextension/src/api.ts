/**
 * Typed client of the jupyter-envpanel REST API (see jupyter_envpanel/openapi.yaml).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

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
  status: 'ok' | 'missing' | 'mismatch' | 'skipped';
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
  differences: { name: string; recorded: string | null; current: string | null; text: string }[];
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
  /** missing + mismatch. */
  drift_count: number;
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

/** An error answered by the server, carrying its message (and location for file errors). */
export class EnvPanelApiError extends Error {
  /**
   * @param status HTTP status (0 when the server could not be reached).
   * @param message The server's message.
   * @param line Line of a file error.
   * @param column Column of a file error.
   */
  constructor(
    readonly status: number,
    message: string,
    readonly line: number | null = null,
    readonly column: number | null = null
  ) {
    super(message);
  }
}

/**
 * Call the jupyter-envpanel REST API and return its JSON.
 */
export async function requestAPI<T>(
  endPoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'envpanel', 'api', endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new EnvPanelApiError(0, `cannot reach the server: ${String(error)}`);
  }
  const text = await response.text();
  let data: any = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text };
    }
  }
  if (!response.ok) {
    throw new EnvPanelApiError(
      response.status,
      data?.message || response.statusText,
      data?.line ?? null,
      data?.column ?? null
    );
  }
  return data as T;
}

/**
 * Ask for the listing only if it changed since `etag` (the server answers 304 otherwise).
 * The request does not count as user activity, so an idle server can still be culled.
 */
export async function pollListing(
  etag: string,
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<IPolledListing> {
  const url =
    URLExt.join(settings.baseUrl, 'envpanel', 'api', 'environments') + '?no_track_activity=1';
  let response: Response;
  try {
    const headers = etag ? { 'If-None-Match': etag } : undefined;
    response = await ServerConnection.makeRequest(url, { headers }, settings);
  } catch (error) {
    throw new EnvPanelApiError(0, `cannot reach the server: ${String(error)}`);
  }
  const next = response.headers.get('Etag') ?? '';
  if (response.status === 304) {
    return { listing: null, etag: next || etag };
  }
  const text = await response.text();
  if (!response.ok) {
    let message = response.statusText;
    try {
      message = JSON.parse(text).message || message;
    } catch {
      // not JSON: keep the status text
    }
    throw new EnvPanelApiError(response.status, message);
  }
  return { listing: JSON.parse(text) as IListing, etag: next };
}

/** The calls the model makes; tests pass a fake. */
export interface IEnvPanelApi {
  /** List environments. */
  listEnvironments(): Promise<IListing>;
  /** The listing if it changed since `etag` (cheap when it did not). */
  pollEnvironments(etag: string): Promise<IPolledListing>;
  /** The project's environment of a notebook or folder path. */
  project(path: string): Promise<IProject>;
  /** Forget caches and list again. */
  refresh(): Promise<IListing>;
  /** The environment a kernel runs in. */
  kernelEnvironment(kernel: string): Promise<IKernelEnvironment>;
  /** Drift of an environment against the nearest file to a notebook path. */
  drift(env: string, notebookPath: string): Promise<IDriftReport>;
  /** Register persistent kernelspecs. */
  register(env: string): Promise<string[]>;
  /** Remove persistent kernelspecs. */
  unregister(env: string): Promise<void>;
  /** Which environments have a package named like the query. */
  packages(query: string): Promise<IPackageSearch>;
  /** What a notebook running in an environment records when saved. */
  record(env: string): Promise<IRanWith>;
  /** A notebook's record compared with its kernel's environment now. */
  notebook(path: string): Promise<INotebookReport>;
  /** Write an environment.yml made from an environment into a notebook's folder (never over one). */
  exportEnvFile(env: string, path: string): Promise<{ file: string; text: string }>;
}

const enc = encodeURIComponent;

/** The real API, over HTTP. */
export const httpApi: IEnvPanelApi = {
  listEnvironments: () => requestAPI<IListing>('environments'),
  pollEnvironments: etag => pollListing(etag),
  project: path => requestAPI<IProject>(`project?path=${enc(path)}`),
  refresh: () => requestAPI<IListing>('refresh', { method: 'POST' }),
  kernelEnvironment: kernel => requestAPI<IKernelEnvironment>(`kernels/${enc(kernel)}/environment`),
  drift: (env, notebookPath) =>
    requestAPI<IDriftReport>(`environments/${enc(env)}/drift?path=${enc(notebookPath)}`),
  register: async env =>
    (await requestAPI<{ kernels: string[] }>(`environments/${enc(env)}/kernel`, { method: 'POST' }))
      .kernels,
  unregister: async env => {
    await requestAPI<null>(`environments/${enc(env)}/kernel`, { method: 'DELETE' });
  },
  packages: query => requestAPI<IPackageSearch>(`packages?q=${enc(query)}`),
  record: env => requestAPI<IRanWith>(`environments/${enc(env)}/record`),
  notebook: path => requestAPI<INotebookReport>(`notebook?path=${enc(path)}`),
  exportEnvFile: (env, path) =>
    requestAPI<{ file: string; text: string }>(
      `environments/${enc(env)}/export?path=${enc(path)}`,
      { method: 'POST' }
    )
};
