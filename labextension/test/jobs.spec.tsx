// @vitest-environment jsdom
/**
 * Jobs in the panel: started from where the command is shown, followed from the last offset
 * until they end, cancelled, announced when they end, found again after a page reload; with
 * actions off, the commands stay and no button starts anything.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';
import { afterEach, describe, expect, it } from 'vitest';

import { bundleOf } from '../src/i18n';
import { JobConfirmBody, askAndRun } from '../src/jobdialog';
import { IJobView, JobsState } from '../src/jobstate';
import { formatElapsed, jobNotice } from '../src/jobtext';
import { JobsBody } from '../src/jobview';
import { EnvPanelModel } from '../src/model';
import { EnvPanel } from '../src/panel';
import { ProjectBody } from '../src/projectview';
import { FakeApi, env, job, project } from './fakes';
import { FakeActions, after, apiWithKernels, followedModel, mount, unmountAll } from './helpers';
import { PseudoTranslator, stringsOf, untranslated } from './pseudo';

const trans = bundleOf(null);
const CREATE = { action: 'create' as const, path: 'p/nb.ipynb', tool: 'conda' };

/** Wait (a few ms at a time) until a condition holds; fail after a while. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (condition()) {
      return;
    }
    await after(() => new Promise(resolve => setTimeout(resolve, 5)));
  }
  throw new Error(`never happened: ${what}`);
}

/** A world: project p needs an environment "demo" that conda can create; actions on. */
function world(): FakeApi {
  const api = apiWithKernels('ml');
  api.projects['p/nb.ipynb'] = project(null, {
    path: 'p/nb.ipynb',
    create: [
      { tool: 'conda', command: 'conda env create -f environment.yml', argv: [] },
      { tool: 'mamba', command: 'mamba env create -f environment.yml', argv: [] }
    ]
  });
  return api;
}

