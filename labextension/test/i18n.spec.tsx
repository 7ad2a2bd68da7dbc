// @vitest-environment jsdom
/**
 * Every word the panel shows goes through the translator: rendered under a pseudo-locale that
 * wraps each translated string in ⟦ ⟧, no text is left that is neither wrapped nor data.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { afterEach, describe, expect, it } from 'vitest';

import { IDriftReport } from '../src/api';
import { DOMAIN, bundleOf } from '../src/i18n';
import { EnvPanelModel } from '../src/model';
import { EnvPanel } from '../src/panel';
import { PickerBody, choices } from '../src/picker';
import { EnvStatus } from '../src/status';
import { SwitchBody } from '../src/switchbody';
import { EnvPanelApiError } from '../src/api';
import { FakeApi, env, project, report } from './fakes';
import { FakeActions, after, apiWithKernels, mount, settle, typeInto, unmountAll } from './helpers';
import { PseudoTranslator, stringsOf, untranslated } from './pseudo';

/** The world of these tests: distinctive names, every kind of row. */
function world(): FakeApi {
  const api = apiWithKernels('mlzeta', 'rproj');
  api.listing = {
    environments: [
      env('servr', { is_server: true, kind: 'system', label: '/usr/bin/python3.12' }),
      env('mlzeta'),
      env('rproj', {
        kernels: [
          {
            name: 'conda-env-rproj-py',
            display_name: 'Py rproj',
            language: 'python',
            registered: true
          }
        ]
      }),
      env('gammaq', {
        shared: true,
        kernels: [
          { name: 'gq-py', display_name: 'Gq Py', language: 'python', registered: false },
          { name: 'gq-r', display_name: 'Gq R', language: 'R', registered: false }
        ]
      }),
      env('3.12.1', {
        kind: 'pyenv',
        label: 'pyenv 3.12.1',
        interpreter: true,
        kernels: [],
        kernel_hint: '/h/.pyenv/versions/3.12.1/bin/python3 -m pip install ipykernel'
      })
    ],
    warnings: [],
    searched: ['/h/miniconda3/envs']
  };
  api.kernels.unknownk = {
    kernel: 'unknownk',
    display_name: 'Unknown K',
    environment: null,
    prefix: '/opt/elsewhere',
    message: 'not found'
  };
  api.projects['work/a.ipynb'] = project('rproj', {
    path: 'work/a.ipynb',
    kernel: {
      name: 'conda-env-rproj-py',
      display_name: 'Py rproj',
      language: 'python',
      registered: true
    },
    drift: { file: 'environment.yml', drift_count: 2, summary: { ok: 1 } } as any
  });
  api.projects['b.ipynb'] = project(null, {
    path: 'b.ipynb',
    name: 'newenvq',
    create: [{ tool: 'conda', command: 'conda env create -f environment.yml', argv: [['conda']] }],
    hint: 'or use mamba'
  });
  api.projects['c.ipynb'] = project('rproj', { path: 'c.ipynb' });
  const drifted: IDriftReport = {
    ...report,
    requirements: [
      ...report.requirements,
      {
        ...report.requirements[0],
        spec: 'scipy',
        name: 'scipy',
        status: 'missing',
        installed: null,
        reason: 'not installed',
        line: 4
      }
    ],
    fix_commands: [
      {
        tool: 'conda',
        argv: [],
        command: "conda install --prefix /envs/mlzeta 'numpy>=2' scipy",
        entries: ['numpy>=2', 'scipy']
      }
    ],
    fix_notes: [
      {
        entries: ['pkgq>=1'],
        reason: 'pixi is needed to install these (https://pixi.sh)',
        needs: 'pixi'
      }
    ],
    drift_count: 2
  };
  api.driftReports = {
    mlzeta: drifted,
    rproj: { ...report, requirements: [], drift_count: 0, in_sync: true }
  };
  api.notebookReports['work/a.ipynb'] = {
    path: 'work/a.ipynb',
    recorded: {
      format: 1,
      environment: 'gammaq',
      kind: 'conda',
      python: '3.10.2',
      packages: [],
      digest: 'd',
      package_count: 3
    },
    environment: { name: 'mlzeta', prefix: '/envs/mlzeta' },
    differences: [
      { name: 'python', recorded: '3.10.2', current: '3.11.7', what: 'python', text: '' },
      { name: 'numpy', recorded: '1.24.4', current: '1.26.4', what: 'changed', text: '' },
      { name: 'pandas', recorded: '2.1.0', current: null, what: 'missing', text: '' }
    ],
    count: 3
  };
  api.notebookReports['c.ipynb'] = {
    path: 'c.ipynb',
    recorded: {
      format: 1,
      environment: 'rproj',
      kind: 'conda',
      python: '3.11.7',
      packages: [],
      digest: 'd',
      package_count: 3
    },
    environment: { name: 'rproj', prefix: '/envs/rproj' },
    differences: [],
    count: 0
  };
  api.packageMatches = ['numpy', 'numpyx', 'numpyy', 'numpyz', 'numpyw'].map(name => ({
    environment: 'mlzeta',
    prefix: '/envs/mlzeta',
    name,
    version: '1.26.4',
    source: 'conda'
  }));
  return api;
}

