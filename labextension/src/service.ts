/**
 * The IEnvPanel service: answers other extensions from the same REST API and model the panel
 * uses, and tells them when a notebook or console switched kernel.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import { ISignal, Signal } from '@lumino/signaling';

import { EnvPanelApiError, IEnvPanelApi, IEnvironment, IProject } from './api';
import { EnvPanelModel } from './model';
import { IEnvPanel, IEnvSwitch } from './tokens';

/** The implementation of IEnvPanel. */
export class EnvPanelService implements IEnvPanel {
  /**
   * @param api The REST calls.
   * @param model The panel's model (the followed session, the listing).
   * @param sessionOf The session of an open notebook or console at a path, if any.
   */
  constructor(
    private readonly api: IEnvPanelApi,
    private readonly model: EnvPanelModel,
    private readonly sessionOf: (path: string) => ISessionContext | null = () => null
  ) {}

  get switched(): ISignal<IEnvPanel, IEnvSwitch> {
    return this._switched;
  }

  get activeEnvironment(): IEnvironment | null {
    return this.model.active?.environment ?? null;
  }

  async kernelEnvironment(kernel: string): Promise<IEnvironment | null> {
    try {
      return (await this.api.kernelEnvironment(kernel)).environment;
    } catch (error) {
      if (error instanceof EnvPanelApiError && error.status === 404) {
        return null;
      }
      throw error;
    }
  }

  async notebookEnvironment(path: string): Promise<IEnvironment | null> {
    const kernel = this.sessionOf(path)?.session?.kernel?.name;
    if (kernel) {
      return this.kernelEnvironment(kernel);
    }
    if (!path.endsWith('.ipynb')) {
      return null;
    }
    const ref = (await this.api.notebook(path)).environment;
    if (!ref) {
      return null;
    }
    const envs = this.model.environments.length
      ? this.model.environments
      : (await this.api.listEnvironments()).environments;
    return envs.find(e => e.prefix === ref.prefix) ?? null;
  }

  projectEnvironment(path: string): Promise<IProject> {
    return this.api.project(path);
  }

  /** Follow a notebook's or console's session: emit `switched` when its kernelspec changes. */
  watch(session: ISessionContext, path: () => string): void {
    let last = session.session?.kernel?.name ?? '';
    session.kernelChanged.connect(async (_, change) => {
      const next = change.newValue?.name ?? '';
      if (!next || next === last) {
        return;
      }
      const previous = last;
      last = next;
      if (!previous) {
        return; // its first kernel: not a switch
      }
      const lookUp = (name: string) => this.kernelEnvironment(name).catch(() => null);
      const [from, to] = await Promise.all([lookUp(previous), lookUp(next)]);
      this._switched.emit({ path: path(), fromKernel: previous, toKernel: next, from, to });
    });
  }

  private _switched = new Signal<IEnvPanel, IEnvSwitch>(this);
}
