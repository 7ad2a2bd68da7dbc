/**
 * One row of the environment list: what it is, its kernels (or the command that gives it one),
 * the packages that matched the filter, Switch (a menu when it has several kernels) and
 * Register / Unregister.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IEnvironment, IPackageHit } from './api';
import { IPanelActions } from './actions';
import { CopyButton } from './components';
import { JobButton } from './jobview';
import { EnvPanelModel } from './model';
import { visible } from './visible';

/** Props of a row. */
export interface IEnvRowProps {
  env: IEnvironment;
  /** The followed session's kernel runs in it. */
  active: boolean;
  /** It is the project's environment. */
  project: boolean;
  /** Packages named like the filter text, installed in it. */
  hits: IPackageHit[];
  /** A notebook or console is followed (Switch needs one). */
  canSwitch: boolean;
  /** The server runs actions (Install ipykernel is offered). */
  canRun: boolean;
  /** ipykernel is being installed into it. */
  installing: boolean;
  actions: IPanelActions;
  model: EnvPanelModel;
  trans: TranslationBundle;
}

/** One environment of the list. */
function EnvRowView(props: IEnvRowProps): React.ReactElement {
  const { env, active, project, trans } = props;
  // a plain interpreter is named by what it is ("/usr/bin/python3.12"), not "system"
  const shown = visible(env.kind === 'system' && env.label ? env.label : env.name);
  const kernels = visible(env.kernels.map(k => k.display_name).join(', '));
  const classes = [
    'jp-EnvPanel-row',
    active ? 'jp-mod-active' : '',
    project ? 'jp-mod-project' : ''
  ];
  return (
    <li
      className={classes.filter(Boolean).join(' ')}
      data-env-name={env.name}
      data-project={project ? '' : undefined}
      title={`${visible(env.label ?? env.name)}\n${visible(env.prefix)}`}
    >
      <div className="jp-EnvPanel-rowMain">
        <div className="jp-EnvPanel-rowTitle">
          <span className="jp-EnvPanel-name" title={shown}>
            {shown}
          </span>
          {project ? (
            <span className="jp-EnvPanel-tag jp-mod-project">{trans.__('project')}</span>
          ) : null}
          {active ? <span className="jp-EnvPanel-tag">{trans.__('active')}</span> : null}
          {env.is_server ? <span className="jp-EnvPanel-tag">{trans.__('server')}</span> : null}
          {env.shared ? (
            <span
              className="jp-EnvPanel-tag"
              title={trans.__('Kept by an administrator for every user')}
            >
              {trans.__('shared')}
            </span>
          ) : null}
        </div>
        <div className="jp-EnvPanel-muted">
          {env.python_version
            ? trans.__('%1 · Python %2', visible(env.kind), visible(env.python_version))
            : visible(env.kind)}
        </div>
        {!env.kernels.length && env.kernel_hint ? (
          <KernelHint command={env.kernel_hint} trans={trans}>
            {props.canRun ? (
              <JobButton
                request={{ action: 'install-kernel', environment: env.name }}
                label={trans.__('Install ipykernel')}
                title={trans.__(
                  'Install ipykernel into %1, after showing the command',
                  visible(env.name)
                )}
                busy={props.installing}
                busyLabel={trans.__('Installing ipykernel…')}
                actions={props.actions}
                action="install-kernel"
              />
            ) : null}
          </KernelHint>
        ) : (
          <div className="jp-EnvPanel-kernels" title={kernels || trans.__('no kernel')}>
            {kernels || trans.__('no kernel')}
          </div>
        )}
        <PackageLine hits={props.hits} trans={trans} />
      </div>
      <div className="jp-EnvPanel-actions">
        {active ? null : <SwitchControl {...props} />}
        <RegisterControl {...props} />
      </div>
    </li>
  );
}

/** One environment of the list (re-rendered only when its props change). */
export const EnvRow = React.memo(EnvRowView);

