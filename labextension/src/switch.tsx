/**
 * A switch you can trust: ask first when work would be lost, then say what happened, with Undo.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { ICodeCellModel } from '@jupyterlab/cells';
import { ConsolePanel } from '@jupyterlab/console';
import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IEnvironment, IKernelRef } from './api';
import { IFollowed } from './context';
import { IAtStake, SwitchBody } from './switchbody';
import { visible } from './visible';

export type { IAtStake } from './switchbody';

/** How the switch reads and writes the "ask first" setting. */
export interface ISwitchSettings {
  /** Whether to ask before losing work. */
  confirm(): boolean;
  /** The user ticked "Don't ask again". */
  stopAsking(): void;
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

/**
 * Return how many executions the followed kernel has had, when it can say (an IPython kernel
 * answers `execution_count` silently, nothing stored); null when it cannot, or does not answer in
 * time. After a page reload the notebook's cells show no counts while the kernel still holds
 * their variables: this asks the kernel itself.
 */
export async function kernelExecutions(followed: IFollowed, ms = 1500): Promise<number | null> {
  const kernel = followed.session.session?.kernel;
  if (!kernel || kernel.status === 'starting' || kernel.status === 'dead') {
    return null;
  }
  const future = kernel.requestExecute({
    code: '',
    silent: true,
    store_history: false,
    user_expressions: { n: 'get_ipython().execution_count' }
  });
  const timeout = new Promise<null>(resolve => setTimeout(() => resolve(null), ms));
  const reply = await Promise.race([future.done.catch(() => null), timeout]);
  const content = reply?.content as { user_expressions?: Record<string, any> } | undefined;
  const text = content?.user_expressions?.n?.data?.['text/plain'];
  const next = typeof text === 'string' ? parseInt(text, 10) : NaN;
  return Number.isFinite(next) ? Math.max(next - 1, 0) : null;
}

/** Ask before a switch that loses work (`from` and `to` as shown); resolve true to go ahead. */
async function confirmSwitch(
  stake: IAtStake,
  from: string,
  to: string,
  settings: ISwitchSettings,
  trans: TranslationBundle
): Promise<boolean> {
  if (!settings.confirm() || (!stake.busy && !stake.executed)) {
    return true;
  }
  const result = await showDialog({
    title: trans.__('Switch from %1 to %2?', from, to),
    body: <SwitchBody stake={stake} from={from} to={to} trans={trans} />,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Switch') })
    ],
    checkbox: {
      label: trans.__("Don't ask again"),
      caption: trans.__('Settings → Environments → Ask before switching')
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
  settings: ISwitchSettings,
  trans: TranslationBundle
): Promise<boolean> {
  const session = followed.session;
  const previous = session.session?.kernel?.name ?? null;
  if (previous === kernel.name) {
    return false;
  }
  const from = visible(fromEnv ?? session.kernelDisplayName);
  const to = visible(env.name);
  const stake = atStake(followed);
  if (settings.confirm() && !stake.busy && !stake.executed) {
    stake.executed = (await kernelExecutions(followed)) ?? 0; // a reloaded page: the kernel knows
  }
  if (!(await confirmSwitch(stake, from, to, settings, trans))) {
    return false;
  }
  try {
    await session.changeKernel({ name: kernel.name });
  } catch (error) {
    Notification.error(trans.__('Could not switch to %1: %2', to, visible(String(error))), {
      autoClose: 8000
    });
    return false;
  }
  const actions: Notification.IAction[] = previous
    ? [
        {
          label: trans.__('Undo'),
          caption: trans.__('Switch back to %1', from),
          callback: () => {
            void session.changeKernel({ name: previous }).then(
              () => Notification.info(trans.__('Switched back to %1.', from), { autoClose: 5000 }),
              error =>
                Notification.error(trans.__('Could not switch back: %1', visible(String(error))))
            );
          }
        }
      ]
    : [];
  Notification.success(trans.__('Switched %1 from %2 to %3.', visible(followed.path), from, to), {
    autoClose: 10000,
    actions
  });
  return true;
}
