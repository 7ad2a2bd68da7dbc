// @vitest-environment jsdom
import { Clipboard } from '@jupyterlab/apputils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ActiveBody } from '../src/activeview';
import { DriftBody } from '../src/driftview';
import { bundleOf } from '../src/i18n';
import { ListBody } from '../src/listview';
import { jobNotice, jobQuestion } from '../src/jobtext';
import { EnvPanelModel } from '../src/model';
import { EnvStatus } from '../src/status';
import { UNSAFE, visible } from '../src/visible';
import { FakeApi, env, job, project, report } from './fakes';
import { FakeActions, after, apiWithKernels, followedModel, mount, unmountAll } from './helpers';

/** The code points jupyter_envpanel/core/base/commands.py's UNSAFE matches, as ranges. */
const RANGES: [number, number][] = [
  [0x00, 0x1f],
  [0x7f, 0x9f],
  [0x200e, 0x200f],
  [0x2028, 0x2029],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
  [0xfeff, 0xfeff]
];
const unsafe = (code: number) => RANGES.some(([low, high]) => low <= code && code <= high);

/** What Python's `visible()` shows for a code point (hand-written: `\xNN`, else `\uNNNN`). */
const escaped = (code: number) =>
  code < 0x100
    ? '\\x' + code.toString(16).padStart(2, '0')
    : '\\u' + code.toString(16).padStart(4, '0');

const RLO = '\u202e';
const ESC = '\x1b';

describe('visible(): the Python rule, in the panel', () => {
  it('escapes each code point of the set, and none of their neighbours', () => {
    const edges = RANGES.flatMap(([low, high]) => [low - 1, low, high, high + 1]).filter(
      c => c >= 0
    );
    for (const code of edges) {
      const char = String.fromCharCode(code);
      expect(visible(`a${char}b`), `U+${code.toString(16)}`).toBe(
        unsafe(code) ? `a${escaped(code)}b` : `a${char}b`
      );
    }
  });

  it('matches exactly the set over every BMP code point, and no astral one', () => {
    const wrong: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      if ((visible(char) !== char) !== unsafe(code)) {
        wrong.push(code.toString(16));
      }
    }
    expect(wrong).toEqual([]);
    expect(visible('\u{1f600} \u{e0001}')).toBe('\u{1f600} \u{e0001}');
  });

  it('writes the escapes Python writes, and keeps the rest (backslashes too)', () => {
    // jupyter_envpanel.core.base.commands.visible('a\x1bb\u202ec\x85\ufeff\n\x00\x7f\u2028\u2069 ok')
    const python = 'a\\x1bb\\u202ec\\x85\\ufeff\\x0a\\x00\\x7f\\u2028\\u2069 ok';
    expect(visible('a\x1bb\u202ec\x85\ufeff\n\x00\x7f\u2028\u2069 ok')).toBe(python);
    expect(visible('C:\\envs\\ml é 日本')).toBe('C:\\envs\\ml é 日本');
    expect(visible('')).toBe('');
  });

  it('is the same on a second call (the global regex keeps no position)', () => {
    expect([visible(ESC), visible(ESC), UNSAFE.lastIndex]).toEqual(['\\x1b', '\\x1b', 0]);
  });
});

