/**
 * The "All environments" list: one row per environment with Switch and Register / Unregister.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { copyIcon } from '@jupyterlab/ui-components';

import { IEnvironment } from './api';
import { Child, button, h } from './dom';
import { EnvPanelModel } from './model';
import { IPanelActions } from './actions';

/** Renders the environment list from the model. */
export class EnvironmentList {
  constructor(
    private readonly model: EnvPanelModel,
    private readonly actions: IPanelActions
  ) {}

  renderList(): Child[] {
    const model = this.model;
    if (model.serverMissing) {
      return [
        h(
          'div',
          { class: 'jp-EnvPanel-error', role: 'alert' },
          'The jupyter-envpanel server extension is not enabled. Run ',
          h('code', {}, 'jupyter server extension enable jupyter_envpanel'),
          ' and restart JupyterLab.'
        )
      ];
    }
    if (model.error) {
      return [
        h(
          'div',
          { class: 'jp-EnvPanel-error', role: 'alert' },
          `Could not list environments: ${model.error.message}`
        )
      ];
    }
    if (model.loading && !model.environments.length) {
      return [h('p', { class: 'jp-EnvPanel-muted' }, 'Looking for environments…')];
    }
    const out: Child[] = [];
    const envs = model.filtered;
    if (!model.environments.length) {
      const where = model.searched.length ? ` — looked in ${model.searched.join(', ')}` : '';
      out.push(h('p', { class: 'jp-EnvPanel-muted' }, `No environments found${where}.`));
      return out;
    }
    if (!envs.length) {
      out.push(h('p', { class: 'jp-EnvPanel-muted' }, `No environment matches “${model.filter}”.`));
      return out;
    }
    out.push(
      h(
        'ul',
        { class: 'jp-EnvPanel-list', 'aria-label': 'Environments' },
        ...envs.map(e => this.renderRow(e))
      )
    );
    return out;
  }

  private renderRow(env: IEnvironment): HTMLElement {
    const isActive = this.model.isActive(env);
    const isProject = this.model.isProject(env);
    const kernels = env.kernels.map(k => k.display_name).join(', ') || 'no kernel';
    // a plain interpreter is named by what it is ("/usr/bin/python3.12"), not "system"
    const shown = env.kind === 'system' && env.label ? env.label : env.name;
    const hint = !env.kernels.length && env.kernel_hint ? kernelHint(env.kernel_hint) : null;
    const classes = [
      'jp-EnvPanel-row',
      isActive ? 'jp-mod-active' : '',
      isProject ? 'jp-mod-project' : ''
    ];
    return h(
      'li',
      {
        class: classes.filter(Boolean).join(' '),
        'data-env-name': env.name,
        'data-project': isProject,
        title: `${env.label ?? env.name}\n${env.prefix}`
      },
      h(
        'div',
        { class: 'jp-EnvPanel-rowMain' },
        h(
          'div',
          { class: 'jp-EnvPanel-rowTitle' },
          h('span', { class: 'jp-EnvPanel-name', title: shown }, shown),
          isProject ? h('span', { class: 'jp-EnvPanel-tag jp-mod-project' }, 'project') : null,
          isActive ? h('span', { class: 'jp-EnvPanel-tag' }, 'active') : null,
          env.is_server ? h('span', { class: 'jp-EnvPanel-tag' }, 'server') : null,
          env.shared
            ? h(
                'span',
                { class: 'jp-EnvPanel-tag', title: 'Kept by an administrator for every user' },
                'shared'
              )
            : null
        ),
        h(
          'div',
          { class: 'jp-EnvPanel-muted' },
          [env.kind, env.python_version ? `Python ${env.python_version}` : '']
            .filter(Boolean)
            .join(' · ')
        ),
        hint ?? h('div', { class: 'jp-EnvPanel-kernels', title: kernels }, kernels),
        this.packageLine(env)
      ),
      h(
        'div',
        { class: 'jp-EnvPanel-actions' },
        isActive ? null : this.switchControl(env),
        this.registerControl(env)
      )
    );
  }

  /** The packages that matched the filter, with their versions ("numpy 1.26.4"). */
  private packageLine(env: IEnvironment): HTMLElement | null {
    const hits = this.model.packageHits(env);
    if (!hits.length) {
      return null;
    }
    const text = hits.map(p => `${p.name} ${p.version}`);
    const shown = text.length > 4 ? [...text.slice(0, 4), `+${text.length - 4} more`] : text;
    return h(
      'div',
      {
        class: 'jp-EnvPanel-packages',
        'data-package-hits': text.join(', '),
        title: hits.map(p => `${p.name} ${p.version} (${p.source})`).join('\n')
      },
      shown.join(', ')
    );
  }