describe('JobsState: following a job on the server', () => {
  let state: JobsState;
  afterEach(() => state?.dispose());

  it('reads the output from the last offset and appends it, until the job ended', async () => {
    const api = world();
    state = new JobsState(api, 2);
    const view = await state.start(CREATE);
    api.print('j1', 'Collecting package metadata\n');
    await until(() => view.output.length > 0, 'the first output');
    api.print('j1', 'Solving environment [####      ] 45%\n', 45);
    await until(() => view.job.progress === 45, 'progress 45');
    api.print('j1', 'done\n', 100);
    api.end('j1', 'succeeded', 0);
    await until(() => view.job.state === 'succeeded', 'the end');
    expect(view.output).toBe(
      'Collecting package metadata\nSolving environment [####      ] 45%\ndone\n'
    );
    // every read asks from where the last one stopped: nothing is read twice
    const offsets = api.calls
      .filter(c => c.startsWith('read:j1:'))
      .map(c => Number(c.split(':')[2]));
    expect(offsets[0]).toBe(0);
    const ends = [0, 28, 65, 70]; // where each print ended: the only places a read can start
    expect(offsets.filter(o => !ends.includes(o))).toEqual([]);
    expect(offsets).toContain(28);
    expect(offsets).toContain(65);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    const reads = api.calls.filter(c => c.startsWith('read:')).length;
    await new Promise(resolve => setTimeout(resolve, 30));
    expect(api.calls.filter(c => c.startsWith('read:')).length).toBe(reads); // it stopped asking
  });

  it('announces the end once, and cancel asks the server to stop the tool', async () => {
    const api = world();
    state = new JobsState(api, 2);
    const ended: IJobView[] = [];
    state.ended.connect((_, v) => ended.push(v));
    const view = await state.start(CREATE);
    api.print('j1', 'Solving environment: 45%\n', 45);
    await until(() => view.output !== '', 'output');
    await state.cancel('j1');
    expect(api.calls).toContain('cancel:j1');
    await until(() => ended.length === 1, 'the end');
    expect(view.job.state).toBe('cancelled');
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(ended.length).toBe(1);
    state.dismiss('j1');
    expect(state.views).toEqual([]);
  });

  it('after a page reload, finds the running jobs on the server and follows them again', async () => {
    const api = world();
    api.serverJobs.push(
      { job: job('old', CREATE, { state: 'failed', exit_code: 1 }), output: 'x\n' },
      { job: job('live', CREATE, { output_size: 6, progress: 10 }), output: '10%\n20' }
    );
    state = new JobsState(api, 2);
    await state.reattach();
    expect(state.allowed).toBe(true);
    expect(state.views.map(v => v.job.id)).toEqual(['live']); // an old ended job is not brought back
    const view = state.views[0];
    await until(() => view.output === '10%\n20', 'the output so far');
    api.print('live', '%\n', 20);
    await until(() => view.output === '10%\n20%\n', 'the rest');
    expect(state.running('create', 'environment.yml')).toBe(view);
  });

  it('after a reload, a recent failure comes back with its log until it is dismissed', async () => {
    window.localStorage.clear();
    const now = Date.now() / 1000;
    const api = world();
    const failed = { state: 'failed' as const, exit_code: 1, ended: now - 60, output_size: 11 };
    api.serverJobs.push(
      { job: job('bad', CREATE, { ...failed, error_line: 'error: no' }), output: 'error: no\n\n' },
      {
        job: job('done', CREATE, { state: 'succeeded', exit_code: 0, ended: now - 60 }),
        output: ''
      },
      {
        job: job('stop', CREATE, { state: 'cancelled', exit_code: -15, ended: now - 60 }),
        output: ''
      }
    );
    state = new JobsState(api, 2);
    await state.reattach();
    expect(state.views.map(v => v.job.id)).toEqual(['bad']); // not a success, not a cancel
    const view = state.views[0];
    await until(() => view.output === 'error: no\n\n', 'its log');
    state.dismiss('bad');
    state.dispose();
    state = new JobsState(api, 2);
    await state.reattach();
    expect(state.views).toEqual([]); // dismissed in this browser: it stays dismissed
  });

  it('a second start for the same environment follows the running job (409)', async () => {
    const api = world();
    state = new JobsState(api, 2);
    const first = await state.start(CREATE);
    const second = await state.start(CREATE, true);
    expect(second).toBe(first);
    expect(first.switchWhenReady).toBe(true);
    expect(state.views.length).toBe(1);
  });

  it('a server that cannot run actions (or has no jobs routes) says allowed false', async () => {
    const api = world();
    api.jobsAllowed = false;
    state = new JobsState(api, 2);
    await state.reattach();
    expect(state.allowed).toBe(false);
  });
});

