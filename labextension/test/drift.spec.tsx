// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';

import { EnvPanelApiError } from '../src/api';
import { DriftState } from '../src/driftstate';
import { DriftBody } from '../src/driftview';
import { bundleOf } from '../src/i18n';
import { EnvPanelModel } from '../src/model';
import { report } from './fakes';
import { FakeActions, after, apiWithKernels, followedModel, mount, unmountAll } from './helpers';

describe('DriftState', () => {
  it('counts missing + mismatch as the server does, and lists only those entries', async () => {
    const state = new DriftState(apiWithKernels());
    await state.load('ml', 'a.ipynb', () => true);
    expect(state.count).toBe(1);
    expect(state.entries.map(e => e.spec)).toEqual(['numpy>=2']);
  });

  it('drops an answer that is no longer wanted, and clears once', async () => {
    const state = new DriftState(apiWithKernels());
    await state.load('ml', 'a.ipynb', () => false);
    expect(state.report).toBeNull();
    await state.load('ml', 'a.ipynb', () => true);
    let emitted = 0;
    state.changed.connect(() => emitted++);
    state.clear();
    state.clear();
    expect([state.report, emitted]).toEqual([null, 1]);
  });

  it('keeps the error of a file it could not read', async () => {
    const api = apiWithKernels();
    api.driftErrors.ml = new EnvPanelApiError(422, 'environment.yml:3:5: bad', 3, 5);
    const state = new DriftState(api);
    await state.load('ml', 'a.ipynb', () => true);
    expect([state.report, state.error?.line]).toEqual([null, 3]);
  });
});

