/**
 * The Drift section: missing and mismatched entries (click: open the file at the line), and a
 * collapsed group of packages installed by hand that the file does not list.
 */
import { Clipboard } from '@jupyterlab/apputils';

import { IFixCommand, IRequirementStatus, IUnrequested } from './api';
import { IPanelActions } from './actions';
import { Child, button, h } from './dom';
import { EnvPanelModel } from './model';

/** What the section remembers between renders. */
export interface IDriftView {
  /** Whether the "installed by hand" group is expanded. */
  unrequestedOpen: boolean;
}

/** Render the Drift section. */
export function renderDrift(
  model: EnvPanelModel,
  actions: IPanelActions,
  view: IDriftView
): Child[] {
  if (!model.settings.driftChecks || !model.active?.environment) {
    return [];
  }
  const title = h('h3', {}, 'Drift');
  if (model.driftLoading && !model.drift) {
    return [title, h('p', { class: 'jp-EnvPanel-muted' }, 'Comparing with the environment file…')];
  }
  if (model.driftError?.status === 404) {
    return [title, ...renderNoFile(model, actions)];
  }
  if (model.driftError) {
    return [title, h('p', { class: 'jp-EnvPanel-error', role: 'alert' }, model.driftError.message)];
  }
  const report = model.drift;
  if (!report) {
    return [];
  }
  const file = h(
    'button',
    { type: 'button', class: 'jp-EnvPanel-link', title: `Open ${report.file}` },
    report.file
  );
  file.addEventListener('click', () => void actions.openFile(report.file, 1, 1));
  const entries = model.driftEntries;
  const out: Child[] = [title];
  if (!entries.length) {
    out.push(h('p', { class: 'jp-EnvPanel-ok' }, `${report.environment.name} matches `, file, '.'));
  } else {
    out.push(
      h('p', { class: 'jp-EnvPanel-muted' }, 'Compared with ', file),
      h(
        'ul',
        { class: 'jp-EnvPanel-drift', 'aria-label': 'Drift entries' },
        ...entries.map(r => renderEntry(r, actions))
      ),
      renderFixes(report.fix_commands ?? [], actions)
    );
  }
  out.push(renderUnrequested(report.unrequested, report.unrequested_yaml, view));
  return out;
}

/** Since this notebook ran: its record (`metadata.envpanel.ran_with`) compared with now. */
export function renderRanWith(model: EnvPanelModel): Child[] {
  const state = model.ranWith;
  if (state.error) {
    return [
      h('h3', {}, 'Since this notebook ran'),
      h('p', { class: 'jp-EnvPanel-error', role: 'alert' }, state.error)
    ];
  }
  const report = state.report;
  if (!report?.recorded) {
    return [];
  }
  const ran = report.recorded;
  const title = h('h3', {}, 'Since this notebook ran');
  const where = report.environment ? ` ${report.environment.name} now` : '';
  if (!report.count) {
    return [
      title,
      h(
        'p',
        { class: 'jp-EnvPanel-ok', 'data-ran-with-count': '0' },
        `Ran with ${ran.environment} (Python ${ran.python || '?'}): same packages in${where || ' it'}.`
      )
    ];
  }
  const n = report.count;
  return [
    title,
    h(
      'p',
      { class: 'jp-EnvPanel-muted', 'data-ran-with-count': String(n) },
      `Ran with ${ran.environment}; ${n} ${n === 1 ? 'difference' : 'differences'} in${where}:`
    ),
    h(
      'ul',
      { class: 'jp-EnvPanel-drift', 'aria-label': 'Differences since the notebook ran' },
      ...report.differences.map(d =>
        h(
          'li',
          { class: 'jp-EnvPanel-entry', 'data-ran-with': d.name },
          h('span', { class: 'jp-EnvPanel-reason' }, d.text)
        )
      )
    )
  ];
}