describe('the end of a job: a notification, the listing again, switch when ready', () => {
  it('says success, failure with the exit code and first error line, or cancelled', () => {
    const base = job('j', CREATE);
    expect(jobNotice({ ...base, state: 'succeeded', exit_code: 0 }, trans)).toEqual({
      message: 'Created demo.',
      type: 'success'
    });
    const error = 'CondaHTTPError: HTTP 000 CONNECTION FAILED';
    expect(jobNotice({ ...base, state: 'failed', exit_code: 1, error_line: error }, trans)).toEqual(
      { message: `Creating demo failed. Exit code 1: ${error}`, type: 'error' }
    );
    expect(jobNotice({ ...base, state: 'cancelled', exit_code: -15 }, trans).type).toBe('info');
    expect(formatElapsed(75.4)).toBe('1:15');
  });

  it('notifies, lists again and, when asked, tells the app to switch to the new kernel', async () => {
    const api = world();
    const notes: string[] = [];
    const model = new EnvPanelModel(api, (m, type) => notes.push(`${type}:${m}`), null, 2);
    await model.setBrowserPath('p/nb.ipynb');
    const ready: IJobView[] = [];
    model.jobReady.connect((_, v) => ready.push(v));
    await model.jobs.start(CREATE, true);
    // the tool made the environment: the server now lists it and the project has it
    api.listing.environments.push(env('demo'));
    api.projects['p/nb.ipynb'] = project('demo', {
      path: 'p/nb.ipynb',
      kernel: env('demo').kernels[0]
    });
    api.end('j1', 'succeeded', 0);
    await until(() => ready.length === 1, 'switch when ready');
    expect(notes).toEqual(['success:Created demo.']);
    expect(model.environments.map(e => e.name)).toContain('demo');
    expect(model.project?.exists).toBe(true);
    expect(model.readyKernel(ready[0])?.kernel.name).toBe('conda-env-demo-py');
    model.jobs.dispose();
  });

  it('a failed job does not switch, and says why', async () => {
    const api = world();
    const notes: string[] = [];
    const model = new EnvPanelModel(api, (m, type) => notes.push(`${type}:${m}`), null, 2);
    const ready: IJobView[] = [];
    model.jobReady.connect((_, v) => ready.push(v));
    await model.jobs.start(CREATE, true);
    api.end('j1', 'failed', 1, 'CondaHTTPError: HTTP 000');
    await until(() => notes.length === 1, 'the notification');
    expect(notes).toEqual(['error:Creating demo failed. Exit code 1: CondaHTTPError: HTTP 000']);
    await new Promise(resolve => setTimeout(resolve, 10));
    expect(ready).toEqual([]);
    model.jobs.dispose();
  });
});

describe('the Jobs section', () => {
  let body: JobsBody;
  let state: JobsState;
  afterEach(() => {
    state.dispose();
    unmountAll([body]);
  });

  it('shows progress, elapsed time, the last line and the log; Cancel stops the job', async () => {
    const api = world();
    state = new JobsState(api, 2);
    body = await mount(new JobsBody(state, trans));
    expect(body.isEmpty()).toBe(true);
    await after(() => state.start(CREATE));
    const card = () => body.node.querySelector<HTMLElement>('[data-job-id="j1"]')!;
    const bar = () => card().querySelector<HTMLElement>('[role="progressbar"]')!;
    expect(card().dataset.jobState).toBe('running');
    expect(bar().dataset.progress).toBe('indeterminate');
    expect(bar().classList).toContain('jp-mod-indeterminate');
    expect(card().textContent).toContain('Creating demo with conda…');
    expect(card().textContent).toContain('/opt/conda/bin/conda env create -f environment.yml');
    api.print('j1', 'Collecting package metadata\nSolving environment: 45%\n', 45);
    await until(() => bar().dataset.progress === '45', 'a determinate bar');
    expect(bar().getAttribute('aria-valuenow')).toBe('45');
    expect(card().querySelector('[data-job-last]')!.textContent).toBe('Solving environment: 45%');
    expect(card().querySelector('[data-job-output]')!.textContent).toContain(
      'Collecting package metadata'
    );
    expect(card().querySelector('details')!.open).toBe(false); // collapsed while it runs
    expect(card().querySelector('[data-job-elapsed]')!.textContent).toBe('0:01');
    await after(() => card().querySelector<HTMLElement>('[data-action="cancel-job"]')!.click());
    expect(api.calls).toContain('cancel:j1');
    await until(() => card().dataset.jobState === 'cancelled', 'cancelled');
    expect(card().textContent).toContain('Creating demo was cancelled.');
    expect(card().querySelector('[data-action="cancel-job"]')).toBeNull();
    await after(() => card().querySelector<HTMLElement>('[data-action="dismiss-job"]')!.click());
    expect(body.isEmpty()).toBe(true);
  });

  it('new output re-renders the Jobs section and no other', async () => {
    const api = world();
    const model = new EnvPanelModel(api, () => undefined, null, 2);
    await model.refresh();
    await model.setActive('conda-env-ml-py', 'work/a.ipynb', 'Python [conda env:ml]');
    const panel = await mount(new EnvPanel(model, new FakeActions()));
    state = model.jobs;
    body = panel.sections.jobs.body as JobsBody;
    await after(() => model.jobs.start(CREATE));
    await until(() => api.calls.includes('read:j1:0'), 'the first read');
    const renders = () =>
      Object.fromEntries(Object.entries(panel.sections).map(([k, v]) => [k, v.body.renders]));
    const before = renders();
    api.print('j1', 'Solving environment: 45%\n', 45);
    await until(() => panel.node.querySelector('[data-progress="45"]') !== null, 'progress');
    const now = renders();
    expect(now.jobs).toBeGreaterThan(before.jobs);
    expect({ ...now, jobs: 0 }).toEqual({ ...before, jobs: 0 });
    unmountAll([panel]);
  });

  it('a failed job keeps its exit code and first error line in view, with the log open', async () => {
    const api = world();
    state = new JobsState(api, 2);
    body = await mount(new JobsBody(state, trans));
    await after(() => state.start(CREATE));
    api.print('j1', 'CondaHTTPError: HTTP 000\nAn unexpected error has occurred.\n', 45);
    api.end('j1', 'failed', 1, 'CondaHTTPError: HTTP 000');
    const card = () => body.node.querySelector<HTMLElement>('[data-job-id="j1"]')!;
    await until(() => card().dataset.jobState === 'failed', 'failed');
    const alert = card().querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe('Exit code 1: CondaHTTPError: HTTP 000');
    expect(card().querySelector('details')!.open).toBe(true);
    expect(card().querySelector('[role="progressbar"]')!.classList).toContain('jp-mod-failed');
  });
});

