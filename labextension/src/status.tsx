/**
 * Status bar item (and Notebook 7's toolbar item): the active environment's name and its drift
 * count, what changed since the notebook ran, and when the notebook does not run in its
 * project's environment, which one that is; click opens the panel.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { EnvPanelModel } from './model';
import { visible } from './visible';

/** Status bar item id (a stable test hook). */
export const STATUS_ID = 'jp-envpanel-status';

/** Shows `env: NAME · N drift` (`· project: DEMO` when it is not the project's). */
export class EnvStatus extends ReactWidget {
  /**
   * @param model The panel's model.
   * @param onClick Opens the Environments panel.
   * @param trans The extension's translations.
   * @param id The button's id: the status bar's item, or none for a notebook toolbar's copy.
   */
  constructor(
    private readonly model: EnvPanelModel,
    private readonly onClick: () => void,
    private readonly trans: TranslationBundle,
    private readonly buttonId: string = STATUS_ID
  ) {
    super();
    this.addClass('jp-EnvPanel-statusWrap');
    for (const signal of [
      model.activeChanged,
      model.driftState.changed,
      model.projectState.changed,
      model.ranWith.changed
    ]) {
      signal.connect(this.onModel, this);
    }
    this.onModel();
  }

  /** Extra attributes of the button (Notebook 7's toolbar copy marks itself). */
  readonly extra: Record<string, string> = {};

  /** How many times the item rendered. */
  renders = 0;

  render(): React.ReactElement {
    this.renders++;
    const { model, trans } = this;
    const active = model.active;
    const env = active?.environment;
    const attrs = { id: this.buttonId || undefined, ...this.extra };
    if (!active || (!env && active.loading)) {
      return (
        <button
          type="button"
          className="jp-EnvPanel-statusItem"
          title={trans.__('Environments')}
          onClick={this.onClick}
          {...attrs}
        >
          {active ? trans.__('env: …') : ''}
        </button>
      );
    }
    const count = model.driftCount;
    const project = model.project;
    const other = project?.found && env && !model.isProject(env) ? (project.name ?? '') : '';
    const changed = model.ranWith.report?.count ?? 0;
    const parts = [env ? trans.__('env: %1', visible(env.name)) : trans.__('env: unknown')];
    if (count !== null) {
      parts.push(count === 0 ? trans.__('in sync') : trans._n('%1 drift', '%1 drift', count));
    }
    if (changed) {
      parts.push(trans._n('%1 changed since run', '%1 changed since run', changed));
    }
    if (other) {
      parts.push(trans.__('project: %1', visible(other)));
    }
    const title = !env
      ? trans.__('The kernel runs in an environment jupyter-envpanel did not find.')
      : other
        ? trans.__(
            "This notebook runs in %1, not in the project's environment %2 (%3). Click to switch in the Environments panel.",
            visible(env.name),
            visible(other),
            visible(project?.file ?? '')
          )
        : trans.__(
            'Kernel runs in %1. Drift counts missing and mismatched entries. Click to open the Environments panel.',
            visible(env.prefix)
          );
    return (
      <button
        type="button"
        className={`jp-EnvPanel-statusItem${other ? ' jp-mod-warn' : ''}`}
        title={title}
        onClick={this.onClick}
        data-ran-with-count={String(changed)}
        data-env-name={env?.name ?? ''}
        data-drift-count={count === null ? '' : String(count)}
        data-project-mismatch={other}
        {...attrs}
      >
        {parts.join(' · ')}
      </button>
    );
  }

  private onModel(): void {
    this.setHidden(!this.model.active);
    this.update();
  }
}