/** "no ipykernel" with the command that installs it, copyable (never run by the extension). */
function KernelHint(props: {
  command: string;
  trans: TranslationBundle;
  children?: React.ReactNode;
}): React.ReactElement {
  const { command, trans } = props;
  return (
    <div className="jp-EnvPanel-kernels jp-EnvPanel-hint" data-kernel-hint={command}>
      {trans.__('no ipykernel:')} <code title={visible(command)}>{visible(command)}</code>
      <CopyButton
        text={command}
        trans={trans}
        action="copy-kernel-hint"
        title={trans.__('Copy the command')}
      />
      {props.children}
    </div>
  );
}

/** The packages that matched the filter, with their versions ("numpy 1.26.4"). */
function PackageLine(props: {
  hits: IPackageHit[];
  trans: TranslationBundle;
}): React.ReactElement | null {
  const { hits, trans } = props;
  if (!hits.length) {
    return null;
  }
  const text = hits.map(p => `${p.name} ${p.version}`);
  const named = text.map(visible);
  const shown =
    named.length > 4 ? [...named.slice(0, 4), trans.__('+%1 more', named.length - 4)] : named;
  return (
    <div
      className="jp-EnvPanel-packages"
      data-package-hits={text.join(', ')}
      title={hits.map(p => visible(`${p.name} ${p.version} (${p.source})`)).join('\n')}
    >
      {shown.join(', ')}
    </div>
  );
}

/** Switch: one button, or a menu of kernels (arrows move, Escape closes). */
function SwitchControl(props: IEnvRowProps): React.ReactElement {
  const { env, actions, trans, canSwitch } = props;
  const [open, setOpen] = React.useState(false);
  const toggle = React.useRef<HTMLButtonElement>(null);
  const menu = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    if (open) {
      menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    }
  }, [open]);
  const reason = !env.kernels.length
    ? trans.__('No kernel in this environment: install ipykernel in it')
    : !canSwitch
      ? trans.__('Open a notebook or console to switch its kernel')
      : '';
  const label = trans.__('Switch the current kernel to %1', visible(env.name));
  if (reason || env.kernels.length === 1) {
    return (
      <button
        type="button"
        className="jp-EnvPanel-button"
        data-action="switch"
        disabled={!!reason}
        title={reason || label}
        aria-label={label}
        onClick={() => void actions.switchKernel(env.kernels[0], env)}
      >
        {trans.__('Switch')}
      </button>
    );
  }
  const onKeyDown = (event: React.KeyboardEvent) => {
    const items = Array.from(
      menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []
    );
    const index = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape') {
      setOpen(false);
      toggle.current?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(index + step + items.length) % items.length]?.focus();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  };
  return (
    <div className="jp-EnvPanel-menuWrap">
      <button
        ref={toggle}
        type="button"
        className="jp-EnvPanel-button"
        data-action="switch"
        title={label}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {trans.__('Switch ▾')}
      </button>
      <div ref={menu} className="jp-EnvPanel-menu" role="menu" hidden={!open} onKeyDown={onKeyDown}>
        {env.kernels.map(kernel => (
          <button
            key={kernel.name}
            type="button"
            className="jp-EnvPanel-button"
            role="menuitem"
            data-action="switch-kernel"
            data-kernel={kernel.name}
            onClick={() => {
              setOpen(false);
              void actions.switchKernel(kernel, env);
            }}
          >
            {visible(kernel.display_name)}
          </button>
        ))}
      </div>
    </div>
  );
}

/** Register (write kernelspecs other frontends see) or Unregister. */
function RegisterControl(props: IEnvRowProps): React.ReactElement | null {
  const { env, model, trans } = props;
  if (!env.kernels.length || (env.is_server && env.kernels.every(k => k.name === 'python3'))) {
    return null;
  }
  const registered = env.kernels.some(k => k.registered);
  return (
    <button
      type="button"
      className="jp-EnvPanel-button"
      data-action={registered ? 'unregister' : 'register'}
      title={
        registered
          ? trans.__('Remove the kernelspecs jupyter-envpanel wrote for this environment')
          : trans.__(
              'Write kernelspecs so VS Code, papermill and nbclient can use this environment'
            )
      }
      aria-label={
        registered
          ? trans.__('Unregister %1', visible(env.name))
          : trans.__('Register %1', visible(env.name))
      }
      onClick={() => void (registered ? model.unregister(env.name) : model.register(env.name))}
    >
      {registered ? trans.__('Unregister') : trans.__('Register')}
    </button>
  );
}
