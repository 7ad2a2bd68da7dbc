import { describe, expect, it } from 'vitest';

import { EnvPanelApiError } from '../src/api';
import { EnvPanelModel } from '../src/model';
import { FakeApi, env, project } from './fakes';

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
    model.activeChanged.connect(() => emitted++);
    await model.setActive('conda-env-ml-py', 'work/a.ipynb');
    expect(model.active?.environment?.name).toBe('ml');
    expect(api.calls).toContain('drift:ml:work/a.ipynb');
    expect(model.driftEntries.map(e => e.status)).toEqual(['mismatch']);
    expect(model.driftCount).toBe(1); // missing + mismatch, from the server; unrequested apart
    expect(api.calls).toContain('project:work/a.ipynb');
    expect(emitted).toBe(2); // the session, then its environment
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
    expect(model.filtered.map(e => e.name)).toEqual(['r-env', 'ml', 'server']); // project, active
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

  it("lists a project's unlisted in-project environment by asking (a POST), then reloads the listing", async () => {
    const api = new FakeApi();
    api.projects['proj'] = project('proj/.venv', { listed: false });
    const model = new EnvPanelModel(api);
    await model.setBrowserPath('proj');
    expect(api.calls).toEqual(expect.arrayContaining(['project:proj', 'adopt:proj']));
    expect(model.project?.listed).toBe(true);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(api.calls.filter(c => c.startsWith('poll:') || c === 'list').length).toBeGreaterThan(0);
    api.calls.length = 0;
    await model.setBrowserPath('proj'); // listed now: a GET only
    expect(api.calls).toEqual(['project:proj']);
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
