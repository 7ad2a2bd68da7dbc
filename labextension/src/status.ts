/**
 * Status bar item: the active environment's name and its drift count; click opens the panel.
 */
import { Widget } from '@lumino/widgets';

import { EnvPanelModel } from './model';

/** Status bar item id (a stable test hook). */
export const STATUS_ID = 'jp-envpanel-status';

/** Shows `env · N drift` for the focused notebook or console. */
export class EnvStatus extends Widget {
  constructor(
    private readonly model: EnvPanelModel,
    onClick: () => void
  ) {
    super({ node: document.createElement('button') });
    this.id = STATUS_ID;
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
    this.node.textContent = `env: ${name}${drift}`;
    this.node.dataset.envName = env?.name ?? '';
    this.node.dataset.driftCount = count === null ? '' : String(count);
    this.node.title = env
      ? `Kernel runs in ${env.prefix}. Click to open the Environments panel.`
      : 'The kernel runs in an environment jupyter-envpanel did not find.';
  }
}
