// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';

import { bundleOf } from '../src/i18n';
import { EnvPanelModel } from '../src/model';
import { ProjectState } from '../src/projectstate';
import { ProjectBody, projectState } from '../src/projectview';
import { project } from './fakes';
import { FakeActions, after, apiWithKernels, mount, unmountAll } from './helpers';

describe('ProjectState', () => {
  it('keeps the answer to the latest path and emits once per answer', async () => {
    const api = apiWithKernels();
    api.projects['a'] = project('a', { path: 'a' });
    api.projects['b'] = project('b', { path: 'b' });
    api.delays['project:a'] = 30;
    const state = new ProjectState(api);
    let emitted = 0;
    state.changed.connect(() => emitted++);
    await Promise.all([state.load('a'), state.load('b')]);
    expect(state.path).toBe('b');
    expect(state.environment?.name).toBe('b');
    expect(emitted).toBe(1);
  });

  it('keeps the error of a failed question', async () => {
    const api = apiWithKernels();
    api.failing.add('project:x');
    const state = new ProjectState(api);
    await state.load('x');
    expect(state.answer).toBeNull();
    expect(state.error?.message).toBe('failed: project:x');
  });
});

describe('the Project section', () => {
  let body: ProjectBody;
  afterEach(() => unmountAll([body]));

  async function shown(model: EnvPanelModel, actions = new FakeActions()) {
    body = await mount(new ProjectBody(model, actions, bundleOf(null)));
    return { card: () => body.node.querySelector<HTMLElement>('[data-project-state]'), actions };
  }

  it('is empty until the server answered', async () => {
    const model = new EnvPanelModel(apiWithKernels());
    await shown(model);
    expect(body.isEmpty()).toBe(true);
    expect(body.node.textContent).toBe('');
  });

  it('says active when the notebook runs in it, with its drift', async () => {
    const api = apiWithKernels('demo');
    api.projects['n.ipynb'] = project('demo', {
      drift: { file: 'environment.yml', in_sync: false, summary: {}, drift_count: 2 }
    });
    const model = new EnvPanelModel(api);
    const { card } = await shown(model);
    await after(() => model.setActive('conda-env-demo-py', 'n.ipynb'));
    expect(projectState(model)).toBe('active');
    expect(card()!.textContent).toContain("This project's environment: demo (environment.yml)");
    expect(card()!.querySelector('[data-project-drift]')?.getAttribute('data-project-drift')).toBe(
      '2'
    );
  });

  it('names the lock it compares with, its environment, and says when the lock is stale', async () => {
    const api = apiWithKernels('alpha', 'demo');
    const stale = 'pixi.lock is out of date with pixi.toml';
    const lock = {
      tool: 'pixi',
      environment: 'cuda',
      platform: 'linux-64',
      packages: 9,
      stale,
      unjudged: ''
    };
    api.projects['n.ipynb'] = project('demo', {
      drift: { file: 'pixi.lock', in_sync: false, summary: {}, drift_count: 3, lock }
    });
    const model = new EnvPanelModel(api);
    const { card } = await shown(model);
    await after(() => model.setActive('conda-env-alpha-py', 'n.ipynb'));
    expect(card()!.textContent).toContain('demo vs pixi.lock [cuda]: 3');
    expect(card()!.querySelector('[data-project-lock-stale]')!.textContent).toBe(stale);
  });

  it('offers the switch when the notebook runs elsewhere, and opens the file from its name', async () => {
    const api = apiWithKernels('alpha', 'demo');
    const kernel = api.kernels['conda-env-demo-py'];
    api.projects['n.ipynb'] = project('demo', {
      kernel: {
        name: kernel.kernel,
        display_name: kernel.display_name,
        language: 'python',
        registered: false
      }
    });
    const model = new EnvPanelModel(api);
    const { card, actions } = await shown(model);
    await after(() => model.setActive('conda-env-alpha-py', 'n.ipynb'));
    expect(card()!.dataset.projectState).toBe('exists');
    expect(card()!.textContent).toContain('This notebook runs in alpha, not in demo.');
    await after(() =>
      card()!.querySelector<HTMLElement>('[data-action="switch-project"]')!.click()
    );
    await after(() => card()!.querySelector<HTMLElement>('.jp-EnvPanel-link')!.click());
    expect(actions.calls).toEqual(['switch:demo:conda-env-demo-py', 'open:environment.yml:1:1']);
  });

  it('shows the commands that create a missing environment, each copyable', async () => {
    const api = apiWithKernels();
    api.projects['p'] = project(null, {
      create: [
        { tool: 'conda', command: 'conda env create -f environment.yml', argv: [] },
        { tool: 'mamba', command: 'mamba env create -f environment.yml', argv: [] }
      ]
    });
    const model = new EnvPanelModel(api);
    const { card } = await shown(model);
    await after(() => model.setBrowserPath('p'));
    expect(card()!.dataset.projectState).toBe('missing');
    expect([...card()!.querySelectorAll('[data-tool]')].map(e => e.textContent)).toEqual([
      'conda env create -f environment.yml',
      'mamba env create -f environment.yml'
    ]);
    expect(card()!.querySelectorAll('[data-action="copy-create"]').length).toBe(2);
  });

  it('is neutral when no definition is found, and says why when the question failed', async () => {
    const api = apiWithKernels();
    api.failing.add('project:broken');
    const model = new EnvPanelModel(api);
    const { card } = await shown(model);
    await after(() => model.setBrowserPath('loose'));
    expect(card()!.dataset.projectState).toBe('none');
    expect(card()!.querySelector('.jp-EnvPanel-error')).toBeNull();
    await after(() => model.setBrowserPath('broken'));
    expect(card()!.dataset.projectState).toBe('error');
    expect(card()!.textContent).toContain('failed: project:broken');
  });
});