  private switchControl(env: IEnvironment): HTMLElement {
    const reason = !env.kernels.length
      ? 'No kernel in this environment: install ipykernel in it'
      : !this.actions.canSwitch()
        ? 'Open a notebook or console to switch its kernel'
        : '';
    const label = `Switch the current kernel to ${env.name}`;
    if (reason || env.kernels.length === 1) {
      return button(
        'Switch',
        {
          'data-action': 'switch',
          disabled: !!reason,
          title: reason || label,
          'aria-label': label
        },
        () => void this.actions.switchKernel(env.kernels[0], env)
      );
    }
    const wrapper = h('div', { class: 'jp-EnvPanel-menuWrap' });
    const menu = h('div', { class: 'jp-EnvPanel-menu', role: 'menu', hidden: true });
    for (const kernel of env.kernels) {
      menu.append(
        button(
          kernel.display_name,
          { role: 'menuitem', 'data-action': 'switch-kernel', 'data-kernel': kernel.name },
          () => {
            menu.hidden = true;
            void this.actions.switchKernel(kernel, env);
          }
        )
      );
    }
    const toggle = button(
      'Switch ▾',
      { 'data-action': 'switch', title: label, 'aria-label': label, 'aria-haspopup': 'menu' },
      () => {
        menu.hidden = !menu.hidden;
        (menu.querySelector('button') as HTMLElement | null)?.focus();
      }
    );
    menu.addEventListener('keydown', (event: KeyboardEvent) => menuKeys(event, menu, toggle));
    wrapper.append(toggle, menu);
    return wrapper;
  }

  private registerControl(env: IEnvironment): Child {
    if (!env.kernels.length || (env.is_server && env.kernels.every(k => k.name === 'python3'))) {
      return null;
    }
    const registered = env.kernels.some(k => k.registered);
    const label = registered ? 'Unregister' : 'Register';
    const title = registered
      ? 'Remove the kernelspecs jupyter-envpanel wrote for this environment'
      : 'Write kernelspecs so VS Code, papermill and nbclient can use this environment';
    return button(
      label,
      {
        'data-action': registered ? 'unregister' : 'register',
        title,
        'aria-label': `${label} ${env.name}`
      },
      () => void (registered ? this.model.unregister(env.name) : this.model.register(env.name))
    );
  }
}

/** "no ipykernel" with the command that installs it, copyable (never run by the extension). */
function kernelHint(command: string): HTMLElement {
  const copy = button(
    copyIcon.element({ tag: 'span' }),
    {
      'data-action': 'copy-kernel-hint',
      title: 'Copy the command',
      'aria-label': 'Copy the command'
    },
    () => Clipboard.copyToSystem(command)
  );
  return h(
    'div',
    { class: 'jp-EnvPanel-kernels jp-EnvPanel-hint', 'data-kernel-hint': command },
    'no ipykernel: ',
    h('code', { title: command }, command),
    copy
  );
}

/** Keyboard for the kernel menu: arrows move, Escape closes and returns to the Switch button. */
function menuKeys(event: KeyboardEvent, menu: HTMLElement, toggle: HTMLElement): void {
  const items = Array.from(menu.querySelectorAll<HTMLElement>('[role="menuitem"]'));
  const index = items.indexOf(document.activeElement as HTMLElement);
  if (event.key === 'Escape') {
    menu.hidden = true;
    toggle.focus();
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    const step = event.key === 'ArrowDown' ? 1 : -1;
    items[(index + step + items.length) % items.length]?.focus();
  } else {
    return;
  }
  event.preventDefault();
  event.stopPropagation();
}

/**
 * Remember which kernel menu is open and which control has focus in the list, so a re-render
 * (a live update, say) does not close the menu under the user's pointer or drop keyboard focus.
 * Returns a function that restores both in the new list.
 */
export function keepListState(list: HTMLElement): (list: HTMLElement) => void {
  const rowOf = (el: Element | null) => el?.closest<HTMLElement>('[data-env-name]') ?? null;
  const openMenu = rowOf(list.querySelector('.jp-EnvPanel-menu:not([hidden])'))?.dataset.envName;
  const focused = document.activeElement as HTMLElement | null;
  const inList = focused && list.contains(focused) ? focused : null;
  const focusEnv = rowOf(inList)?.dataset.envName;
  const selector = inList?.dataset.kernel
    ? `[data-kernel="${CSS.escape(inList.dataset.kernel)}"]`
    : inList?.dataset.action
      ? `[data-action="${CSS.escape(inList.dataset.action)}"]`
      : null;
  return (next: HTMLElement) => {
    const row = (name: string) =>
      next.querySelector<HTMLElement>(`[data-env-name="${CSS.escape(name)}"]`);
    if (openMenu) {
      const menu = row(openMenu)?.querySelector<HTMLElement>('.jp-EnvPanel-menu');
      if (menu) {
        menu.hidden = false;
      }
    }
    if (focusEnv && selector) {
      row(focusEnv)?.querySelector<HTMLElement>(selector)?.focus();
    }
  };
}
