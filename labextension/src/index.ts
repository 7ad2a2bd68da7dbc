/**
 * jupyter-envpanel: wires the model, the sidebar, the status bar, commands, settings and the
 * IEnvPanel service.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IConsoleTracker } from '@jupyterlab/console';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator } from '@jupyterlab/translation';

import { IEnvironment, IJobRequest, IKernelRef, httpApi } from './api';
import { FollowedSession } from './context';
import { createEnvFile } from './envfile';
import { bundleOf } from './i18n';
import { askAndRun } from './jobdialog';
import { LiveUpdates } from './live';
import { EnvPanelModel, IPanelSettings } from './model';
import { EnvPanel, IPanelActions, PANEL_ID } from './panel';
import { pickKernel } from './picker';
import { RecordKeeper } from './recordkeeper';
import { EnvPanelService } from './service';
import { EnvStatus } from './status';
import { trustedSwitch } from './switch';
import { CREATE_TERMINAL, typeInTerminal } from './terminal';
import { IEnvPanel } from './tokens';
import { visible } from './visible';

export * from './tokens';
export type { IEnvironment, IKernelRef, IProject } from './apitypes';

const PLUGIN_ID = 'jupyter-envpanel:plugin';

namespace CommandIDs {
  export const open = 'envpanel:open';
  export const refresh = 'envpanel:refresh';
  export const showDrift = 'envpanel:show-drift';
  export const switchKernel = 'envpanel:switch-kernel';
}

/** Whether a saved file's name matches one the server looks for (`requirements*.txt` included). */
function isDefinition(path: string, names: string[]): boolean {
  const base = path.split('/').pop() ?? '';
  return names.some(name =>
    name.includes('*')
      ? base.startsWith(name.split('*')[0]) && base.endsWith(name.split('*')[1])
      : base === name
  );
}

