// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';

import { EnvPanel } from '../src/panel';
import {
  FakeActions,
  after,
  apiWithKernels,
  followedModel,
  mount,
  typeInto,
  unmountAll
} from './helpers';

function renders(panel: EnvPanel): Record<string, number> {
  return Object.fromEntries(
    Object.entries(panel.sections).map(([name, section]) => [name, section.body.renders])
  );
}

describe('EnvPanel: six sections, each re-rendered by its own signals', () => {
  let panel: EnvPanel;
  afterEach(() => unmountAll([panel]));

  it('a keystroke in the filter re-renders the list and nothing else', async () => {
    const model = await followedModel();
    model.packageSearch.delay = 20; // the package answer comes after the keystroke's render
    panel = await mount(new EnvPanel(model, new FakeActions()));
    const before = renders(panel);
    const input = panel.node.querySelector<HTMLInputElement>('.jp-EnvPanel-filter')!;
    input.focus();
    await typeInto(input, 'ml');
    expect(model.filter).toBe('ml');
    const now = renders(panel);
    expect(now.list).toBe(before.list + 1);
    expect({ ...now, list: 0 }).toEqual({ ...before, list: 0 });
    // and the text box kept the user's text and focus state (it is not rebuilt)
    expect(panel.node.querySelector('.jp-EnvPanel-filter')).toBe(input);
    expect(input.value).toBe('ml');
    expect(document.activeElement).toBe(input);
    expect(
      [...panel.node.querySelectorAll('[data-env-name]')].map(e => e.getAttribute('data-env-name'))
    ).toEqual(['ml']);
  });

  it('a new drift report re-renders Active and Drift, not the list or the project', async () => {
    const model = await followedModel();
    panel = await mount(new EnvPanel(model, new FakeActions()));
    const before = renders(panel);
    await after(() => model.loadDrift());
    const now = renders(panel);
    expect(now.drift).toBeGreaterThan(before.drift);
    expect(now.active).toBeGreaterThan(before.active);
    expect(now.list).toBe(before.list);
    expect(now.project).toBe(before.project);
    expect(now.ranWith).toBe(before.ranWith);
  });

  it('hides the sections with nothing to show', async () => {
    const model = await followedModel();
    panel = await mount(new EnvPanel(model, new FakeActions()));
    const { drift, ranWith, project } = panel.sections;
    expect(drift.isHidden).toBe(false); // ml drifts from environment.yml
    expect(ranWith.isHidden).toBe(true); // the notebook has no record
    expect(project.isHidden).toBe(false); // "no project environment file here"
    await after(() => model.setSettings({ driftChecks: false }));
    expect(drift.isHidden).toBe(true);
    expect(panel.node.querySelector('[data-drift-status]')).toBeNull();
  });

  it('a row keeps its focused button and open menu across a re-render of the list', async () => {
    const api = apiWithKernels('ml');
    api.listing.environments[2].kernels = [
      { name: 'k-py', display_name: 'Python', language: 'python', registered: false },
      { name: 'k-r', display_name: 'R', language: 'R', registered: false }
    ];
    const model = await followedModel(api);
    panel = await mount(new EnvPanel(model, new FakeActions()));
    const row = () => panel.node.querySelector('[data-env-name="r-env"]')!;
    const toggle = row().querySelector<HTMLButtonElement>('[data-action="switch"]')!;
    await after(() => toggle.click());
    const first = row().querySelector<HTMLElement>('[data-kernel="k-py"]')!;
    expect(document.activeElement).toBe(first);
    // a live update of the listing (same environments) re-renders the list
    const rendered = panel.sections.list.body.renders;
    await after(() => model.refresh());
    expect(panel.sections.list.body.renders).toBeGreaterThan(rendered);
    expect(row().querySelector('.jp-EnvPanel-menu')!.hasAttribute('hidden')).toBe(false);
    expect(document.activeElement).toBe(first);
  });
});
