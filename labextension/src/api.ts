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
  /** conda, pixi, venv or system. */
  kind: string;
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
  /** Problems reading the environment. */
  warnings: string[];
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

/** The calls the model makes; tests pass a fake. */
export interface IEnvPanelApi {
  /** List environments. */
  listEnvironments(): Promise<IListing>;
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
}

const enc = encodeURIComponent;

/** The real API, over HTTP. */
export const httpApi: IEnvPanelApi = {
  listEnvironments: () => requestAPI<IListing>('environments'),
  refresh: () => requestAPI<IListing>('refresh', { method: 'POST' }),
  kernelEnvironment: kernel => requestAPI<IKernelEnvironment>(`kernels/${enc(kernel)}/environment`),
  drift: (env, notebookPath) =>
    requestAPI<IDriftReport>(`environments/${enc(env)}/drift?path=${enc(notebookPath)}`),
  register: async env =>
    (await requestAPI<{ kernels: string[] }>(`environments/${enc(env)}/kernel`, { method: 'POST' }))
      .kernels,
  unregister: async env => {
    await requestAPI<null>(`environments/${enc(env)}/kernel`, { method: 'DELETE' });
  }
};