/** No environment file yet: the normal state of a new project, with the next step. */
function renderNoFile(model: EnvPanelModel, actions: IPanelActions): Child[] {
  const env = model.active?.environment;
  const path = model.active?.path ?? '';
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const where = folder ? `${folder}/` : 'this folder';
  return [
    h(
      'p',
      { class: 'jp-EnvPanel-muted', 'data-no-envfile': folder || '.' },
      `No environment.yml in ${where} or above: nothing to compare with yet.`
    ),
    env
      ? button(
          'Create environment.yml from this environment',
          {
            'data-action': 'create-envfile',
            title: `Write ${env.name}'s requested packages, pinned, to ${folder ? folder + '/' : ''}environment.yml`
          },
          () => void actions.createEnvFile(env.name, path)
        )
      : null
  ];
}

function renderEntry(r: IRequirementStatus, actions: IPanelActions): HTMLElement {
  const li = h(
    'li',
    {
      class: 'jp-EnvPanel-entry jp-mod-clickable',
      'data-drift-status': r.status,
      tabindex: '0',
      role: 'button',
      title: `Open ${r.file} at line ${r.line}`
    },
    h('span', { class: `jp-EnvPanel-status jp-mod-${r.status}` }, r.status),
    h('span', { class: 'jp-EnvPanel-spec' }, r.spec),
    h(
      'span',
      { class: 'jp-EnvPanel-reason' },
      r.installed ? `installed ${r.installed}: ${r.reason}` : r.reason
    )
  );
  const open = () => void actions.openFile(r.file, r.line, r.column);
  li.addEventListener('click', open);
  li.addEventListener('keydown', (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open();
    }
  });
  return li;
}

/** The commands that fix the drift: Copy, or Open in Terminal (typed at the prompt, not run). */
function renderFixes(fixes: IFixCommand[], actions: IPanelActions): Child {
  if (!fixes.length) {
    return null;
  }
  const terminal = actions.canOpenTerminal();
  return h(
    'div',
    { class: 'jp-EnvPanel-fixes', 'aria-label': 'Fix the drift' },
    h('p', { class: 'jp-EnvPanel-muted' }, 'To fix it, run (nothing is installed until you do):'),
    ...fixes.map(fix =>
      h(
        'div',
        { class: 'jp-EnvPanel-fix', 'data-fix-tool': fix.tool, 'data-fix-command': fix.command },
        h('code', { class: 'jp-EnvPanel-command', title: fix.entries.join(', ') }, fix.command),
        h(
          'div',
          { class: 'jp-EnvPanel-fixActions' },
          button('Copy', { 'data-action': 'copy-fix', title: 'Copy the command' }, () =>
            Clipboard.copyToSystem(fix.command)
          ),
          terminal
            ? button(
                'Open in Terminal',
                {
                  'data-action': 'terminal-fix',
                  title: 'Open a terminal with the command typed; press Enter to run it'
                },
                () => void actions.typeInTerminal(fix.command)
              )
            : null
        )
      )
    )
  );
}

function renderUnrequested(packages: IUnrequested[], yaml: string, view: IDriftView): Child {
  if (!packages.length) {
    return null;
  }
  const n = packages.length;
  const copy = button(
    'Copy as environment.yml lines',
    { 'data-action': 'copy-unrequested', title: 'Pinned dependency lines to paste into the file' },
    () => Clipboard.copyToSystem(yaml)
  );
  const details = h(
    'details',
    {
      class: 'jp-EnvPanel-unrequested',
      'data-unrequested-count': String(n),
      open: view.unrequestedOpen
    },
    h('summary', {}, `${n} installed by hand, not in the file`),
    h(
      'ul',
      { class: 'jp-EnvPanel-drift', 'aria-label': 'Installed by hand' },
      ...packages.map(p =>
        h(
          'li',
          { class: 'jp-EnvPanel-entry', 'data-drift-status': 'unrequested' },
          h('span', { class: 'jp-EnvPanel-spec' }, `${p.name} ${p.version}`),
          h('span', { class: 'jp-EnvPanel-reason' }, `${p.source}`)
        )
      )
    ),
    copy
  );
  details.addEventListener('toggle', () => {
    view.unrequestedOpen = (details as HTMLDetailsElement).open;
  });
  return details;
}
