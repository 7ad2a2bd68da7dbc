/**
 * Status bar item: the active environment's name and its drift count, and when the notebook does
 * not run in its project's environment, which one that is; click opens the panel.
 */
import { Widget } from '@lumino/widgets';

import { EnvPanelModel } from './model';

/** Status bar item id (a stable test hook). */
export const STATUS_ID = 'jp-envpanel-status';

/** Shows `env: NAME · N drift` (`· project: DEMO` when it is not the project's) for the followed session. */
export class EnvStatus extends Widget {
  /**
   * @param model The panel's model.
   * @param onClick Opens the Environments panel.
   * @param id The node's id: the status bar's item, or none for a notebook toolbar's copy.
   */
  constructor(
    private readonly model: EnvPanelModel,
    onClick: () => void,
    id: string = STATUS_ID
  ) {
    super({ node: document.createElement('button') });
    if (id) {
      this.id = id;
    }
    this.addClass('jp-EnvPanel-statusItem');
    this.node.setAttribute('type', 'button');
    this.node.addEventListener('click', onClick);
    model.changed.connect(this.render, this);
    this.render();
  }

  /** Re-render from the model. */
  render(): void {
    const active = this.model.active;
    const env = active?.environment;
    if (!active || (!env && active.loading)) {
      this.node.textContent = active ? 'env: …' : '';
      this.node.title = 'Environments';
      this.setHidden(!active);
      return;
    }
    this.setHidden(false);
    const name = env ? env.name : 'unknown env';
    const count = this.model.driftCount;
    const drift = count === null ? '' : count === 0 ? ' · in sync' : ` · ${count} drift`;
    const project = this.model.project;
    const other = project?.found && env && !this.model.isProject(env) ? project.name : null;
    const changed = this.model.ranWith.report?.count ?? 0;
    const since = changed ? ` · ${changed} changed since run` : '';
    this.node.textContent = `env: ${name}${drift}${since}${other ? ` · project: ${other}` : ''}`;
    this.node.dataset.ranWithCount = String(changed);
    this.node.dataset.envName = env?.name ?? '';
    this.node.dataset.driftCount = count === null ? '' : String(count);
    this.node.dataset.projectMismatch = other ?? '';
    this.toggleClass('jp-mod-warn', !!other);
    this.node.title = !env
      ? 'The kernel runs in an environment jupyter-envpanel did not find.'
      : other
        ? `This notebook runs in ${env.name}, not in the project's environment ${other} (${project?.file}). Click to switch in the Environments panel.`
        : `Kernel runs in ${env.prefix}. Drift counts missing and mismatched entries. Click to open the Environments panel.`;
  }
}