describe('actions where the commands are shown', () => {
  let widget: ProjectBody | EnvPanel;
  afterEach(() => unmountAll([widget]));

  it('with actions on, the Project card offers Create for each command; a click asks the app', async () => {
    const api = world();
    const model = new EnvPanelModel(api);
    await model.jobs.reattach();
    const actions = new FakeActions();
    widget = await mount(new ProjectBody(model, actions, trans));
    await after(() => model.setBrowserPath('p/nb.ipynb'));
    const buttons = [...widget.node.querySelectorAll<HTMLElement>('[data-action="create-env"]')];
    expect(buttons.map(b => b.dataset.jobTool)).toEqual(['conda', 'mamba']);
    await after(() => buttons[1].click());
    expect(actions.calls).toEqual(['job:create:p/nb.ipynb:mamba']);
    // while it runs, Create says so and cannot start a second one
    await after(() => model.jobs.start(CREATE));
    const again = widget.node.querySelector<HTMLButtonElement>('[data-action="create-env"]')!;
    expect(again.disabled).toBe(true);
    expect(again.textContent).toBe('Creating…');
    model.jobs.dispose();
  });

  it('with actions off, the commands are shown as before and no button runs anything', async () => {
    const api = world();
    api.jobsAllowed = false;
    const model = await followedModel(api);
    api.listing.environments.push(
      env('bare', { kernels: [], kernel_hint: '/envs/bare/bin/python -m pip install ipykernel' })
    );
    await model.refresh();
    await model.jobs.reattach();
    widget = await mount(new EnvPanel(model, new FakeActions()));
    await after(() => model.setBrowserPath('p/nb.ipynb'));
    await after(() => model.setActive(null, ''));
    const node = widget.node;
    expect(node.querySelectorAll('[data-tool]').length).toBe(2);
    expect(node.querySelectorAll('[data-action="copy-create"]').length).toBe(2);
    expect(node.querySelector('[data-kernel-hint]')).not.toBeNull();
    for (const action of ['create-env', 'update-env', 'install-kernel']) {
      expect(node.querySelector(`[data-action="${action}"]`)).toBeNull();
    }
    // and on: Install ipykernel beside the command of an environment without a kernel
    await after(() => model.jobs.setAllowed(true));
    expect(node.querySelectorAll('[data-action="create-env"]').length).toBe(2);
    expect(
      node.querySelector('[data-env-name="bare"] [data-action="install-kernel"]')
    ).not.toBeNull();
    model.jobs.dispose();
  });

  it('the Project card offers Install ipykernel for its environment without a kernel', async () => {
    const api = world();
    api.projects['q'] = project('bare', { path: 'q' });
    api.projects['q'].environment!.kernels = [];
    const model = new EnvPanelModel(api);
    await model.jobs.reattach();
    const actions = new FakeActions();
    widget = await mount(new ProjectBody(model, actions, trans));
    await after(() => model.setBrowserPath('q'));
    await after(() =>
      widget.node.querySelector<HTMLElement>('[data-action="install-kernel"]')!.click()
    );
    expect(actions.calls).toEqual(['job:install-kernel:bare:']);
  });

  it('a preview that says actions are off starts nothing and takes the buttons away', async () => {
    const api = world();
    const model = new EnvPanelModel(api);
    model.jobs.setAllowed(true);
    api.jobsAllowed = false; // the admin turned them off since the page loaded
    await askAndRun(api, model.jobs, CREATE, true, trans);
    expect(model.jobs.allowed).toBe(false);
    expect(api.calls.filter(c => c.startsWith('start:'))).toEqual([]);
  });

  it('Update to match sits with the drift fixes when the notebook runs in the project env', async () => {
    const api = apiWithKernels('ml');
    api.driftReports.ml = {
      ...(await api.drift('ml', '')),
      fix_commands: [
        { tool: 'conda', argv: [], command: 'conda install -n ml numpy>=2', entries: ['numpy>=2'] }
      ]
    };
    api.projects['work/a.ipynb'] = project('ml', { path: 'work/a.ipynb' });
    const model = await followedModel(api);
    await model.jobs.reattach();
    const actions = new FakeActions();
    widget = await mount(new EnvPanel(model, actions));
    const update = widget.node.querySelector<HTMLElement>('[data-action="update-env"]')!;
    expect(update.textContent).toBe('Update to match');
    await after(() => update.click());
    expect(actions.calls).toEqual(['job:update:work/a.ipynb:']);
    model.jobs.dispose();
  });
});

