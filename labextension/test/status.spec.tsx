// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';

import { bundleOf } from '../src/i18n';
import { EnvPanelModel } from '../src/model';
import { EnvStatus, STATUS_ID } from '../src/status';
import { project } from './fakes';
import { after, apiWithKernels, mount, unmountAll } from './helpers';

describe('the status bar item', () => {
  let item: EnvStatus;
  afterEach(() => unmountAll([item]));

  it('is hidden until a session is followed, then names its environment and drift', async () => {
    const model = new EnvPanelModel(apiWithKernels('ml'));
    let clicks = 0;
    item = await mount(new EnvStatus(model, () => clicks++, bundleOf(null)));
    expect(item.isHidden).toBe(true);
    await after(() => model.setActive('conda-env-ml-py', 'a.ipynb'));
    const button = item.node.querySelector<HTMLButtonElement>(`#${STATUS_ID}`)!;
    expect(item.isHidden).toBe(false);
    expect(button.textContent).toBe('env: ml · 1 drift');
    expect([button.dataset.envName, button.dataset.driftCount]).toEqual(['ml', '1']);
    button.click();
    expect(clicks).toBe(1);
  });

  it("warns when the notebook does not run in its project's environment", async () => {
    const api = apiWithKernels('ml');
    api.projects['a.ipynb'] = project('demo', { path: 'a.ipynb' });
    const model = new EnvPanelModel(api);
    item = await mount(new EnvStatus(model, () => undefined, bundleOf(null), ''));
    item.extra['data-envpanel-toolbar'] = 'true';
    await after(() => model.setActive('conda-env-ml-py', 'a.ipynb'));
    const button = item.node.querySelector<HTMLButtonElement>('[data-envpanel-toolbar]')!;
    expect(button.id).toBe('');
    expect(button.textContent).toBe('env: ml · 1 drift · project: demo');
    expect(button.dataset.projectMismatch).toBe('demo');
    expect(button.classList.contains('jp-mod-warn')).toBe(true);
  });
});