const plugin: JupyterFrontEndPlugin<IEnvPanel> = {
  id: PLUGIN_ID,
  description:
    'Environments panel: the project environment, drift, kernel switching you can trust.',
  autoStart: true,
  provides: IEnvPanel,
  optional: [
    ILabShell,
    ILayoutRestorer,
    INotebookTracker,
    IConsoleTracker,
    IStatusBar,
    ISettingRegistry,
    ICommandPalette,
    IDocumentManager,
    IDefaultFileBrowser,
    ITranslator
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
    docManager: IDocumentManager | null,
    fileBrowser: IDefaultFileBrowser | null,
    translator: ITranslator | null
  ): IEnvPanel => {
    const trans = bundleOf(translator);
    const model = new EnvPanelModel(
      httpApi,
      (message, type) =>
        Notification.emit(message, type, { autoClose: type === 'error' ? 8000 : 5000 }),
      translator
    );
    const followed = new FollowedSession(notebooks, consoles);
    followed.changed.connect((_, current) => {
      const kernel = current?.session.session?.kernel;
      void model.setActive(
        current ? (kernel?.name ?? null) : null,
        current?.path ?? '',
        current?.session.kernelDisplayName ?? '',
        !!current && !kernel && !current.session.isReady
      );
    });
    labShell?.currentChanged.connect((_, args) => followed.consider(args.newValue));
    app.restored.then(() => followed.consider(app.shell.currentWidget)).catch(console.error);
    if (fileBrowser) {
      const browse = () => void model.setBrowserPath(fileBrowser.model.path);
      fileBrowser.model.pathChanged.connect(browse);
      app.restored.then(browse).catch(console.error);
    }
    app.serviceManager.contents.fileChanged.connect((_, change) => {
      const path = change.newValue?.path ?? '';
      if (change.type === 'save' && isDefinition(path, model.project?.looked_for ?? [])) {
        void model.reloadContext();
      } else if (change.type === 'save' && path === model.active?.path && path.endsWith('.ipynb')) {
        void model.loadRanWith(); // the record it was saved with, against the kernel now
      }
    });

    let settings: ISettingRegistry.ISettings | null = null;
    const actions: IPanelActions = {
      canSwitch: () => followed.current !== null,
      switchKernel: async (kernel: IKernelRef, env: IEnvironment) => {
        const current = followed.current;
        if (!current) {
          return;
        }
        const from = model.active?.environment?.name ?? null;
        const ask = {
          confirm: () => model.settings.confirmSwitch,
          stopAsking: () => void settings?.set('confirmSwitch', false)
        };
        await trustedSwitch(current, kernel, env, from, ask, trans);
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
      },
      createEnvFile: async (env: string, notebookPath: string) => {
        const file = await createEnvFile(httpApi, env, notebookPath, trans);
        if (file) {
          await model.reloadContext();
          await actions.openFile(file, 1, 1);
        }
      },
      canOpenTerminal: () => app.commands.hasCommand(CREATE_TERMINAL),
      typeInTerminal: async (command: string) => {
        try {
          await typeInTerminal(app, command, trans);
        } catch (error) {
          Notification.error(
            trans.__(
              'Could not open a terminal (%1): copy the command instead.',
              visible(String(error))
            ),
            { autoClose: 8000 }
          );
        }
      },
      runJob: async (request: IJobRequest) => {
        await askAndRun(httpApi, model.jobs, request, followed.current !== null, trans);
      }
    };
    // a new kernel is offered by JupyterLab's own pickers at once, not at their next poll
    const refreshSpecs = () => app.serviceManager.kernelspecs.refreshSpecs().catch(() => undefined);
    model.jobs.ended.connect((_, view) => {
      if (view.job.state === 'succeeded') {
        void refreshSpecs();
      }
    });
    // "switch when ready": once the job succeeded and the panel shows the new kernel
    model.jobReady.connect((_, view) => {
      const ready = model.readyKernel(view);
      if (ready && followed.current) {
        void refreshSpecs().then(() => actions.switchKernel(ready.kernel, ready.env));
      }
    });
    void model.jobs.reattach(); // jobs live on the server: a reloaded page follows them again

    const panel = new EnvPanel(model, actions, translator);
    app.shell.add(panel, 'left', { rank: 650 });
    restorer?.add(panel, 'jupyter-envpanel');
    const openPanel = () => app.shell.activateById(PANEL_ID);

    if (statusBar) {
      statusBar.registerStatusItem('jupyter-envpanel:status', {
        item: new EnvStatus(model, openPanel, trans),
        align: 'left',
        rank: 5,
        isActive: () => true
      });
    }

    const service = new EnvPanelService(httpApi, model, path => {
      const widget =
        notebooks?.find(w => w.context.path === path) ??
        consoles?.find(w => w.sessionContext.path === path);
      return widget?.sessionContext ?? null;
    });
    const keeper = new RecordKeeper(httpApi, () => model.settings.recordRanWith);
    notebooks?.widgetAdded.connect((_, notebookPanel) => {
      keeper.track(notebookPanel);
      service.watch(notebookPanel.sessionContext, () => notebookPanel.context.path);
    });
    consoles?.widgetAdded.connect((_, consolePanel) =>
      service.watch(consolePanel.sessionContext, () => consolePanel.sessionContext.path)
    );

    // Notebook 7 has no status bar: the notebook page's toolbar shows the same item, next to the
    // kernel's name, and a click opens the Environments panel there too.
    if (notebooks && (!statusBar || app.name === 'Jupyter Notebook')) {
      notebooks.widgetAdded.connect((_, notebookPanel) => {
        const item = new EnvStatus(model, openPanel, trans, '');
        item.addClass('jp-EnvPanel-toolbarItem');
        item.extra['data-envpanel-toolbar'] = 'true';
        const toolbar = notebookPanel.toolbar;
        if (!toolbar.insertAfter('kernelName', 'envpanel-environment', item)) {
          toolbar.addItem('envpanel-environment', item);
        }
      });
    }

    app.commands.addCommand(CommandIDs.open, {
      label: trans.__('Show Environments Panel'),
      caption: trans.__(
        'Which environment this notebook runs in, its drift, and every other environment'
      ),
      execute: openPanel
    });
    app.commands.addCommand(CommandIDs.refresh, {
      label: trans.__('Refresh Environments'),
      execute: () => model.refresh(true)
    });
    app.commands.addCommand(CommandIDs.showDrift, {
      label: trans.__('Show Environment Drift'),
      execute: () => {
        openPanel();
        panel.sections.drift.node.scrollIntoView();
      }
    });
    app.commands.addCommand(CommandIDs.switchKernel, {
      label: args =>
        args.env
          ? trans.__('Switch Kernel to %1', visible(String(args.env)))
          : trans.__('Switch Kernel to Environment…'),
      isEnabled: () => actions.canSwitch(),
      execute: async args => {
        if (!model.environments.length) {
          await model.refresh();
        }
        const named = model.environments.find(e => e.name === args.env);
        const kernel = named?.kernels.find(k => !args.kernel || k.name === args.kernel);
        const pick = named && kernel ? { env: named, kernel } : await pickKernel(model, trans);
        if (pick) {
          await actions.switchKernel(pick.kernel, pick.env);
        }
      }
    });
    for (const command of Object.values(CommandIDs)) {
      palette?.addItem({ command, category: trans.__('Environments') });
    }

    const live = new LiveUpdates(model);
    const applySettings = (next: Partial<IPanelSettings>) => {
      model.setSettings(next);
      live.setInterval(model.settings.refreshInterval);
    };
    if (settingRegistry) {
      void settingRegistry.load(PLUGIN_ID).then(loaded => {
        settings = loaded;
        const read = () => applySettings(loaded.composite as unknown as IPanelSettings);
        loaded.changed.connect(read);
        read();
      });
    } else {
      applySettings({});
    }
    return service;
  }
};

export default plugin;
