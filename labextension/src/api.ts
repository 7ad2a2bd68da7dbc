/**
 * Typed client of the jupyter-envpanel REST API (see jupyter_envpanel/openapi.yaml).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

export * from './apitypes';
export * from './jobtypes';
import {
  IDriftReport,
  IKernelEnvironment,
  IListing,
  INotebookReport,
  IPackageSearch,
  IPolledListing,
  IProject,
  IRanWith
} from './apitypes';
import { IJob, IJobList, IJobOutput, IJobPreview, IJobRequest } from './jobtypes';

/** An error answered by the server, carrying its message (and location for file errors). */
export class EnvPanelApiError extends Error {
  /**
   * @param status HTTP status (0 when the server could not be reached).
   * @param message The server's message.
   * @param line Line of a file error.
   * @param column Column of a file error.
   * @param unreachable The server could not be reached at all (the message is the browser's).
   * @param body The whole JSON answer (a 409 of POST /jobs carries the running `job`).
   */
  constructor(
    readonly status: number,
    message: string,
    readonly line: number | null = null,
    readonly column: number | null = null,
    readonly unreachable = false,
    readonly body: Record<string, any> | null = null
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
    throw new EnvPanelApiError(0, String(error), null, null, true);
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
      data?.column ?? null,
      false,
      data && typeof data === 'object' ? data : null
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
    throw new EnvPanelApiError(0, String(error), null, null, true);
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
  /** List the project's in-project environment the usual places miss (a GET never lists it). */
  adoptProject(path: string): Promise<{ adopted: boolean; project: IProject }>;
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
  /** A notebook's record compared with an environment (empty: the kernel named in the file). */
  notebook(path: string, env?: string): Promise<INotebookReport>;
  /** Write an environment.yml made from an environment into a notebook's folder (never over one). */
  exportEnvFile(env: string, path: string): Promise<{ file: string; text: string }>;
  /** Every job the server knows (oldest first), and whether it runs actions. */
  jobs(): Promise<IJobList>;
  /** The exact command an action would run, without running it. */
  previewJob(request: IJobRequest): Promise<IJobPreview>;
  /** Start an action (a 409 error's `body.job` is the job running for that environment). */
  startJob(request: IJobRequest): Promise<IJob>;
  /** A job as it is now, with its output from `offset`. */
  readJob(id: string, offset: number): Promise<IJobOutput>;
  /** Cancel a job (its tool's whole process group). */
  cancelJob(id: string): Promise<IJob>;
}

const enc = encodeURIComponent;

/** The query string of a job request (only the fields it names). */
function jobQuery(request: IJobRequest): string {
  return Object.entries(request)
    .filter(([, value]) => !!value)
    .map(([key, value]) => `${key}=${enc(String(value))}`)
    .join('&');
}

/** The real API, over HTTP. */
export const httpApi: IEnvPanelApi = {
  listEnvironments: () => requestAPI<IListing>('environments'),
  pollEnvironments: etag => pollListing(etag),
  project: path => requestAPI<IProject>(`project?path=${enc(path)}`),
  adoptProject: path =>
    requestAPI<{ adopted: boolean; project: IProject }>(`project?path=${enc(path)}`, {
      method: 'POST'
    }),
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
  notebook: (path, env = '') =>
    requestAPI<INotebookReport>(`notebook?path=${enc(path)}${env ? `&env=${enc(env)}` : ''}`),
  exportEnvFile: (env, path) =>
    requestAPI<{ file: string; text: string }>(
      `environments/${enc(env)}/export?path=${enc(path)}`,
      { method: 'POST' }
    ),
  jobs: () => requestAPI<IJobList>('jobs'),
  previewJob: request => requestAPI<IJobPreview>(`jobs/preview?${jobQuery(request)}`),
  startJob: request => requestAPI<IJob>('jobs', { method: 'POST', body: JSON.stringify(request) }),
  readJob: (id, offset) => requestAPI<IJobOutput>(`jobs/${enc(id)}?offset=${offset}`),
  cancelJob: id => requestAPI<IJob>(`jobs/${enc(id)}`, { method: 'DELETE' })
};
