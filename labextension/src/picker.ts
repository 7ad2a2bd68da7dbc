/**
 * The palette's "Switch Kernel to Environment…": a searchable picker (environment, kind, Python
 * version, path), the current environment preselected, the project's environment first.
 */
import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { IEnvironment, IKernelRef } from './api';
import { h } from './dom';
import { EnvPanelModel } from './model';

/** One row of the picker: a kernel of an environment. */
export interface IChoice {
  /** The environment. */
  env: IEnvironment;
  /** One of its kernels. */
  kernel: IKernelRef;
}

/** Return every (environment, kernel) pair, the project's environment first. */
export function choices(model: EnvPanelModel): IChoice[] {
  const envs = model.environments.filter(e => model.isProject(e));
  envs.push(...model.environments.filter(e => !model.isProject(e)));
  return envs.flatMap(env => env.kernels.map(kernel => ({ env, kernel })));
}

/** The picker's body: a search box over a list; arrows move, Enter switches. */
class PickerBody extends Widget implements Dialog.IBodyWidget<IChoice | null> {
  constructor(
    private readonly model: EnvPanelModel,
    private readonly all: IChoice[]
  ) {
    super();
    this.addClass('jp-EnvPanel-picker');
    this.input = h('input', {
      class: 'jp-mod-styled jp-EnvPanel-pickerSearch',
      type: 'search',
      placeholder: 'Search name, kind, Python version or path',
      'aria-label': 'Search environments'
    }) as HTMLInputElement;
    this.list = h('ul', { class: 'jp-EnvPanel-pickerList', role: 'listbox' });
    this.node.append(this.input, this.list);
    this.input.addEventListener('input', () => this.render());
    this.input.addEventListener('keydown', event => this.onKey(event));
    const current = model.active?.kernelName;
    const index = all.findIndex(c => c.kernel.name === current);
    this.selected = index >= 0 ? all[index] : (all[0] ?? null);
    this.render();
  }

  /** The chosen kernel (the highlighted row). */
  getValue(): IChoice | null {
    return this.selected;
  }

  /** Called by the dialog to accept on double-click. */
  onAccept: () => void = () => undefined;

  private get shown(): IChoice[] {
    const words = this.input.value.toLowerCase().split(/\s+/).filter(Boolean);
    return this.all.filter(({ env, kernel }) => {
      const text = [
        env.name,
        env.label ?? '',
        env.kind,
        env.python_version ?? '',
        env.prefix,
        kernel.display_name
      ]
        .join(' ')
        .toLowerCase();
      return words.every(w => text.includes(w));
    });
  }

  private render(): void {
    const shown = this.shown;
    if (this.selected && !shown.includes(this.selected)) {
      this.selected = shown[0] ?? null;
    }
    const rows = shown.map(choice => this.row(choice));
    this.list.replaceChildren(
      ...(rows.length ? rows : [h('li', { class: 'jp-EnvPanel-muted' }, 'No environment matches.')])
    );
    this.list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }

  private row(choice: IChoice): HTMLElement {
    const { env, kernel } = choice;
    const tags = [
      this.model.isProject(env) ? 'project' : '',
      kernel.name === this.model.active?.kernelName ? 'current' : ''
    ].filter(Boolean);
    const li = h(
      'li',
      {
        class: 'jp-EnvPanel-pickerItem',
        role: 'option',
        'aria-selected': choice === this.selected ? 'true' : 'false',
        'data-env-name': env.name,
        'data-kernel': kernel.name,
        title: `${kernel.display_name}\n${env.prefix}`
      },
      h(
        'div',
        { class: 'jp-EnvPanel-pickerMain' },
        h('strong', {}, env.kind === 'system' && env.label ? env.label : env.name),
        ...tags.map(t => h('span', { class: 'jp-EnvPanel-tag' }, t)),
        h('span', { class: 'jp-EnvPanel-muted' }, ` ${kernel.display_name}`)
      ),
      h(
        'div',
        { class: 'jp-EnvPanel-muted jp-EnvPanel-ellipsis' },
        [env.kind, env.python_version ? `Python ${env.python_version}` : '', env.prefix]
          .filter(Boolean)
          .join(' · ')
      )
    );
    li.addEventListener('click', () => {
      this.selected = choice;
      this.render();
      this.input.focus();
    });
    li.addEventListener('dblclick', () => {
      this.selected = choice;
      this.onAccept();
    });
    return li;
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') {
      return;
    }
    event.preventDefault();
    const shown = this.shown;
    if (!shown.length) {
      return;
    }
    const step = event.key === 'ArrowDown' ? 1 : -1;
    const index = this.selected ? shown.indexOf(this.selected) : -1;
    this.selected = shown[(index + step + shown.length) % shown.length];
    this.render();
  }

  private readonly input: HTMLInputElement;
  private readonly list: HTMLElement;
  private selected: IChoice | null;
}

/** Show the picker; resolve the chosen kernel, or null when cancelled. */
export async function pickKernel(model: EnvPanelModel): Promise<IChoice | null> {
  const body = new PickerBody(model, choices(model));
  const dialog = new Dialog<IChoice | null>({
    title: 'Switch kernel to environment',
    body,
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Switch' })],
    focusNodeSelector: 'input'
  });
  body.onAccept = () => dialog.resolve(1);
  const result = await dialog.launch();
  return result.button.accept ? result.value : null;
}