describe('every word of a job is translated (pseudo-locale)', () => {
  it('running, failed, cancelled, the Create buttons and the confirmation', async () => {
    const api = world();
    const translator = new PseudoTranslator();
    const model = new EnvPanelModel(api, () => undefined, translator, 2);
    await model.jobs.reattach();
    const panel = await mount(new EnvPanel(model, new FakeActions(), translator));
    await after(() => model.setBrowserPath('p/nb.ipynb'));
    await after(() => model.jobs.start(CREATE));
    await after(() => model.jobs.start({ action: 'install-kernel', environment: 'ml' }));
    api.print('j1', 'Solving environment: 45%\n', 45);
    api.print('j2', 'pip: error\n');
    api.end('j2', 'failed', 1, 'pip: error');
    await until(() => !!panel.node.querySelector('[data-job-state="failed"]'), 'failed');
    const preview = { ...job('x', CREATE), allowed: true, message: '' };
    const confirm = await mount(
      ReactWidget.create(<JobConfirmBody preview={preview} trans={bundleOf(translator)} />)
    );
    const data = stringsOf([api.projects, api.serverJobs, api.listing, preview]);
    // the tool's own lines and the elapsed time are shown as they are
    ['Solving environment: 45%', 'pip: error', '0:01', '0:02'].forEach(t => data.add(t));
    expect(untranslated(panel.node, data)).toEqual([]);
    expect(untranslated(confirm.node, data)).toEqual([]);
    await after(() => model.jobs.cancel('j1'));
    await until(() => !!panel.node.querySelector('[data-job-state="cancelled"]'), 'cancelled');
    data.add(api.serverJob('j1').job.note); // the server's words for why it ended
    expect(untranslated(panel.node, data)).toEqual([]);
    model.jobs.dispose();
    unmountAll([panel, confirm]);
  });
});
