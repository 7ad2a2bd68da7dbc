/**
 * The Active environment section: where the followed notebook's or console's kernel runs.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { CopyButton, DriftBadge } from './components';
import { EnvPanelModel } from './model';
import { SectionBody } from './section';
import { visible } from './visible';

/** The Active environment section's body. */
export class ActiveBody extends SectionBody {
  constructor(
    private readonly model: EnvPanelModel,
    private readonly trans: TranslationBundle
  ) {
    super([model.activeChanged, model.driftState.changed, model.settingsChanged]);
  }

  isEmpty(): boolean {
    return false;
  }

  protected content(): React.ReactElement {
    const { model, trans } = this;
    const active = model.active;
    if (!active) {
      return (
        <p className="jp-EnvPanel-muted">
          {trans.__('Open a notebook or console to see its environment.')}
        </p>
      );
    }
    if (active.loading) {
      return (
        <p className="jp-EnvPanel-muted">
          {active.displayName
            ? trans.__('Looking up %1…', visible(active.displayName))
            : trans.__('Looking up the kernel…')}
        </p>
      );
    }
    const env = active.environment;
    if (!env) {
      const kernel = visible(active.displayName || active.kernelName || '');
      const why = !active.kernelName
        ? trans.__('This session has no kernel.')
        : active.prefix
          ? trans.__(
              'The kernel “%1” runs in an environment jupyter-envpanel did not find (%2).',
              kernel,
              visible(active.prefix)
            )
          : trans.__(
              'The kernel “%1” runs in an environment jupyter-envpanel did not find.',
              kernel
            );
      return (
        <div className="jp-EnvPanel-card" data-active-env="">
          <p>{why}</p>
        </div>
      );
    }
    const kind = visible(env.label && env.label !== env.name ? env.label : env.kind);
    const facts = [
      kind,
      env.python_version ? trans.__('Python %1', visible(env.python_version)) : null,
      trans._n('%1 package', '%1 packages', env.package_count)
    ]
      .filter(Boolean)
      .join(' · ');
    const kernel = active.path
      ? trans.__('Kernel: %1 · %2', visible(active.displayName), visible(active.path))
      : trans.__('Kernel: %1', visible(active.displayName));
    const count = model.driftCount;
    return (
      <div className="jp-EnvPanel-card" data-active-env={env.name}>
        <div className="jp-EnvPanel-cardTitle">
          <strong className="jp-EnvPanel-ellipsis" title={visible(env.label ?? env.name)}>
            {visible(env.name)}
          </strong>
          {model.settings.driftChecks && count !== null ? (
            <DriftBadge
              count={count}
              trans={trans}
              title={trans.__('Missing or mismatched entries of the environment file')}
            />
          ) : null}
        </div>
        <div className="jp-EnvPanel-muted">{facts}</div>
        <div className="jp-EnvPanel-prefix">
          <code title={visible(env.prefix)}>{visible(env.prefix)}</code>
          <CopyButton
            text={env.prefix}
            trans={trans}
            action="copy-prefix"
            title={trans.__('Copy prefix')}
            ariaLabel={trans.__('Copy the prefix of %1', visible(env.name))}
          />
        </div>
        <div className="jp-EnvPanel-muted jp-EnvPanel-ellipsis" title={kernel}>
          {kernel}
        </div>
      </div>
    );
  }
}
