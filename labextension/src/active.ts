/**
 * The Active environment section: where the followed notebook's or console's kernel runs.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { copyIcon } from '@jupyterlab/ui-components';

import { Child, button, h } from './dom';
import { EnvPanelModel } from './model';

/** The drift badge: missing + mismatch, as the server counts it. */
export function driftBadge(model: EnvPanelModel): Child {
  const count = model.driftCount;
  if (!model.settings.driftChecks || count === null) {
    return null;
  }
  return h(
    'span',
    {
      class: `jp-EnvPanel-badge ${count ? 'jp-mod-warn' : 'jp-mod-ok'}`,
      'data-drift-count': String(count),
      title: 'Missing or mismatched entries of the environment file'
    },
    count === 0 ? 'in sync' : `${count} drift`
  );
}

/** Render the Active environment section. */
export function renderActive(model: EnvPanelModel): Child[] {
  const active = model.active;
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
    return [title, h('div', { class: 'jp-EnvPanel-card', 'data-active-env': '' }, h('p', {}, why))];
  }
  const copy = button(
    copyIcon.element({ tag: 'span' }),
    { title: 'Copy prefix', 'aria-label': `Copy the prefix of ${env.name}` },
    () => Clipboard.copyToSystem(env.prefix)
  );
  const facts = [
    env.label && env.label !== env.name ? env.label : env.kind,
    env.python_version ? `Python ${env.python_version}` : null,
    `${env.package_count} ${env.package_count === 1 ? 'package' : 'packages'}`
  ]
    .filter(Boolean)
    .join(' · ');
  const where = active.path ? ` · ${active.path}` : '';
  return [
    title,
    h(
      'div',
      { class: 'jp-EnvPanel-card', 'data-active-env': env.name },
      h(
        'div',
        { class: 'jp-EnvPanel-cardTitle' },
        h('strong', { class: 'jp-EnvPanel-ellipsis', title: env.label ?? env.name }, env.name),
        driftBadge(model)
      ),
      h('div', { class: 'jp-EnvPanel-muted' }, facts),
      h('div', { class: 'jp-EnvPanel-prefix' }, h('code', { title: env.prefix }, env.prefix), copy),
      h(
        'div',
        {
          class: 'jp-EnvPanel-muted jp-EnvPanel-ellipsis',
          title: `${active.displayName}${where}`
        },
        `Kernel: ${active.displayName}${where}`
      )
    )
  ];
}
