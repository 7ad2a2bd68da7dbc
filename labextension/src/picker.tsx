/**
 * The palette's "Switch Kernel to Environment…": a searchable picker (environment, kind, Python
 * version, path), the current environment preselected, the project's environment first.
 */
import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IEnvironment, IKernelRef } from './api';
import { EnvPanelModel } from './model';
import { visible } from './visible';

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
export class PickerBody extends ReactWidget implements Dialog.IBodyWidget<IChoice | null> {
  constructor(
    private readonly model: EnvPanelModel,
    private readonly all: IChoice[],
    private readonly trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-EnvPanel-picker');
    const current = model.active?.kernelName;
    const index = all.findIndex(c => c.kernel.name === current);
    this.selected = index >= 0 ? all[index] : (all[0] ?? null);
  }

  /** The chosen kernel (the highlighted row). */
  getValue(): IChoice | null {
    return this.selected;
  }

  /** Called by the dialog to accept on double-click. */
  onAccept: () => void = () => undefined;

  render(): React.ReactElement {
    const { trans } = this;
    const shown = this.shown;
    if (this.selected && !shown.includes(this.selected)) {
      this.selected = shown[0] ?? null;
    }
    return (
      <>
        <input
          className="jp-mod-styled jp-EnvPanel-pickerSearch"
          type="search"
          placeholder={trans.__('Search name, kind, Python version or path')}
          aria-label={trans.__('Search environments')}
          onChange={event => {
            this.query = event.currentTarget.value;
            this.update();
          }}
          onKeyDown={event => this.onKey(event)}
        />
        <ul className="jp-EnvPanel-pickerList" role="listbox">
          {shown.length ? (
            shown.map(choice => this.row(choice))
          ) : (
            <li className="jp-EnvPanel-muted">{trans.__('No environment matches.')}</li>
          )}
        </ul>
      </>
    );
  }

  private get shown(): IChoice[] {
    const words = this.query.toLowerCase().split(/\s+/).filter(Boolean);
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

  private row(choice: IChoice): React.ReactElement {
    const { env, kernel } = choice;
    const { model, trans } = this;
    const selected = choice === this.selected;
    const tags = [
      model.isProject(env) ? trans.__('project') : '',
      kernel.name === model.active?.kernelName ? trans.__('current') : ''
    ].filter(Boolean);
    const facts = [
      env.kind,
      env.python_version ? trans.__('Python %1', env.python_version) : '',
      env.prefix
    ]
      .filter(Boolean)
      .map(visible);
    return (
      <li
        key={`${env.prefix}\n${kernel.name}`}
        className="jp-EnvPanel-pickerItem"
        role="option"
        aria-selected={selected ? 'true' : 'false'}
        data-env-name={env.name}
        data-kernel={kernel.name}
        title={`${visible(kernel.display_name)}\n${visible(env.prefix)}`}
        ref={selected ? el => el?.scrollIntoView?.({ block: 'nearest' }) : undefined}
        onClick={event => {
          this.selected = choice;
          this.update();
          event.currentTarget.closest('.jp-EnvPanel-picker')?.querySelector('input')?.focus();
        }}
        onDoubleClick={() => {
          this.selected = choice;
          this.onAccept();
        }}
      >
        <div className="jp-EnvPanel-pickerMain">
          <strong>{visible(env.kind === 'system' && env.label ? env.label : env.name)}</strong>
          {tags.map(t => (
            <span key={t} className="jp-EnvPanel-tag">
              {t}
            </span>
          ))}
          <span className="jp-EnvPanel-muted"> {visible(kernel.display_name)}</span>
        </div>
        <div className="jp-EnvPanel-muted jp-EnvPanel-ellipsis">{facts.join(' · ')}</div>
      </li>
    );
  }

  private onKey(event: React.KeyboardEvent): void {
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
    this.update();
  }

  private query = '';
  private selected: IChoice | null;
}

/** Show the picker; resolve the chosen kernel, or null when cancelled. */
export async function pickKernel(
  model: EnvPanelModel,
  trans: TranslationBundle
): Promise<IChoice | null> {
  const body = new PickerBody(model, choices(model), trans);
  const dialog = new Dialog<IChoice | null>({
    title: trans.__('Switch kernel to environment'),
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Switch') })
    ],
    focusNodeSelector: 'input'
  });
  body.onAccept = () => dialog.resolve(1);
  const result = await dialog.launch();
  return result.button.accept ? result.value : null;
}
