import { describe, expect, it } from 'vitest';

import {
  EnvPanelApiError,
  IDriftReport,
  IEnvPanelApi,
  IEnvironment,
  IKernelEnvironment,
  IListing,
  IPackageHit,
  IProject
} from '../src/api';
import { EnvPanelModel } from '../src/model';

function env(name: string, extra: Partial<IEnvironment> = {}): IEnvironment {
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

const report: IDriftReport = {
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

function project(envName: string | null, extra: Partial<IProject> = {}): IProject {
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

class FakeApi implements IEnvPanelApi {
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
    return { ...report, environment: { name, prefix: `/envs/${name}` } };
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
  async notebook(path: string) {
    this.calls.push(`notebook:${path}`);
    return { path, recorded: null, environment: null, differences: [], count: 0 };
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
}

describe('EnvPanelModel', () => {
  it('lists environments and filters them by name, kind, prefix or python', async () => {
    const model = new EnvPanelModel(new FakeApi());
    await model.refresh();
    expect(model.environments.map(e => e.name)).toEqual(['server', 'ml', 'r-env']);
    model.setFilter('pixi');
    expect(model.filtered.map(e => e.name)).toEqual(['r-env']);
    model.setFilter('3.11 ml');
    expect(model.filtered.map(e => e.name)).toEqual(['ml']);
    model.setFilter('');
    model.setSettings({ showServerEnv: false });
    expect(model.filtered.map(e => e.name)).toEqual(['ml', 'r-env']);
  });

  it('says the server extension is missing when the API answers 404', async () => {
    const api = new FakeApi();
    api.listError = new EnvPanelApiError(404, 'Not Found');
    const model = new EnvPanelModel(api);
    await model.refresh();
    expect(model.serverMissing).toBe(true);
    expect(model.environments).toEqual([]);
  });

  it('follows the active kernel to its environment and its drift entries', async () => {
    const api = new FakeApi();
    api.kernels['conda-env-ml-py'] = {
      kernel: 'conda-env-ml-py',
      display_name: 'Python [conda env:ml]',
      environment: env('ml'),
      prefix: '/envs/ml',
      message: ''
    };
    const model = new EnvPanelModel(api);
    let emitted = 0;
    model.changed.connect(() => emitted++);
    await model.setActive('conda-env-ml-py', 'work/a.ipynb');
    expect(model.active?.environment?.name).toBe('ml');
    expect(api.calls).toContain('drift:ml:work/a.ipynb');
    expect(model.driftEntries.map(e => e.status)).toEqual(['mismatch']);
    expect(model.driftCount).toBe(1); // missing + mismatch, from the server; unrequested apart
    expect(api.calls).toContain('project:work/a.ipynb');
    expect(emitted).toBeGreaterThan(2);
  });

  it('says a kernel runs in an unknown environment', async () => {
    const api = new FakeApi();
    api.kernels.echo = {
      kernel: 'echo',
      display_name: 'Echo',
      environment: null,
      prefix: '/elsewhere',
      message: 'not found'
    };
    const model = new EnvPanelModel(api);
    await model.setActive('echo', 'a.ipynb');
    expect(model.active?.environment).toBeNull();
    expect(model.active?.prefix).toBe('/elsewhere');
    expect(model.drift).toBeNull();
  });

  it('ignores answers for a session that lost focus', async () => {
    const api = new FakeApi();
    api.kernels.a = {
      kernel: 'a',
      display_name: 'A',
      environment: env('a'),
      prefix: '/envs/a',
      message: ''
    };
    api.kernels.b = {
      kernel: 'b',
      display_name: 'B',
      environment: env('b'),
      prefix: '/envs/b',
      message: ''
    };
    api.driftDelay = 20;
    const model = new EnvPanelModel(api);
    const first = model.setActive('a', 'a.ipynb');
    const second = model.setActive('b', 'b.ipynb');
    await Promise.all([first, second]);
    expect(model.active?.environment?.name).toBe('b');
    expect(model.drift?.environment.name).toBe('b');
  });

  it('clears the active state when nothing is focused and skips drift when checks are off', async () => {
    const api = new FakeApi();
    api.kernels['conda-env-ml-py'] = {
      kernel: 'conda-env-ml-py',
      display_name: 'ml',
      environment: env('ml'),
      prefix: '/envs/ml',
      message: ''
    };
    const model = new EnvPanelModel(api);
    model.setSettings({ driftChecks: false });
    await model.setActive('conda-env-ml-py', 'a.ipynb');
    expect(api.calls.some(c => c.startsWith('drift'))).toBe(false);
    await model.setActive(null, '');
    expect(model.active).toBeNull();
  });

  it('registers and unregisters, notifies, then lists again', async () => {
    const api = new FakeApi();
    const notes: string[] = [];
    const model = new EnvPanelModel(api, (message, type) => notes.push(`${type}:${message}`));
    await model.register('ml');
    expect(notes[0]).toMatch(/^success:Registered conda-env-ml-py/);
    await model.unregister('ml');
    expect(api.calls.filter(c => c === 'poll:').length).toBe(2);
  });

  it("lists the project's environment first and knows which one is active", async () => {
    const api = new FakeApi();
    api.projects['work/a.ipynb'] = project('r-env');
    api.kernels['conda-env-ml-py'] = {
      kernel: 'conda-env-ml-py',
      display_name: 'Python [conda env:ml]',
      environment: env('ml'),
      prefix: '/envs/ml',
      message: ''
    };
    const model = new EnvPanelModel(api);
    await model.refresh();
    await model.setActive('conda-env-ml-py', 'work/a.ipynb');
    expect(model.filtered.map(e => e.name)).toEqual(['r-env', 'server', 'ml']);
    expect(model.isProject(model.environments[2])).toBe(true);
    expect(model.isActive(model.environments[1])).toBe(true);
    model.setSettings({ showServerEnv: false });
    expect(model.filtered.map(e => e.name)).toEqual(['r-env', 'ml']);
  });

  it('polls cheaply: a 304 changes nothing, a new listing reloads project and drift', async () => {
    const api = new FakeApi();
    api.kernels['conda-env-ml-py'] = {
      kernel: 'conda-env-ml-py',
      display_name: 'ml',
      environment: env('ml'),
      prefix: '/envs/ml',
      message: ''
    };
    const model = new EnvPanelModel(api);
    await model.refresh();
    await model.setActive('conda-env-ml-py', 'a.ipynb');
    api.calls.length = 0;
    await model.poll();
    expect(api.calls).toEqual(['poll:v1']);
    api.etag = 'v2';
    api.listing = { ...api.listing, environments: [...api.listing.environments, env('fresh')] };
    await model.poll();
    expect(model.environments.map(e => e.name)).toContain('fresh');
    expect(api.calls).toEqual(
      expect.arrayContaining([
        'poll:v1',
        'project:a.ipynb',
        'kernel:conda-env-ml-py',
        'drift:ml:a.ipynb'
      ])
    );
    api.listError = new EnvPanelApiError(0, 'down');
    await expect(model.poll()).rejects.toThrow('down'); // the poll backs off
    expect(model.environments.map(e => e.name)).toContain('fresh'); // and keeps what it had
  });

  it("follows the file browser's folder for the project when no notebook is open", async () => {
    const api = new FakeApi();
    api.projects['proj'] = project(null, { create: [] });
    const model = new EnvPanelModel(api);
    await model.setBrowserPath('proj');
    expect(model.project?.exists).toBe(false);
    expect(model.projectState.path).toBe('proj');
  });

  describe('drops answers that arrive after the focus moved on', () => {
    function twoKernels(): FakeApi {
      const api = new FakeApi();
      for (const name of ['a', 'b']) {
        api.kernels[name] = {
          kernel: name,
          display_name: name.toUpperCase(),
          environment: env(name),
          prefix: `/envs/${name}`,
          message: ''
        };
      }
      return api;
    }

    it('a late kernel lookup', async () => {
      const api = twoKernels();
      api.delays['kernel:a'] = 40;
      const model = new EnvPanelModel(api);
      await Promise.all([model.setActive('a', 'a.ipynb'), model.setActive('b', 'b.ipynb')]);
      expect(model.active?.kernelName).toBe('b');
      expect(model.active?.environment?.name).toBe('b');
      expect(model.active?.displayName).toBe('B');
    });

    it('a late drift report', async () => {
      const api = twoKernels();
      api.delays['drift:a'] = 40;
      const model = new EnvPanelModel(api);
      const first = model.setActive('a', 'a.ipynb');
      await new Promise(resolve => setTimeout(resolve, 5)); // a's drift is on its way
      await Promise.all([first, model.setActive('b', 'b.ipynb')]);
      expect(api.calls).toContain('drift:a:a.ipynb');
      expect(model.drift?.environment.name).toBe('b');
    });

    it('a late drift error', async () => {
      const api = twoKernels();
      api.delays['drift:a'] = 40;
      api.failing.add('drift:a');
      const model = new EnvPanelModel(api);
      const first = model.setActive('a', 'a.ipynb');
      await new Promise(resolve => setTimeout(resolve, 5));
      await Promise.all([first, model.setActive('b', 'b.ipynb')]);
      expect(model.driftError).toBeNull();
      expect(model.drift?.environment.name).toBe('b');
    });

    it('a late kernel lookup error', async () => {
      const api = twoKernels();
      api.delays['kernel:a'] = 40;
      api.failing.add('kernel:a');
      const model = new EnvPanelModel(api);
      await Promise.all([model.setActive('a', 'a.ipynb'), model.setActive('b', 'b.ipynb')]);
      expect(model.active?.message).toBe('');
      expect(model.active?.environment?.name).toBe('b');
    });

    it('a late project answer', async () => {
      const api = twoKernels();
      api.projects['a.ipynb'] = project('a', { path: 'a.ipynb' });
      api.projects['b.ipynb'] = project('b', { path: 'b.ipynb' });
      api.delays['project:a.ipynb'] = 40;
      const model = new EnvPanelModel(api);
      await Promise.all([model.setActive('a', 'a.ipynb'), model.setActive('b', 'b.ipynb')]);
      expect(model.projectState.path).toBe('b.ipynb');
      expect(model.project?.environment?.name).toBe('b');
    });
  });

  describe('the filter finds packages too', () => {
    function withPackages(): FakeApi {
      const api = new FakeApi();
      api.packageMatches = [
        {
          environment: 'ml',
          prefix: '/envs/ml',
          name: 'numpy',
          version: '1.26.4',
          source: 'conda'
        },
        {
          environment: 'server',
          prefix: '/envs/server',
          name: 'numpy',
          version: '1.24.4',
          source: 'pip'
        }
      ];
      return api;
    }

    it('shows the environments that have the package, with the version', async () => {
      const api = withPackages();
      const model = new EnvPanelModel(api);
      (model.packageSearch as any).delay = 0;
      await model.refresh();
      await model.setFilter('numpy');
      expect(model.filtered.map(e => e.name)).toEqual(['server', 'ml']);
      expect(model.packageHits(model.environments[1]).map(p => p.version)).toEqual(['1.26.4']);
      expect(model.packageHits(model.environments[2])).toEqual([]);
    });

    it('keeps matching names, and asks nothing for short or several-word text', async () => {
      const api = withPackages();
      const model = new EnvPanelModel(api);
      (model.packageSearch as any).delay = 0;
      await model.refresh();
      await model.setFilter('r');
      await model.setFilter('3.11 ml');
      expect(api.calls.filter(c => c.startsWith('packages'))).toEqual([]);
      await model.setFilter('pixi');
      expect(model.filtered.map(e => e.name)).toEqual(['r-env']); // by kind; no package matched
    });

    it('drops a late answer for text the user already changed', async () => {
      const api = withPackages();
      api.delays['packages:numpy'] = 40;
      const model = new EnvPanelModel(api);
      (model.packageSearch as any).delay = 0;
      await model.refresh();
      const first = model.setFilter('numpy');
      await new Promise(resolve => setTimeout(resolve, 5));
      await Promise.all([first, model.setFilter('nothing')]);
      expect(model.packageSearch.query).toBe('nothing');
      expect(model.filtered).toEqual([]);
    });
  });
});
