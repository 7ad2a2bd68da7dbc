/**
 * The Environments sidebar: a `SidePanel` of six sections (jobs the server runs for the panel, the
 * project's environment, the active one, its drift, what the notebook ran with, every
 * environment), each its own widget updated by the model's signals it depends on.
 */
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { LabIcon, SidePanel, ToolbarButton, refreshIcon } from '@jupyterlab/ui-components';
import { Panel, Widget } from '@lumino/widgets';

import { IPanelActions } from './actions';
import { ActiveBody } from './activeview';
import { DriftBody } from './driftview';
import { bundleOf } from './i18n';
import { JobsBody } from './jobview';
import { ListBody } from './listview';
import { EnvPanelModel } from './model';
import { ProjectBody } from './projectview';
import { RanWithBody } from './ranwithview';
import { Section } from './section';

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

/** The sections of the panel, by name (tests reach them here). */
export interface IPanelSections {
  jobs: Section;
  project: Section;
  active: Section;
  drift: Section;
  ranWith: Section;
  list: Section;
}

/** The Environments panel. */
export class EnvPanel extends SidePanel {
  constructor(
    private readonly model: EnvPanelModel,
    actions: IPanelActions,
    translator: ITranslator | null = null
  ) {
    super({ content: new Panel(), translator: translator ?? undefined });
    const trans: TranslationBundle = bundleOf(translator);
    this.id = PANEL_ID;
    this.addClass('jp-EnvPanel');
    this.title.icon = envIcon;
    this.title.caption = trans.__('Environments');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', trans.__('Environments'));
    const heading = new Widget({ node: document.createElement('h2') });
    heading.node.textContent = trans.__('Environments');
    heading.addClass('jp-EnvPanel-title');
    this.header.addWidget(heading);
    const refresh = new ToolbarButton({
      icon: refreshIcon,
      tooltip: trans.__('Refresh environments'),
      onClick: () => void this.model.refresh(true)
    });
    refresh.node.dataset.action = 'refresh';
    this.sections = {
      jobs: new Section({
        title: trans.__('Jobs'),
        body: new JobsBody(model.jobs, trans)
      }),
      project: new Section({
        title: trans.__('Project'),
        body: new ProjectBody(model, actions, trans),
        live: true
      }),
      active: new Section({
        title: trans.__('Active environment'),
        body: new ActiveBody(model, trans),
        live: true
      }),
      drift: new Section({ title: trans.__('Drift'), body: new DriftBody(model, actions, trans) }),
      ranWith: new Section({
        title: trans.__('Since this notebook ran'),
        body: new RanWithBody(model, trans)
      }),
      list: new Section({
        title: trans.__('All environments'),
        body: new ListBody(model, actions, trans),
        actions: [['refresh', refresh]]
      })
    };
    for (const section of Object.values(this.sections)) {
      this.addWidget(section);
    }
  }

  /** The six sections. */
  readonly sections: IPanelSections;

  /** Load the listing the first time the panel is shown (measured by the benchmark). */
  protected onAfterShow(): void {
    if (!this.loaded) {
      this.loaded = true;
      void this.model.refresh();
    }
  }

  private loaded = false;
}
