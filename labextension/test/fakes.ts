/**
 * Test doubles of the REST API (answers as the server gives them, late or failing on demand) and
 * fixtures: environments, a drift report, a project.
 */
import {
  EnvPanelApiError,
  IDriftReport,
  IEnvPanelApi,
  IEnvironment,
  IJob,
  IJobOutput,
  IJobPreview,
  IJobRequest,
  IKernelEnvironment,
  IListing,
  INotebookReport,
  IPackageHit,
  IProject
} from '../src/api';

export function env(name: string, extra: Partial<IEnvironment> = {}): IEnvironment {
  return {
    name,
    prefix: `/envs/${name}`,
    kind: 'conda',
    named: true,
    is_server: false,
    python_version: '3.11.7',
    package_count: 10,
    kernels: [
      {
        name: `conda-env-${name}-py`,
        display_name: `Python [conda env:${name}]`,
        language: 'python',
        registered: false
      }
    ],
    warnings: [],
    ...extra
  };
}

export const report: IDriftReport = {
  environment: { name: 'ml', prefix: '/envs/ml' },
  file: 'environment.yml',
  in_sync: false,
  requirements: [
    {
      spec: 'numpy>=2',
      source: 'conda',
      name: 'numpy',
      file: 'environment.yml',
      line: 3,
      column: 5,
      status: 'mismatch',
      installed: '1.26.4',
      reason: '1.26.4 does not satisfy >=2'
    },
    {
      spec: 'python=3.11',
      source: 'conda',
      name: 'python',
      file: 'environment.yml',
      line: 2,
      column: 5,
      status: 'ok',
      installed: '3.11.7',
      reason: ''
    },
    {
      spec: '-e .',
      source: 'pip',
      name: null,
      file: 'environment.yml',
      line: 5,
      column: 7,
      status: 'skipped',
      installed: null,
      reason: 'editable'
    }
  ],
  unrequested: [{ name: 'seaborn', version: '0.13.2', source: 'conda' }],
  summary: { ok: 1, missing: 0, mismatch: 1, skipped: 1, unrequested: 1 },
  drift_count: 1,
  unrequested_yaml: '  - seaborn=0.13.2',
  warnings: []
};

export function project(envName: string | null, extra: Partial<IProject> = {}): IProject {
  return {
    path: 'work/a.ipynb',
    found: true,
    file: 'environment.yml',
    folder: '.',
    source: 'environment.yml',
    tool: 'conda',
    name: envName ?? 'demo',
    prefix: null,
    exists: envName !== null,
    environment: envName ? env(envName) : null,
    kernel: null,
    drift: null,
    drift_error: null,
    create: [],
    hint: '',
    looked_for: ['environment.yml'],
    warnings: [],
    ...extra
  };
}

export class FakeApi implements IEnvPanelApi {
  listing: IListing = {
    environments: [
      env('server', { is_server: true, kind: 'system' }),
      env('ml'),
      env('r-env', { kind: 'pixi', python_version: null })
    ],
    warnings: []
  };
  kernels: Record<string, IKernelEnvironment> = {};
  calls: string[] = [];
  listError: EnvPanelApiError | null = null;
  driftDelay = 0;
  /** Extra delay (ms) per call, e.g. `drift:a`, `kernel:a`, `project:a.ipynb`: late answers. */
  delays: Record<string, number> = {};
  /** Calls that fail after their delay. */
  failing = new Set<string>();
  etag = 'v1';
  private async answerLate(key: string): Promise<void> {
    await new Promise(resolve => setTimeout(resolve, this.delays[key] ?? 0));
    if (this.failing.has(key)) {
      throw new EnvPanelApiError(500, `failed: ${key}`);
    }
  }
  projects: Record<string, IProject> = {};
  /** Drift reports by environment (default: `report`), and errors by environment. */
  driftReports: Record<string, IDriftReport> = {};
  driftErrors: Record<string, EnvPanelApiError> = {};
  async listEnvironments() {
    this.calls.push('list');
    if (this.listError) {
      throw this.listError;
    }
    return this.listing;
  }
  async pollEnvironments(etag: string) {
    this.calls.push(`poll:${etag}`);
    if (this.listError) {
      throw this.listError;
    }
    return { listing: etag === this.etag ? null : this.listing, etag: this.etag };
  }
  async project(path: string) {
    this.calls.push(`project:${path}`);
    await this.answerLate(`project:${path}`);
    return this.projects[path] ?? project(null, { found: false, file: null, path });
  }

