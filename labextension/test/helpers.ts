/**
 * Rendering in jsdom: attach a widget, let Lumino deliver its update requests and React commit.
 */
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { act } from 'react';

import { IPanelActions } from '../src/actions';
import { IEnvironment, IJobRequest, IKernelRef } from '../src/api';
import { EnvPanelModel } from '../src/model';
import { FakeApi, env } from './fakes';

/** Attach a widget to the document and render it. */
export async function mount<T extends Widget>(widget: T): Promise<T> {
  await act(async () => {
    Widget.attach(widget, document.body);
    MessageLoop.flush();
  });
  return widget;
}

/** Let pending answers arrive, then deliver update requests and commit React's renders. */
export async function settle(): Promise<void> {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
    MessageLoop.flush();
  });
}

/** Run something that changes the model, then render. */
export async function after(change: () => unknown): Promise<void> {
  await act(async () => {
    await change();
    await new Promise(resolve => setTimeout(resolve, 0));
    MessageLoop.flush();
  });
}

/** Detach and dispose every widget of a test. */
export function unmountAll(widgets: Widget[]): void {
  act(() => {
    for (const widget of widgets) {
      widget.dispose();
    }
  });
  document.body.replaceChildren();
}

/** Panel actions that record what the panel asked for. */
export class FakeActions implements IPanelActions {
  calls: string[] = [];
  followed = true;
  terminals = true;
  canSwitch(): boolean {
    return this.followed;
  }
  async switchKernel(kernel: IKernelRef, env: IEnvironment): Promise<void> {
    this.calls.push(`switch:${env.name}:${kernel.name}`);
  }
  async openFile(path: string, line: number, column: number): Promise<void> {
    this.calls.push(`open:${path}:${line}:${column}`);
  }
  async createEnvFile(env: string, notebookPath: string): Promise<void> {
    this.calls.push(`create:${env}:${notebookPath}`);
  }
  canOpenTerminal(): boolean {
    return this.terminals;
  }
  async typeInTerminal(command: string): Promise<void> {
    this.calls.push(`terminal:${command}`);
  }
  async runJob(request: IJobRequest): Promise<void> {
    this.calls.push(
      `job:${request.action}:${request.path ?? request.environment ?? ''}:${request.tool ?? ''}`
    );
  }
}

/** A fake API where kernel `conda-env-NAME-py` runs in NAME, for each name. */
export function apiWithKernels(...names: string[]): FakeApi {
  const api = new FakeApi();
  for (const name of names) {
    api.kernels[`conda-env-${name}-py`] = {
      kernel: `conda-env-${name}-py`,
      display_name: `Python [conda env:${name}]`,
      environment: env(name),
      prefix: `/envs/${name}`,
      message: ''
    };
  }
  return api;
}

/** A model whose notebook `work/a.ipynb` runs in `ml`, listed and loaded. */
export async function followedModel(api = apiWithKernels('ml')): Promise<EnvPanelModel> {
  const model = new EnvPanelModel(api);
  model.packageSearch.delay = 0;
  await model.refresh();
  await model.setActive('conda-env-ml-py', 'work/a.ipynb', 'Python [conda env:ml]');
  return model;
}

/** Type into a React-rendered text box as a user does (React listens for `input` events). */
export async function typeInto(input: HTMLInputElement, text: string): Promise<void> {
  await after(() => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
