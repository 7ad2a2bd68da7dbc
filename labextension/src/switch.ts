/**
 * A switch you can trust: ask first when work would be lost, then say what happened, with Undo.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { ICodeCellModel } from '@jupyterlab/cells';
import { ConsolePanel } from '@jupyterlab/console';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import { IEnvironment, IKernelRef } from './api';
import { IFollowed } from './context';
import { h } from './dom';

/** How the switch reads and writes the "ask first" setting. */
export interface ISwitchSettings {
  /** Whether to ask before losing work. */
  confirm(): boolean;
  /** The user ticked "Don't ask again". */
  stopAsking(): void;
}

/** What a switch would lose: a running cell and the variables of executed cells. */
export interface IAtStake {
  /** The kernel is running something. */
  busy: boolean;
  /** Executed code cells (notebook) or inputs (console) whose variables would be lost. */
  executed: number;
}

/**
 * Return what switching the followed session's kernel would lose. A notebook's kernel counts as
 * busy only while one of its cells runs (a kernel that is busy starting up loses nothing).
 */
export function atStake(followed: IFollowed): IAtStake {
  let busy = followed.session.session?.kernel?.status === 'busy';
  let executed = 0;
  const widget = followed.widget;
  if (widget instanceof NotebookPanel) {
    let running = false;
    for (const cell of widget.content.model?.cells ?? []) {
      if (cell.type !== 'code') {
        continue;
      }
      const code = cell as ICodeCellModel;
      running = running || code.executionState === 'running';
      if (code.executionCount !== null) {
        executed++;
      }
    }
    busy = busy && running;
  } else if (widget instanceof ConsolePanel) {
    executed = widget.console.cells.length;
  }
  return { busy, executed };
}

/** Ask before a switch that loses work; resolve true to go ahead. */
async function confirmSwitch(
  stake: IAtStake,
  from: string,
  to: string,
  settings: ISwitchSettings
): Promise<boolean> {
  if (!settings.confirm() || (!stake.busy && !stake.executed)) {
    return true;
  }
  const plural = stake.executed === 1 ? 'cell' : 'cells';
  const body = new Widget({
    node: h(
      'div',
      { class: 'jp-EnvPanel-confirm' },
      stake.busy ? h('p', {}, `The kernel is busy: the running cell will be interrupted.`) : null,
      stake.executed
        ? h(
            'p',
            {},
            `Variables from ${stake.executed} executed ${plural} will be lost: the kernel of ${to} starts empty.`
          )
        : null,
      h(
        'p',
        {},
        `Outputs stay in the notebook. Undo switches back to ${from}, but not to its state.`
      )
    )
  });
  const result = await showDialog({
    title: `Switch from ${from} to ${to}?`,
    body,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Switch' })],
    checkbox: {
      label: "Don't ask again",
      caption: 'Settings → Environments → Ask before switching'
    }
  });
  if (!result.button.accept) {
    return false;
  }
  if (result.isChecked) {
    settings.stopAsking();
  }
  return true;
}

/**
 * Switch the followed session to a kernel: ask when the kernel is busy or cells were run, then
 * notify from what to what, with Undo (switch back). Resolve true when the kernel changed.
 */
export async function trustedSwitch(
  followed: IFollowed,
  kernel: IKernelRef,
  env: IEnvironment,
  fromEnv: string | null,
  settings: ISwitchSettings
): Promise<boolean> {
  const session = followed.session;
  const previous = session.session?.kernel?.name ?? null;
  if (previous === kernel.name) {
    return false;
  }
  const from = fromEnv ?? session.kernelDisplayName;
  if (!(await confirmSwitch(atStake(followed), from, env.name, settings))) {
    return false;
  }
  try {
    await session.changeKernel({ name: kernel.name });
  } catch (error) {
    Notification.error(`Could not switch to ${env.name}: ${String(error)}`, { autoClose: 8000 });
    return false;
  }
  const actions: Notification.IAction[] = previous
    ? [
        {
          label: 'Undo',
          caption: `Switch back to ${from}`,
          callback: () => {
            void session.changeKernel({ name: previous }).then(
              () => Notification.info(`Switched back to ${from}.`, { autoClose: 5000 }),
              error => Notification.error(`Could not switch back: ${String(error)}`)
            );
          }
        }
      ]
    : [];
  Notification.success(`Switched ${followed.path} from ${from} to ${env.name}.`, {
    autoClose: 10000,
    actions
  });
  return true;
}