  async adoptProject(path: string) {
    this.calls.push(`adopt:${path}`);
    const found = this.projects[path] ?? project(null, { found: false, file: null, path });
    const adopted = found.exists && found.listed === false;
    this.projects[path] = { ...found, listed: found.exists };
    return { adopted, project: this.projects[path] };
  }
  async refresh() {
    this.calls.push('refresh');
    return this.listing;
  }
  async kernelEnvironment(kernel: string) {
    this.calls.push(`kernel:${kernel}`);
    await this.answerLate(`kernel:${kernel}`);
    const answer = this.kernels[kernel];
    if (!answer) {
      throw new EnvPanelApiError(404, `unknown kernel: ${kernel}`);
    }
    return answer;
  }
  async drift(name: string, path: string) {
    this.calls.push(`drift:${name}:${path}`);
    await new Promise(resolve => setTimeout(resolve, this.driftDelay));
    await this.answerLate(`drift:${name}`);
    if (this.driftErrors[name]) {
      throw this.driftErrors[name];
    }
    const answer = this.driftReports[name] ?? report;
    return { ...answer, environment: { name, prefix: `/envs/${name}` } };
  }
  async register(name: string) {
    this.calls.push(`register:${name}`);
    return [`conda-env-${name}-py`];
  }
  async unregister(name: string) {
    this.calls.push(`unregister:${name}`);
  }
  async record(name: string) {
    this.calls.push(`record:${name}`);
    return {
      format: 1,
      environment: name,
      kind: 'conda',
      python: '3.11.7',
      packages: [],
      digest: '',
      package_count: 0
    };
  }
  /** Comparisons by `path:env` (the env the panel asked for), else by path. */
  notebookReports: Record<string, INotebookReport> = {};
  async notebook(path: string, env = '') {
    this.calls.push(`notebook:${path}:${env}`);
    await this.answerLate(`notebook:${path}`);
    return (
      this.notebookReports[`${path}:${env}`] ??
      this.notebookReports[path] ?? {
        path,
        recorded: null,
        environment: null,
        differences: [],
        count: 0
      }
    );
  }
  async exportEnvFile(name: string, path: string) {
    this.calls.push(`export:${name}:${path}`);
    return { file: 'environment.yml', text: '' };
  }
  packageMatches: IPackageHit[] = [];
  async packages(query: string) {
    this.calls.push(`packages:${query}`);
    await this.answerLate(`packages:${query}`);
    const matches = this.packageMatches.filter(m => m.name.includes(query.toLowerCase()));
    return { query, matches, truncated: false };
  }

  /** Jobs as the server holds them, with their whole output; `allowed` as the admin set it. */
  serverJobs: { job: IJob; output: string }[] = [];
  jobsAllowed = true;
  async jobs() {
    this.calls.push('jobs');
    return { jobs: this.serverJobs.map(j => ({ ...j.job })), allowed: this.jobsAllowed };
  }
  async previewJob(request: IJobRequest): Promise<IJobPreview> {
    this.calls.push(`preview:${request.action}`);
    const { id, state, ...action } = job('x', request); // eslint-disable-line @typescript-eslint/no-unused-vars
    return {
      ...action,
      allowed: this.jobsAllowed,
      message: this.jobsAllowed ? '' : 'actions are turned off on this server'
    };
  }
  async startJob(request: IJobRequest): Promise<IJob> {
    this.calls.push(`start:${request.action}:${request.path ?? request.environment ?? ''}`);
    const started = job(`j${this.serverJobs.length + 1}`, request);
    const running = this.serverJobs.find(
      j => j.job.state === 'running' && j.job.environment === started.environment
    );
    if (running) {
      throw new EnvPanelApiError(409, 'a job is running for it already', null, null, false, {
        message: 'a job is running for it already',
        job: running.job
      });
    }
    this.serverJobs.push({ job: started, output: '' });
    return { ...started };
  }
  /** A server-side job, by id. */
  serverJob(id: string): { job: IJob; output: string } {
    return this.serverJobs.find(j => j.job.id === id)!;
  }
  /** The tool prints text (and maybe a percentage). */
  print(id: string, text: string, progress: number | null = null): void {
    const held = this.serverJob(id);
    held.output += text;
    held.job = {
      ...held.job,
      output_size: held.output.length,
      progress,
      elapsed: held.job.elapsed + 1
    };
  }
  /** The job ends (exit code, first error line). */
  end(id: string, state: IJob['state'], exit_code: number | null = null, error_line = ''): void {
    const held = this.serverJob(id);
    held.job = { ...held.job, state, exit_code, error_line, ended: 2 };
  }
  async readJob(id: string, offset: number): Promise<IJobOutput> {
    this.calls.push(`read:${id}:${offset}`);
    await this.answerLate(`read:${id}`);
    const held = this.serverJobs.find(j => j.job.id === id);
    if (!held) {
      throw new EnvPanelApiError(404, `unknown job: '${id}'`);
    }
    const output = held.output.slice(offset);
    return {
      ...held.job,
      output,
      offset,
      next_offset: offset + output.length,
      truncated: false
    };
  }
  async cancelJob(id: string): Promise<IJob> {
    this.calls.push(`cancel:${id}`);
    const held = this.serverJob(id);
    held.job = { ...held.job, state: 'cancelled', exit_code: -15, note: 'cancelled', ended: 3 };
    return { ...held.job };
  }
}

/** A job as the server starts it for a request. */
export function job(id: string, request: IJobRequest, extra: Partial<IJob> = {}): IJob {
  const create = request.action === 'create';
  const argv = create
    ? [['/opt/conda/bin/conda', 'env', 'create', '-f', 'environment.yml']]
    : [['/envs/demo/bin/python', '-m', 'pip', 'install', 'ipykernel']];
  return {
    id,
    action: request.action,
    environment: request.environment ?? 'demo',
    target: create ? 'environment.yml' : (request.environment ?? 'environment.yml'),
    tool: request.tool ?? 'conda',
    argv,
    command: argv.map(a => a.join(' ')).join(' && '),
    state: 'running',
    exit_code: null,
    error_line: '',
    note: '',
    started: 1,
    ended: null,
    elapsed: 0,
    step: 0,
    steps: 1,
    progress: null,
    output_size: 0,
    ...extra
  };
}
