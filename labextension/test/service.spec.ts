// @vitest-environment jsdom
import type { ISessionContext } from '@jupyterlab/apputils';
import { Signal } from '@lumino/signaling';
import { describe, expect, it } from 'vitest';

import { EnvPanelModel } from '../src/model';
import { EnvPanelService } from '../src/service';
import { IEnvPanel, IEnvSwitch } from '../src/tokens';
import { project } from './fakes';
import { apiWithKernels } from './helpers';

/** Just what the service reads of a session: its kernel and the kernelChanged signal. */
class FakeSession {
  kernel: { name: string } | null = null;
  kernelChanged = new Signal<this, { newValue: { name: string } | null; oldValue: unknown }>(this);
  get session() {
    return { kernel: this.kernel };
  }
  change(name: string | null): void {
    const oldValue = this.kernel;
    this.kernel = name ? { name } : null;
    this.kernelChanged.emit({ newValue: this.kernel, oldValue });
  }
}

describe('IEnvPanel, the service other extensions use', () => {
  function service() {
    const api = apiWithKernels('alpha', 'beta');
    const model = new EnvPanelModel(api);
    const sessions = new Map<string, FakeSession>();
    const panel: IEnvPanel = new EnvPanelService(
      api,
      model,
      path => (sessions.get(path) as unknown as ISessionContext) ?? null
    );
    return { api, model, sessions, panel: panel as EnvPanelService };
  }

  it("answers a kernel's environment (null when nobody found it)", async () => {
    const { panel } = service();
    expect((await panel.kernelEnvironment('conda-env-alpha-py'))?.name).toBe('alpha');
    expect(await panel.kernelEnvironment('nobody-knows')).toBeNull();
  });

  it("answers an open notebook's environment from its kernel, a closed one from its file", async () => {
    const { api, sessions, panel } = service();
    const open = new FakeSession();
    open.change('conda-env-beta-py');
    sessions.set('open.ipynb', open);
    expect((await panel.notebookEnvironment('open.ipynb'))?.name).toBe('beta');
    api.listing.environments.push({
      ...api.listing.environments[1],
      name: 'alpha',
      prefix: '/envs/alpha'
    });
    api.notebookReports['closed.ipynb'] = {
      path: 'closed.ipynb',
      recorded: null,
      environment: { name: 'alpha', prefix: '/envs/alpha' },
      differences: [],
      count: 0
    };
    expect((await panel.notebookEnvironment('closed.ipynb'))?.prefix).toBe('/envs/alpha');
    expect(await panel.notebookEnvironment('notes.txt')).toBeNull();
  });

  it("answers the project's environment and the followed session's", async () => {
    const { api, model, panel } = service();
    api.projects['proj/a.ipynb'] = project('alpha');
    expect((await panel.projectEnvironment('proj/a.ipynb')).environment?.name).toBe('alpha');
    expect(panel.activeEnvironment).toBeNull();
    await model.setActive('conda-env-beta-py', 'x.ipynb');
    expect(panel.activeEnvironment?.name).toBe('beta');
  });

  it('signals a switch (not a first kernel, not a shutdown) with both environments', async () => {
    const { panel } = service();
    const seen: IEnvSwitch[] = [];
    panel.switched.connect((_, change) => seen.push(change));
    const session = new FakeSession();
    panel.watch(session as unknown as ISessionContext, () => 'n.ipynb');
    session.change('conda-env-alpha-py'); // the first kernel
    session.change('conda-env-beta-py'); // a switch
    await new Promise(resolve => setTimeout(resolve, 5));
    session.change(null); // a shutdown
    session.change('conda-env-beta-py'); // the same kernelspec again: not a switch
    await new Promise(resolve => setTimeout(resolve, 5));
    expect(seen.map(s => [s.path, s.fromKernel, s.toKernel, s.from?.name, s.to?.name])).toEqual([
      ['n.ipynb', 'conda-env-alpha-py', 'conda-env-beta-py', 'alpha', 'beta']
    ]);
  });

  it('is the token other extensions ask for', () => {
    expect(IEnvPanel.name).toBe('jupyter-envpanel:IEnvPanel');
  });
});
