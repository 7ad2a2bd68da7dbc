// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';

import { EnvPanelApiError } from '../src/api';
import { bundleOf } from '../src/i18n';
import { ListingState } from '../src/listing';
import { ListBody } from '../src/listview';
import { EnvPanelModel } from '../src/model';
import { FakeApi } from './fakes';
import { FakeActions, after, apiWithKernels, mount, typeInto, unmountAll } from './helpers';

describe('ListingState', () => {
  it('loads, then polls cheaply: a 304 emits nothing, a new listing emits once', async () => {
    const api = new FakeApi();
    const listing = new ListingState(api);
    await listing.load();
    let emitted = 0;
    listing.changed.connect(() => emitted++);
    expect(await listing.poll()).toBe(false);
    api.etag = 'v2';
    expect(await listing.poll()).toBe(true);
    expect([emitted, api.calls]).toEqual([1, ['poll:', 'poll:v1', 'poll:v1']]);
  });

  it('keeps what it had when a poll fails, and the error of a failed load', async () => {
    const api = new FakeApi();
    const listing = new ListingState(api);
    await listing.load();
    api.listError = new EnvPanelApiError(0, 'down', null, null, true);
    await expect(listing.poll()).rejects.toThrow('down');
    expect(listing.environments.length).toBe(3);
    await listing.load();
    expect([listing.error?.unreachable, listing.loading]).toEqual([true, false]);
  });
});