describe('the Drift section', () => {
  let body: DriftBody;
  afterEach(() => unmountAll([body]));

  async function shown(model: EnvPanelModel, actions = new FakeActions()) {
    body = await mount(new DriftBody(model, actions, bundleOf(null)));
    return actions;
  }

  it('lists the entries; a click or Enter opens the file at the entry', async () => {
    const model = await followedModel();
    const actions = await shown(model);
    const entry = body.node.querySelector<HTMLElement>('[data-drift-status="mismatch"]')!;
    expect(entry.textContent).toBe('mismatchnumpy>=2installed 1.26.4: 1.26.4 does not satisfy >=2');
    await after(() => entry.click());
    await after(() =>
      entry.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    );
    expect(actions.calls).toEqual(['open:environment.yml:3:5', 'open:environment.yml:3:5']);
    expect(body.node.querySelector('[data-drift-status="ok"]')).toBeNull(); // only drift
  });

  it('offers each fix command to copy or to type in a terminal (when there are terminals)', async () => {
    const api = apiWithKernels('ml');
    const fix = {
      tool: 'conda',
      argv: [],
      command: "conda install 'numpy>=2'",
      entries: ['numpy>=2']
    };
    api.driftReports.ml = { ...report, fix_commands: [fix] };
    const model = await followedModel(api);
    const actions = await shown(model);
    const row = body.node.querySelector<HTMLElement>('[data-fix-tool="conda"]')!;
    expect(row.dataset.fixCommand).toBe(fix.command);
    await after(() => row.querySelector<HTMLElement>('[data-action="terminal-fix"]')!.click());
    expect(actions.calls).toEqual([`terminal:${fix.command}`]);
    actions.terminals = false;
    await after(() => model.loadDrift());
    expect(body.node.querySelector('[data-action="terminal-fix"]')).toBeNull();
    expect(body.node.querySelector('[data-action="copy-fix"]')).not.toBeNull();
  });

  it('says why entries get no command, as text with nothing to copy or run', async () => {
    const api = apiWithKernels('ml');
    const fix = {
      tool: 'pip',
      argv: [],
      command: '/envs/ml/bin/python -m pip install rich',
      entries: ['rich']
    };
    api.driftReports.ml = {
      ...report,
      fix_commands: [fix],
      fix_notes: [
        {
          entries: ['numpy>=2', 'scipy'],
          reason:
            'conda, mamba or micromamba is needed to install these: https://conda-forge.org/download/',
          needs: 'conda'
        },
        {
          entries: ['evil\\x15name'],
          reason: 'this entry holds control characters; no command is offered for it',
          needs: ''
        }
      ]
    };
    const model = await followedModel(api);
    await shown(model);
    const notes = body.node.querySelector<HTMLElement>('.jp-EnvPanel-fixNotes')!;
    expect(notes.querySelector('p')!.textContent).toBe('No command for 3 entries:');
    const conda = notes.querySelector<HTMLElement>('[data-fix-note="conda"]')!;
    expect(conda.querySelector('code')!.textContent).toBe('numpy>=2 scipy');
    expect(conda.textContent).toContain('conda, mamba or micromamba is needed to install these');
    const text = notes.querySelector<HTMLElement>('[data-fix-note="text"]')!;
    expect(text.textContent).toBe(
      'evil\\x15namethis entry holds control characters; no command is offered for it'
    );
    expect(notes.querySelectorAll('button').length).toBe(0); // no Copy, no Open in Terminal
    // and they come after the commands that were offered
    const fixes = body.node.querySelector('.jp-EnvPanel-fixes')!;
    expect(fixes.compareDocumentPosition(notes) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('shows no notes when the server sends none (older servers send no field)', async () => {
    const model = await followedModel();
    await shown(model);
    expect(body.node.querySelector('.jp-EnvPanel-fixNotes')).toBeNull();
  });

  it('keeps the hand-installed group collapsed, and open across a new report', async () => {
    const model = await followedModel();
    await shown(model);
    const details = body.node.querySelector<HTMLDetailsElement>('.jp-EnvPanel-unrequested')!;
    expect(details.open).toBe(false);
    expect(details.dataset.unrequestedCount).toBe('1');
    details.open = true;
    await after(() => model.loadDrift(undefined, false));
    expect(body.node.querySelector('.jp-EnvPanel-unrequested')).toBe(details);
    expect(details.open).toBe(true);
  });

  it('says there is no file yet, and offers to create one from the environment', async () => {
    const api = apiWithKernels('ml');
    api.driftErrors.ml = new EnvPanelApiError(404, 'no environment file');
    const model = new EnvPanelModel(api);
    const actions = await shown(model);
    await after(() => model.setActive('conda-env-ml-py', 'scratch/new.ipynb'));
    const hint = body.node.querySelector<HTMLElement>('[data-no-envfile]')!;
    expect(hint.dataset.noEnvfile).toBe('scratch');
    expect(hint.textContent).toBe(
      'No environment.yml or lock file in scratch/ or above: nothing to compare with yet.'
    );
    await after(() =>
      body.node.querySelector<HTMLElement>('[data-action="create-envfile"]')!.click()
    );
    expect(actions.calls).toEqual(['create:ml:scratch/new.ipynb']);
  });

  it('says in sync when nothing drifts, and is empty without drift checks', async () => {
    const api = apiWithKernels('ml');
    api.driftReports.ml = { ...report, requirements: [], drift_count: 0, unrequested: [] };
    const model = await followedModel(api);
    await shown(model);
    expect(body.node.textContent).toBe('ml matches environment.yml.');
    await after(() => model.setSettings({ driftChecks: false }));
    expect(body.isEmpty()).toBe(true);
    expect(body.node.textContent).toBe('');
  });

  it('against a lock: extra packages (nothing to open), the lock environment, a stale lock', async () => {
    const api = apiWithKernels('ml');
    const extra = {
      spec: 'rich==13.7.1',
      source: 'pip',
      name: 'rich',
      file: 'pixi.lock',
      line: 0,
      column: 0,
      status: 'extra' as const,
      installed: '13.7.1',
      reason: 'installed, not in pixi.lock'
    };
    const lock = {
      tool: 'pixi',
      environment: 'cuda',
      platform: 'linux-64',
      packages: 40,
      stale: '',
      unjudged: ''
    };
    api.driftReports.ml = {
      ...report,
      file: 'pixi.lock',
      requirements: [extra],
      drift_count: 1,
      lock
    };
    const model = await followedModel(api);
    const actions = await shown(model);
    const row = body.node.querySelector<HTMLElement>('[data-drift-status="extra"]')!;
    expect(row.textContent).toBe('extrarich==13.7.1installed, not in pixi.lock');
    await after(() => row.click());
    expect(actions.calls).toEqual([]);
    const where = body.node.querySelector<HTMLElement>('[data-lock-environment]')!;
    expect(where.textContent).toBe('pixi.lock: environment cuda, linux-64');
    const stale = 'uv.lock is out of date with pyproject.toml';
    api.driftReports.ml = {
      ...report,
      file: 'uv.lock',
      requirements: [],
      drift_count: 0,
      lock: { ...lock, tool: 'uv', environment: '', platform: '', stale }
    };
    await after(() => model.loadDrift());
    expect(body.node.querySelector('[data-lock-stale]')!.textContent).toBe(stale);
    expect(body.node.textContent).not.toContain('matches');
  });
});