describe('every string the panel shows is translated (pseudo-locale)', () => {
  const widgets: Widget[] = [];
  afterEach(() => unmountAll(widgets.splice(0)));

  async function render(api: FakeApi, translator: PseudoTranslator) {
    const model = new EnvPanelModel(api, () => undefined, translator);
    model.packageSearch.delay = 0;
    const actions = new FakeActions();
    const panel = await mount(new EnvPanel(model, actions, translator));
    const status = await mount(new EnvStatus(model, () => undefined, bundleOf(translator)));
    widgets.push(panel, status);
    await after(() => model.refresh());
    return { model, panel, status, actions };
  }

  function check(api: FakeApi, ...roots: Element[]) {
    const data = stringsOf([
      api.listing,
      api.kernels,
      api.projects,
      api.driftReports,
      api.notebookReports,
      api.packageMatches
    ]);
    data.add('environment.yml');
    // what the server said when it failed is shown as it said it
    api.failing.forEach(key => data.add(`failed: ${key}`));
    Object.values(api.driftErrors).forEach(e => data.add(e.message));
    data.add(api.listError?.message ?? '');
    for (const root of roots) {
      expect(untranslated(root, data), root.outerHTML.slice(0, 200)).toEqual([]);
    }
  }

  it('finds text that did not go through the translator', async () => {
    const widget = await mount(ReactWidget.create(<p title="Copy">Switch ⟦to⟧ mlzeta</p>));
    widgets.push(widget);
    const data = new Set(['mlzeta']);
    expect(untranslated(widget.node, data)).toEqual(['text: Switch', 'title: Copy']);
  });

  it('in every state of every section, the status item and the picker', async () => {
    const translator = new PseudoTranslator();
    const api = world();
    const { model, panel, status } = await render(api, translator);

    // nothing followed: the project of the file browser's folder, every kind of row
    await after(() => model.setBrowserPath(''));
    check(api, panel.node, status.node);
    await after(() =>
      panel.node.querySelector<HTMLElement>('[data-action="toggle-interpreters"]')!.click()
    );
    expect(panel.node.querySelector('[data-kernel-hint]')).not.toBeNull();
    check(api, panel.node);

    // a notebook in mlzeta: drift with fixes and hand-installed packages, a project elsewhere,
    // what changed since it ran (in gammaq), the package filter with "+1 more"
    await after(() => model.setActive('conda-env-mlzeta-py', 'work/a.ipynb', 'Py mlzeta'));
    await typeInto(panel.node.querySelector<HTMLInputElement>('.jp-EnvPanel-filter')!, 'numpy');
    await after(() => new Promise(resolve => setTimeout(resolve, 10)));
    expect(panel.node.querySelector('[data-package-hits]')).not.toBeNull();
    expect(panel.node.querySelector('[data-ran-with-count="3"]')).not.toBeNull();
    expect(panel.node.querySelector('[data-fix-tool]')).not.toBeNull();
    expect(panel.node.querySelector('[data-fix-note="pixi"]')).not.toBeNull();
    check(api, panel.node, status.node);
    await typeInto(panel.node.querySelector<HTMLInputElement>('.jp-EnvPanel-filter')!, 'zzzz');
    check(api, panel.node);
    await typeInto(panel.node.querySelector<HTMLInputElement>('.jp-EnvPanel-filter')!, '');

    // the picker and the switch confirmation
    const picker = await mount(new PickerBody(model, choices(model), bundleOf(translator)));
    const confirm = await mount(
      ReactWidget.create(
        <SwitchBody
          stake={{ busy: true, executed: 2 }}
          from="mlzeta"
          to="gammaq"
          trans={bundleOf(translator)}
        />
      )
    );
    widgets.push(picker, confirm);
    check(api, picker.node, confirm.node);

    // a kernel in an environment nobody found; a project to create; a broken record
    api.failing.add('notebook:b.ipynb');
    await after(() => model.setActive('unknownk', 'b.ipynb', 'Unknown K'));
    expect(panel.node.querySelector('[data-project-state="missing"]')).not.toBeNull();
    check(api, panel.node, status.node);

    // the notebook runs in its project's environment, in sync, same packages as when it ran
    await after(() => model.setActive('conda-env-rproj-py', 'c.ipynb', 'Py rproj'));
    expect(panel.node.querySelector('[data-project-state="active"]')).not.toBeNull();
    check(api, panel.node, status.node);

    // no environment file; a file error; a session without a kernel; a kernel still loading
    api.driftErrors = { rproj: new EnvPanelApiError(404, 'no environment file') };
    await after(() => model.setActive('conda-env-rproj-py', 'sub/c.ipynb', 'Py rproj'));
    expect(panel.node.querySelector('[data-no-envfile="sub"]')).not.toBeNull();
    check(api, panel.node);
    api.driftErrors = { rproj: new EnvPanelApiError(422, 'environment.yml:3:1: bad') };
    await after(() => model.setActive('conda-env-rproj-py', 'c.ipynb', 'Py rproj'));
    check(api, panel.node);
    await after(() => model.setActive(null, 'c.ipynb'));
    check(api, panel.node, status.node);
    api.delays['kernel:conda-env-rproj-py'] = 50;
    const loading = model.setActive('conda-env-rproj-py', 'c.ipynb', 'Py rproj');
    await settle();
    check(api, panel.node, status.node);
    await after(() => loading);

    // the listing: unreachable server, no server extension, nothing found, the project failing
    api.listError = new EnvPanelApiError(0, 'TypeError: Failed to fetch', null, null, true);
    api.failing.add('project:c.ipynb');
    await after(() => model.refresh());
    await after(() => model.reloadContext());
    check(api, panel.node);
    api.listError = new EnvPanelApiError(404, 'Not Found');
    await after(() => model.refresh());
    check(api, panel.node);
    api.listError = null;
    api.listing = { environments: [], warnings: [], searched: ['/h/miniconda3/envs'] };
    await after(() => model.refresh());
    check(api, panel.node);

    expect(translator.domains).toContain(DOMAIN);
    expect([...translator.domains].every(d => d === DOMAIN || d === 'jupyterlab')).toBe(true);
  });

  it("the model's notifications", async () => {
    const translator = new PseudoTranslator();
    const notes: string[] = [];
    const model = new EnvPanelModel(world(), message => notes.push(message), translator);
    await model.register('mlzeta');
    await model.unregister('mlzeta');
    expect(notes).toEqual([
      '⟦Registered conda-env-mlzeta-py: other frontends can use them now.⟧',
      '⟦Removed the registered kernels of mlzeta.⟧'
    ]);
  });
});