describe('the All environments section', () => {
  let body: ListBody;
  afterEach(() => unmountAll([body]));

  async function shown(model: EnvPanelModel, actions = new FakeActions()) {
    model.packageSearch.delay = 0;
    body = await mount(new ListBody(model, actions, bundleOf(null)));
    await after(() => model.refresh());
    return actions;
  }
  const names = () =>
    [...body.node.querySelectorAll('[data-env-name]')].map(e => e.getAttribute('data-env-name'));

  it('filters by name, kind or Python as the user types', async () => {
    const model = new EnvPanelModel(new FakeApi());
    await shown(model);
    expect(names()).toEqual(['server', 'ml', 'r-env']);
    const input = body.node.querySelector<HTMLInputElement>('.jp-EnvPanel-filter')!;
    await typeInto(input, 'pixi');
    expect(names()).toEqual(['r-env']);
    await typeInto(input, 'nothing-like-it');
    expect(body.node.textContent).toContain('No environment matches “nothing-like-it”.');
  });

  it('shows the packages that matched, four then "+N more"', async () => {
    const api = new FakeApi();
    api.packageMatches = ['numpy', 'numpy-a', 'numpy-b', 'numpy-c', 'numpy-d'].map(name => ({
      environment: 'ml',
      prefix: '/envs/ml',
      name,
      version: '1.0',
      source: 'pip'
    }));
    const model = new EnvPanelModel(api);
    await shown(model);
    await typeInto(body.node.querySelector<HTMLInputElement>('.jp-EnvPanel-filter')!, 'numpy');
    await after(() => new Promise(resolve => setTimeout(resolve, 5)));
    const line = body.node.querySelector<HTMLElement>('[data-package-hits]')!;
    expect(line.textContent).toBe('numpy 1.0, numpy-a 1.0, numpy-b 1.0, numpy-c 1.0, +1 more');
    expect(names()).toEqual(['ml']);
  });

  it('disables Switch with a reason when no notebook is followed', async () => {
    const actions = new FakeActions();
    actions.followed = false;
    await shown(new EnvPanelModel(new FakeApi()), actions);
    const button = body.node.querySelector<HTMLButtonElement>(
      '[data-env-name="ml"] [data-action="switch"]'
    )!;
    expect(button.disabled).toBe(true);
    expect(button.title).toBe('Open a notebook or console to switch its kernel');
  });

  it('offers a keyboard menu for an environment with several kernels', async () => {
    const api = new FakeApi();
    api.listing.environments[1].kernels.push({
      name: 'conda-env-ml-r',
      display_name: 'R [conda env:ml]',
      language: 'R',
      registered: false
    });
    const actions = await shown(new EnvPanelModel(api));
    const row = body.node.querySelector('[data-env-name="ml"]')!;
    const toggle = row.querySelector<HTMLButtonElement>('[data-action="switch"]')!;
    const menu = row.querySelector<HTMLElement>('[role="menu"]')!;
    expect(menu.hidden).toBe(true);
    await after(() => toggle.click());
    const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    expect([menu.hidden, document.activeElement]).toEqual([false, items[0]]);
    const key = (k: string) =>
      after(() =>
        document.activeElement!.dispatchEvent(
          new KeyboardEvent('keydown', { key: k, bubbles: true })
        )
      );
    await key('ArrowDown');
    expect(document.activeElement).toBe(items[1]);
    await key('Escape');
    expect([menu.hidden, document.activeElement]).toEqual([true, toggle]);
    await after(() => toggle.click());
    await after(() => items[1].click());
    expect(actions.calls).toEqual(['switch:ml:conda-env-ml-r']);
  });

  it('registers and unregisters through the server, then lists again', async () => {
    const api = new FakeApi();
    api.listing.environments[2].kernels[0].registered = true;
    const model = new EnvPanelModel(api);
    await shown(model);
    await after(() =>
      body.node.querySelector<HTMLElement>('[data-env-name="ml"] [data-action="register"]')!.click()
    );
    await after(() =>
      body.node
        .querySelector<HTMLElement>('[data-env-name="r-env"] [data-action="unregister"]')!
        .click()
    );
    expect(api.calls.filter(c => /register/.test(c))).toEqual(['register:ml', 'unregister:r-env']);
  });

  it('explains a missing server extension, an unreachable server and an empty machine', async () => {
    const api = new FakeApi();
    api.listError = new EnvPanelApiError(404, 'Not Found');
    const model = new EnvPanelModel(api);
    await shown(model);
    expect(body.node.querySelector('[role="alert"]')!.textContent).toBe(
      'The jupyter-envpanel server extension is not enabled. Run jupyter server extension enable jupyter_envpanel and restart JupyterLab.'
    );
    api.listError = new EnvPanelApiError(0, 'TypeError: Failed to fetch', null, null, true);
    await after(() => model.refresh());
    expect(body.node.querySelector('[role="alert"]')!.textContent).toBe(
      'Could not list environments: cannot reach the server: TypeError: Failed to fetch'
    );
    api.listError = null;
    api.listing = { environments: [], warnings: [], searched: ['/h/envs', '/h/.venv'] };
    await after(() => model.refresh());
    expect(body.node.textContent).toContain('No environments found — looked in /h/envs, /h/.venv.');
  });

  it('marks the project and the active environment', async () => {
    const api = apiWithKernels('ml');
    const model = new EnvPanelModel(api);
    await shown(model);
    await after(() => model.setActive('conda-env-ml-py', 'a.ipynb'));
    const row = body.node.querySelector<HTMLElement>('[data-env-name="ml"]')!;
    expect(row.classList.contains('jp-mod-active')).toBe(true);
    expect(row.querySelector('[data-action="switch"]')).toBeNull(); // it runs there already
  });

  it('groups the interpreters without ipykernel, collapsed, and opens the group for a filter', async () => {
    const api = new FakeApi();
    for (const version of ['3.10.4', '3.6.15']) {
      api.listing.environments.push({
        ...api.listing.environments[1],
        name: version,
        prefix: `/h/.pyenv/versions/${version}`,
        kind: 'pyenv',
        interpreter: true,
        kernels: [],
        kernel_hint: `/h/.pyenv/versions/${version}/bin/python3 -m pip install ipykernel`
      });
    }
    await shown(new EnvPanelModel(api));
    const group = body.node.querySelector<HTMLElement>('[data-interpreter-count]')!;
    const toggle = group.querySelector<HTMLButtonElement>('[data-action="toggle-interpreters"]')!;
    expect([group.dataset.interpreterCount, toggle.textContent]).toEqual([
      '2',
      '2 Python interpreters without ipykernel'
    ]);
    expect(names()).toEqual(['server', 'ml', 'r-env']); // collapsed
    await after(() => toggle.click());
    expect(names()).toEqual(['server', 'ml', 'r-env', '3.6.15', '3.10.4']);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await after(() => toggle.click());
    await typeInto(body.node.querySelector<HTMLInputElement>('.jp-EnvPanel-filter')!, 'pyenv');
    expect(names()).toEqual(['3.6.15', '3.10.4']); // a filter shows its matches in the group
  });
});