describe('text from hostile files shows escaped, and stays exact where it is used', () => {
  let body: DriftBody | ListBody | ActiveBody | EnvStatus;
  afterEach(() => {
    vi.restoreAllMocks();
    unmountAll([body]);
  });

  it('a drift entry shows an override, an escape and a line break; a click opens the exact file', async () => {
    const api = apiWithKernels('ml');
    const file = `env${RLO}lmy.yml`;
    const entry = {
      ...report.requirements[0],
      spec: `numpy${RLO}2=<`,
      file,
      installed: `1.26${ESC}[2K`,
      reason: `bad\nline`
    };
    api.driftReports.ml = { ...report, file, requirements: [entry] };
    const model = await followedModel(api);
    const actions = new FakeActions();
    body = await mount(new DriftBody(model, actions, bundleOf(null)));
    const shown = body.node.querySelector<HTMLElement>('[data-drift-status="mismatch"]')!;
    expect(shown.textContent).toBe('mismatchnumpy\\u202e2=<installed 1.26\\x1b[2K: bad\\x0aline');
    expect(shown.title).toBe('Open env\\u202elmy.yml at line 3');
    expect(body.node.textContent).toContain('Compared with env\\u202elmy.yml');
    expect(body.node.textContent).not.toMatch(UNSAFE);
    await after(() => shown.click());
    expect(actions.calls).toEqual([`open:${file}:3:5`]);
  });

  it('an environment row shows its name, kernels and versions escaped; Switch gets the exact name', async () => {
    const api = new FakeApi();
    const name = `ml${RLO}gpu`;
    const hostile = env(name, {
      prefix: `/envs/ml${ESC}]0;x`,
      python_version: '3.11\n.7',
      kernels: [
        { name: 'k1', display_name: `Py${RLO}1`, language: 'python', registered: false },
        { name: 'k2', display_name: 'Py\u20282', language: 'python', registered: false }
      ]
    });
    api.listing = { environments: [hostile], warnings: [] };
    const model = new EnvPanelModel(api);
    const actions = new FakeActions();
    body = await mount(new ListBody(model, actions, bundleOf(null)));
    await after(() => model.refresh());
    const row = body.node.querySelector<HTMLElement>('.jp-EnvPanel-row')!;
    expect(row.dataset.envName).toBe(name); // a hook, not shown
    expect(row.title).toBe('ml\\u202egpu\n/envs/ml\\x1b]0;x');
    const label = row.querySelector<HTMLElement>('.jp-EnvPanel-name')!;
    expect([label.textContent, label.title]).toEqual(['ml\\u202egpu', 'ml\\u202egpu']);
    expect(row.querySelector('.jp-EnvPanel-kernels')!.textContent).toBe('Py\\u202e1, Py\\u20282');
    expect(row.textContent).toContain('conda · Python 3.11\\x0a.7');
    expect(row.textContent).not.toMatch(UNSAFE);
    for (const element of row.querySelectorAll('[title], [aria-label]')) {
      const shown = `${element.getAttribute('title') ?? ''}${element.getAttribute('aria-label')}`;
      expect(shown.replace(/\n/g, ''), element.outerHTML).not.toMatch(UNSAFE);
    }
    const items = [...row.querySelectorAll<HTMLElement>('[data-action="switch-kernel"]')];
    expect(items.map(i => i.textContent)).toEqual(['Py\\u202e1', 'Py\\u20282']);
    await after(() => items[0].click());
    expect(actions.calls).toEqual([`switch:${name}:k1`]);
  });

  it('the active environment shows its prefix escaped, and Copy copies it exact', async () => {
    const copied: string[] = [];
    vi.spyOn(Clipboard, 'copyToSystem').mockImplementation(data => void copied.push(String(data)));
    const api = apiWithKernels('ml');
    const prefix = `/envs/ml${RLO}x`;
    api.kernels['conda-env-ml-py'].environment = env('ml', { prefix });
    const model = await followedModel(api);
    body = await mount(new ActiveBody(model, bundleOf(null)));
    const code = body.node.querySelector<HTMLElement>('.jp-EnvPanel-prefix code')!;
    expect([code.textContent, code.title]).toEqual(['/envs/ml\\u202ex', '/envs/ml\\u202ex']);
    await after(() => body.node.querySelector<HTMLElement>('[data-action="copy-prefix"]')!.click());
    expect(copied).toEqual([prefix]);
  });
});

describe('names in the toolbar item and in job messages show escaped', () => {
  let item: EnvStatus;
  afterEach(() => unmountAll([item]));

  it("Notebook 7's toolbar item: the environment and the project it should run in", async () => {
    const name = `ml${RLO}`;
    const api = apiWithKernels(name);
    api.projects['a.ipynb'] = project(`demo${ESC}[31m`, { path: 'a.ipynb', file: `x${RLO}.yml` });
    const model = new EnvPanelModel(api);
    item = await mount(new EnvStatus(model, () => undefined, bundleOf(null), ''));
    await after(() => model.setActive(`conda-env-${name}-py`, 'a.ipynb'));
    const button = item.node.querySelector<HTMLButtonElement>('button')!;
    expect(button.textContent).toBe('env: ml\\u202e · 1 drift · project: demo\\x1b[31m');
    expect(button.title).toContain('runs in ml\\u202e, not in');
    expect(button.title).toContain('(x\\u202e.yml)');
    expect(button.dataset.envName).toBe(name);
  });

  it("a job's question, headline and notice", () => {
    const trans = bundleOf(null);
    const failed = job(
      '1',
      { action: 'install-kernel', environment: `ml${RLO}` },
      { state: 'interrupted', note: `gone\nnow` }
    );
    expect(jobQuestion(failed, trans)).toBe('Install ipykernel into ml\\u202e?');
    expect(jobNotice(failed, trans).message).toBe(
      'Installing ipykernel into ml\\u202e was interrupted. gone\\x0anow'
    );
  });
});
