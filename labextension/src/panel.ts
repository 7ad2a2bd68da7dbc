/**
 * The Environments sidebar: the project's environment, the active one and its drift, then every
 * environment with Switch. Each section renders from the model in its own module.
 */
import { LabIcon, refreshIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { IPanelActions } from './actions';
import { renderActive } from './active';
import { button, fill, h } from './dom';
import { IDriftView, renderDrift, renderRanWith } from './drift';
import { EnvPanelModel } from './model';
import { renderProject } from './project';
import { EnvironmentList, keepListState } from './rows';

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
    this.filterInput.addEventListener(
      'input',
      () => void this.model.setFilter(this.filterInput.value)
    );
    const refresh = button(
      refreshIcon.element({ tag: 'span' }),
      { title: 'Refresh', 'aria-label': 'Refresh environments', 'data-action': 'refresh' },
      () => void this.model.refresh(true)
    );
    this.node.append(
      h('header', { class: 'jp-EnvPanel-header' }, h('h2', {}, 'Environments'), refresh),
      this.projectNode,
      this.activeNode,
      this.driftNode,
      this.ranWithNode,
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
    fill(this.projectNode, renderProject(this.model, this.actions));
    fill(this.activeNode, renderActive(this.model));
    fill(this.driftNode, renderDrift(this.model, this.actions, this.driftView));
    fill(this.ranWithNode, renderRanWith(this.model));
    const restore = keepListState(this.listNode);
    fill(this.listNode, this.list.renderList());
    restore(this.listNode);
  }

  private loaded = false;
  private readonly driftView: IDriftView = { unrequestedOpen: false };
  private readonly list = new EnvironmentList(this.model, this.actions);
  private readonly filterInput: HTMLInputElement;
  private readonly projectNode = h('section', {
    class: 'jp-EnvPanel-section',
    'aria-label': 'Project',
    'aria-live': 'polite'
  });
  private readonly activeNode = h('section', {
    class: 'jp-EnvPanel-section',
    'aria-label': 'Active environment',
    'aria-live': 'polite'
  });
  private readonly ranWithNode = h('section', {
    class: 'jp-EnvPanel-section',
    'aria-label': 'Since this notebook ran'
  });
  private readonly driftNode = h('section', {
    class: 'jp-EnvPanel-section',
    'aria-label': 'Drift'
  });
  private readonly listNode = h('div', { class: 'jp-EnvPanel-listWrap' });
}
