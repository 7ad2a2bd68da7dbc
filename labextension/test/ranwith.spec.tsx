// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';

import { INotebookReport } from '../src/api';
import { bundleOf } from '../src/i18n';
import { EnvPanelModel } from '../src/model';
import { RanWithState } from '../src/ranwith';
import { RanWithBody } from '../src/ranwithview';
import { FakeApi } from './fakes';
import { after, apiWithKernels, mount, unmountAll } from './helpers';

function compared(recorded: string, now: string, differences: INotebookReport['differences']) {
  return {
    path: 'n.ipynb',
    recorded: {
      format: 1,
      environment: recorded,
      kind: 'conda',
      python: '3.11.7',
      packages: [],
      digest: '',
      package_count: 2
    },
    environment: { name: now, prefix: `/envs/${now}` },
    differences,
    count: differences.length
  };
}

const numpy = { name: 'numpy', recorded: '1.24.4', current: '2.1.0', what: 'changed', text: '' };

describe('RanWithState', () => {
  it('asks the server to compare with the environment given, and clears for a non-notebook', async () => {
    const api = new FakeApi();
    const state = new RanWithState(api);
    await state.load('n.ipynb', 'beta');
    await state.load('console-1', 'beta');
    expect(api.calls).toEqual(['notebook:n.ipynb:beta']);
    expect(state.report).toBeNull();
  });

  it('keeps the latest answer and the error of a broken record', async () => {
    const api = new FakeApi();
    api.delays['notebook:a.ipynb'] = 30;
    api.failing.add('notebook:b.ipynb');
    const state = new RanWithState(api);
    await Promise.all([state.load('a.ipynb'), state.load('b.ipynb')]);
    expect([state.report, state.error]).toEqual([null, 'failed: notebook:b.ipynb']);
  });
});

describe('the model compares the record with the kernel running now', () => {
  it('after the kernel lookup, and again after a switch', async () => {
    const api = apiWithKernels('alpha', 'beta');
    api.notebookReports['n.ipynb:alpha'] = compared('alpha', 'alpha', []);
    api.notebookReports['n.ipynb:beta'] = compared('alpha', 'beta', [numpy]);
    const model = new EnvPanelModel(api);
    await model.setActive('conda-env-alpha-py', 'n.ipynb');
    expect(model.ranWith.report?.environment?.name).toBe('alpha');
    await model.setActive('conda-env-beta-py', 'n.ipynb');
    expect(model.ranWith.report?.environment?.name).toBe('beta');
    expect(model.ranWith.report?.count).toBe(1);
    expect(api.calls.filter(c => c.startsWith('notebook'))).toEqual([
      'notebook:n.ipynb:alpha',
      'notebook:n.ipynb:beta'
    ]);
  });
});

describe('the "Since this notebook ran" section', () => {
  let body: RanWithBody;
  afterEach(() => unmountAll([body]));

  async function shown(report: INotebookReport | null, error = false) {
    const api = new FakeApi();
    if (report) {
      api.notebookReports['n.ipynb'] = report;
    }
    if (error) {
      api.failing.add('notebook:n.ipynb');
    }
    const model = new EnvPanelModel(api);
    body = await mount(new RanWithBody(model, bundleOf(null)));
    await after(() => model.ranWith.load('n.ipynb'));
    return body.node;
  }

  it('names the environment it ran with and the one it is compared with', async () => {
    const node = await shown(compared('alpha', 'beta', [numpy]));
    const line = node.querySelector<HTMLElement>('[data-ran-with-count]')!;
    expect(line.textContent).toBe('Ran with alpha; the kernel now runs in beta, 1 difference:');
    expect([line.dataset.ranWithEnv, line.dataset.comparedEnv]).toEqual(['alpha', 'beta']);
    expect(node.querySelector('[data-ran-with="numpy"]')!.textContent).toBe(
      'numpy: ran with 1.24.4, now 2.1.0'
    );
  });

  it('says the same packages are there, and what a python change and a missing package are', async () => {
    let node = await shown(compared('alpha', 'alpha', []));
    expect(node.textContent).toBe('Ran with alpha (Python 3.11.7): same packages in alpha now.');
    unmountAll([body]);
    node = await shown(
      compared('alpha', 'alpha', [
        { name: 'python', recorded: '3.11.7', current: '3.12.1', what: 'python', text: '' },
        { name: 'scipy', recorded: '1.13.0', current: null, what: 'missing', text: '' }
      ])
    );
    expect(node.querySelector('[data-ran-with-count]')!.textContent).toBe(
      'Ran with alpha; 2 differences in alpha now:'
    );
    expect([...node.querySelectorAll('[data-ran-with]')].map(e => e.textContent)).toEqual([
      'Python 3.11.7 → 3.12.1',
      'scipy 1.13.0: missing now'
    ]);
  });

  it('is empty without a record, and says why a record cannot be read', async () => {
    await shown(null);
    expect(body.isEmpty()).toBe(true);
    unmountAll([body]);
    const node = await shown(null, true);
    expect(node.querySelector('[role="alert"]')!.textContent).toBe('failed: notebook:n.ipynb');
  });
});
