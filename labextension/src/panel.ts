/**
 * The Environments sidebar: active environment, its drift, and every environment with Switch.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { LabIcon, copyIcon, refreshIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { IPanelActions } from './actions';
import { Child, button, fill, h } from './dom';
import { DriftEntry, EnvPanelModel } from './model';
import { EnvironmentList } from './rows';

export type { IPanelActions } from './actions';

/** Panel id (a stable test hook). */
export const PANEL_ID = 'jp-envpanel';

/** The sidebar icon: three stacked layers. */
export const envIcon = new LabIcon({
  name: 'jupyter-envpanel:env',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161"><path d="M12 2 2 7l10 5 10-5-10-5zm0 12.2L4.2 10.3 2 11.4' +
    ' 12 16.4l10-5-2.2-1.1L12 14.2zm0 4.5-7.8-3.9L2 15.9l10 5 10-5-2.2-1.1-7.8 3.9z"/></g></svg>'
});

/** The Environments panel. */
export class EnvPanel extends Widget {
  constructor(
    private readonly model: EnvPanelModel,
    private readonly actions: IPanelActions
  ) {
    super();
    this.id = PANEL_ID;
    this.addClass('jp-EnvPanel');
    this.title.icon = envIcon;
    this.title.caption = 'Environments';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'Environments');
    this.filterInput = h('input', {
      class: 'jp-EnvPanel-filter jp-mod-styled',
      type: 'search',
      placeholder: 'Filter environments',
      'aria-label': 'Filter environments'
    }) as HTMLInputElement;
    this.filterInput.addEventListener('input', () => this.model.setFilter(this.filterInput.value));
    const refresh = button(
      refreshIcon.element({ tag: 'span' }),
      { title: 'Refresh', 'aria-label': 'Refresh environments', 'data-action': 'refresh' },
      () => void this.model.refresh(true)
    );
    this.node.append(
      h('header', { class: 'jp-EnvPanel-header' }, h('h2', {}, 'Environments'), refresh),
      this.activeNode,
      this.driftNode,
      h(
        'section',
        { class: 'jp-EnvPanel-section', 'aria-label': 'All environments' },
        h('h3', {}, 'All environments'),
        this.filterInput,
        this.listNode
      )
    );
    model.changed.connect(this.render, this);
    this.render();
  }

  /** Load the listing the first time the panel is shown (measured by the benchmark). */
  protected onAfterShow(): void {
    if (!this.loaded) {
      this.loaded = true;
      void this.model.refresh();
    }
  }

  /** Re-render everything below the header from the model. */
  render(): void {
    fill(this.activeNode, this.renderActive());
    fill(this.driftNode, this.renderDrift());
    fill(this.listNode, this.list.renderList());
  }

  private renderActive(): Child[] {
    const active = this.model.active;
    const title = h('h3', {}, 'Active environment');
    if (!active) {
      return [
        title,
        h('p', { class: 'jp-EnvPanel-muted' }, 'Open a notebook or console to see its environment.')
      ];
    }
    if (active.loading) {
      return [
        title,
        h('p', { class: 'jp-EnvPanel-muted' }, `Looking up ${active.displayName || 'the kernel'}…`)
      ];
    }
    const env = active.environment;
    if (!env) {
      const why = active.kernelName
        ? `The kernel “${active.displayName || active.kernelName}” runs in an environment jupyter-envpanel did not find${active.prefix ? ` (${active.prefix})` : ''}.`
        : 'This session has no kernel.';
      return [
        title,
        h('div', { class: 'jp-EnvPanel-card', 'data-active-env': '' }, h('p', {}, why))
      ];
    }
    const copy = button(
      copyIcon.element({ tag: 'span' }),
      { title: 'Copy prefix', 'aria-label': `Copy the prefix of ${env.name}` },
      () => Clipboard.copyToSystem(env.prefix)
    );
    const facts = [
      env.kind,
      env.python_version ? `Python ${env.python_version}` : null,
      `${env.package_count} packages`
    ]
      .filter(Boolean)
      .join(' · ');
    return [
      title,
      h(
        'div',
        { class: 'jp-EnvPanel-card', 'data-active-env': env.name },
        h('div', { class: 'jp-EnvPanel-cardTitle' }, h('strong', {}, env.name), this.badge()),
        h('div', { class: 'jp-EnvPanel-muted' }, facts),
        h(
          'div',
          { class: 'jp-EnvPanel-prefix' },
          h('code', { title: env.prefix }, env.prefix),
          copy
        ),
        h('div', { class: 'jp-EnvPanel-muted' }, `Kernel: ${active.displayName}`)
      )
    ];
  }

  private badge(): Child {
    const count = this.model.driftCount;
    if (!this.model.settings.driftChecks || count === null) {
      return null;
    }
    const label = count === 0 ? 'in sync' : `${count} drift`;
    return h(
      'span',
      {
        class: `jp-EnvPanel-badge ${count ? 'jp-mod-warn' : 'jp-mod-ok'}`,
        'data-drift-count': String(count)
      },
      label
    );
  }

  private renderDrift(): Child[] {
    const model = this.model;
    if (!model.settings.driftChecks || !model.active?.environment) {
      return [];
    }
    const title = h('h3', {}, 'Drift');
    if (model.driftLoading) {
      return [
        title,
        h('p', { class: 'jp-EnvPanel-muted' }, 'Comparing with the environment file…')
      ];
    }
    if (model.driftError) {
      const err = model.driftError;
      const text = err.status === 404 ? `No environment file: ${err.message}` : err.message;
      return [title, h('p', { class: 'jp-EnvPanel-error', role: 'alert' }, text)];
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
    file.addEventListener('click', () => void this.actions.openFile(report.file, 1, 1));
    const entries = model.driftEntries;
    if (!entries.length) {
      return [
        title,
        h('p', { class: 'jp-EnvPanel-ok' }, `${report.environment.name} matches `, file, '.')
      ];
    }
    return [
      title,
      h('p', { class: 'jp-EnvPanel-muted' }, 'Compared with ', file),
      h(
        'ul',
        { class: 'jp-EnvPanel-drift', 'aria-label': 'Drift entries' },
        ...entries.map(e => this.renderEntry(e))
      )
    ];
  }

  private renderEntry(entry: DriftEntry): HTMLElement {
    if (entry.kind === 'unrequested') {
      const p = entry.item;
      return h(
        'li',
        { class: 'jp-EnvPanel-entry', 'data-drift-status': 'unrequested' },
        h('span', { class: 'jp-EnvPanel-status jp-mod-unrequested' }, 'unrequested'),
        h('span', { class: 'jp-EnvPanel-spec' }, `${p.name} ${p.version}`),
        h(
          'span',
          { class: 'jp-EnvPanel-reason' },
          `installed by hand (${p.source}), not in the file`
        )
      );
    }
    const r = entry.item;
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
    const open = () => void this.actions.openFile(r.file, r.line, r.column);
    li.addEventListener('click', open);
    li.addEventListener('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open();
      }
    });
    return li;
  }

  private loaded = false;
  private readonly list = new EnvironmentList(this.model, this.actions);
  private readonly filterInput: HTMLInputElement;
  private readonly activeNode = h('section', {
    class: 'jp-EnvPanel-section',
    'aria-label': 'Active environment',
    'aria-live': 'polite'
  });
  private readonly driftNode = h('section', {
    class: 'jp-EnvPanel-section',
    'aria-label': 'Drift'
  });
  private readonly listNode = h('div', { class: 'jp-EnvPanel-listWrap' });
}
