// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';

import { ActiveBody } from '../src/activeview';
import { bundleOf } from '../src/i18n';
import { EnvPanelModel } from '../src/model';
import { after, apiWithKernels, mount, settle, unmountAll } from './helpers';

describe('the Active environment section', () => {
  let body: ActiveBody;
  afterEach(() => unmountAll([body]));

  async function shown(model: EnvPanelModel) {
    body = await mount(new ActiveBody(model, bundleOf(null)));
    return body.node;
  }

  it('asks for a notebook when none is followed, and says it is looking while it looks', async () => {
    const api = apiWithKernels('ml');
    api.delays['kernel:conda-env-ml-py'] = 30;
    const model = new EnvPanelModel(api);
    const node = await shown(model);
    expect(node.textContent).toBe('Open a notebook or console to see its environment.');
    const pending = model.setActive('conda-env-ml-py', 'a.ipynb', 'Python [conda env:ml]');
    await settle();
    expect(node.textContent).toBe('Looking up Python [conda env:ml]…');
    await after(() => pending);
    expect(node.querySelector('[data-active-env="ml"]')).not.toBeNull();
  });

  it('shows the environment: kind, Python, packages, prefix, kernel, drift badge', async () => {
    const model = new EnvPanelModel(apiWithKernels('ml'));
    const node = await shown(model);
    await after(() => model.setActive('conda-env-ml-py', 'work/a.ipynb', 'Python [conda env:ml]'));
    const card = node.querySelector<HTMLElement>('[data-active-env="ml"]')!;
    expect(card.querySelector('.jp-EnvPanel-muted')!.textContent).toBe(
      'conda · Python 3.11.7 · 10 packages'
    );
    expect(card.querySelector('code')!.textContent).toBe('/envs/ml');
    expect(card.textContent).toContain('Kernel: Python [conda env:ml] · work/a.ipynb');
    const badge = card.querySelector<HTMLElement>('[data-drift-count]')!;
    expect([badge.dataset.driftCount, badge.textContent]).toEqual(['1', '1 drift']);
    await after(() => model.setSettings({ driftChecks: false }));
    expect(card.querySelector('[data-drift-count]')).toBeNull();
  });

  it('says when the kernel runs in an environment nobody found, or there is no kernel', async () => {
    const api = apiWithKernels();
    api.kernels.echo = {
      kernel: 'echo',
      display_name: 'Echo',
      environment: null,
      prefix: '/opt/echo',
      message: 'not found'
    };
    const model = new EnvPanelModel(api);
    const node = await shown(model);
    await after(() => model.setActive('echo', 'a.ipynb', 'Echo'));
    expect(node.textContent).toBe(
      'The kernel “Echo” runs in an environment jupyter-envpanel did not find (/opt/echo).'
    );
    await after(() => model.setActive(null, 'a.ipynb'));
    expect(node.textContent).toBe('This session has no kernel.');
  });
});
