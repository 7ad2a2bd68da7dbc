/**
 * jupyter-envpanel: wires the model, the sidebar, the status bar, commands and settings.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, ISessionContext, InputDialog } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { Widget } from '@lumino/widgets';

import { IEnvironment, IKernelRef, httpApi } from './api';
import { EnvPanelModel, IPanelSettings } from './model';
import { EnvPanel, IPanelActions, PANEL_ID } from './panel';
import { EnvStatus } from './status';

const PLUGIN_ID = 'jupyter-envpanel:plugin';

namespace CommandIDs {
  export const open = 'envpanel:open';
  export const refresh = 'envpanel:refresh';
  export const showDrift = 'envpanel:show-drift';
  export const switchKernel = 'envpanel:switch-kernel';
}

/** The focused notebook or console: its session and the path drift is computed from. */
interface IFocused {
  session: ISessionContext;
  path: string;
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Environments panel: active environment, drift, one-click kernel switching.',
  autoStart: true,
  optional: [
    ILabShell,
    ILayoutRestorer,
    INotebookTracker,
    IConsoleTracker,
    IStatusBar,
    ISettingRegistry,
    ICommandPalette,
    IDocumentManager
  ],
  activate: (
    app: JupyterFrontEnd,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null,
    notebooks: INotebookTracker | null,
    consoles: IConsoleTracker | null,
    statusBar: IStatusBar | null,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    docManager: IDocumentManager | null
  ) => {
    const model = new EnvPanelModel(httpApi);
    let focused: IFocused | null = null;

    const focusedOf = (widget: Widget | null): IFocused | null => {
      const nb = notebooks?.find(w => w === widget);
      if (nb) {
        return { session: nb.sessionContext, path: nb.context.path };
      }
      const cons = consoles?.find(w => w === widget);
      if (cons) {
        return { session: cons.sessionContext, path: cons.sessionContext.path };
      }
      return null;
    };
    const follow = () => {
      const kernel = focused?.session.session?.kernel;
      void model.setActive(
        focused ? (kernel?.name ?? null) : null,
        focused?.path ?? '',
        focused?.session.kernelDisplayName ?? ''
      );
    };
    const onFocus = (widget: Widget | null) => {
      const next = focusedOf(widget);
      if (next?.session === focused?.session) {
        return;
      }
      focused?.session.kernelChanged.disconnect(follow);
      focused?.session.sessionChanged.disconnect(follow);
      focused = next;
      focused?.session.kernelChanged.connect(follow);
      focused?.session.sessionChanged.connect(follow);
      if (focused && !focused.session.isReady) {
        void focused.session.ready.then(follow);
      }
      follow();
    };
    labShell?.currentChanged.connect((_, args) => onFocus(args.newValue));
    app.restored.then(() => onFocus(app.shell.currentWidget)).catch(console.error);

    const actions: IPanelActions = {
      canSwitch: () => focused !== null,
      switchKernel: async (kernel: IKernelRef, env: IEnvironment) => {
        if (!focused) {
          return;
        }
        await focused.session.changeKernel({ name: kernel.name });
        model.setNotice(`Switched to ${kernel.display_name} (${env.name}).`);
      },
      openFile: async (path: string, line: number, column: number) => {
        const widget: any = docManager
          ? docManager.openOrReveal(path, 'Editor')
          : await app.commands.execute('docmanager:open', { path, factory: 'Editor' });
        await widget?.context?.ready;
        const editor = widget?.content?.editor;
        if (editor) {
          const position = { line: Math.max(line - 1, 0), column: Math.max(column - 1, 0) };
          editor.setCursorPosition(position);
          editor.revealPosition(position);
          editor.focus();
        }
      }
    };

    const panel = new EnvPanel(model, actions);
    app.shell.add(panel, 'left', { rank: 650 });
    restorer?.add(panel, 'jupyter-envpanel');
    const openPanel = () => app.shell.activateById(PANEL_ID);

    if (statusBar) {
      statusBar.registerStatusItem('jupyter-envpanel:status', {
        item: new EnvStatus(model, openPanel),
        align: 'left',
        rank: 5,
        isActive: () => true
      });
    }

    app.commands.addCommand(CommandIDs.open, {
      label: 'Show Environments Panel',
      execute: openPanel
    });
    app.commands.addCommand(CommandIDs.refresh, {
      label: 'Refresh Environments',
      execute: () => model.refresh(true)
    });
    app.commands.addCommand(CommandIDs.showDrift, {
      label: 'Show Environment Drift',
      execute: () => {
        openPanel();
        panel.node.querySelector('[aria-label="Drift"]')?.scrollIntoView();
      }
    });
    app.commands.addCommand(CommandIDs.switchKernel, {
      label: args => (args.env ? `Switch Kernel to ${args.env}` : 'Switch Kernel to Environment…'),
      isEnabled: () => actions.canSwitch(),
      execute: async args => {
        if (!model.environments.length) {
          await model.refresh();
        }
        const choices = model.environments.flatMap(env => env.kernels.map(k => ({ env, k })));
        let pick = choices.find(
          c => c.env.name === args.env && (!args.kernel || c.k.name === args.kernel)
        );
        if (!pick) {
          const labels = choices.map(c => `${c.env.name} — ${c.k.display_name}`);
          const result = await InputDialog.getItem({ title: 'Switch kernel to', items: labels });
          pick =
            result.button.accept && result.value
              ? choices[labels.indexOf(result.value)]
              : undefined;
        }
        if (pick) {
          await actions.switchKernel(pick.k, pick.env);
        }
      }
    });
    for (const command of Object.values(CommandIDs)) {
      palette?.addItem({ command, category: 'Environments' });
    }

    let timer = 0;
    const applySettings = (settings: Partial<IPanelSettings>) => {
      model.setSettings(settings);
      window.clearInterval(timer);
      if (model.settings.refreshInterval > 0) {
        timer = window.setInterval(
          () => void model.refresh(),
          model.settings.refreshInterval * 1000
        );
      }
    };
    if (settingRegistry) {
      void settingRegistry.load(PLUGIN_ID).then(settings => {
        const read = () => applySettings(settings.composite as unknown as IPanelSettings);
        settings.changed.connect(read);
        read();
      });
    }
  }
};

export default plugin;
