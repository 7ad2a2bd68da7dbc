/**
 * What jupyter-envpanel offers other extensions: the environment of a notebook or kernel, the
 * project's environment, and a signal when a notebook or console switches environment.
 * See docs/extending.md for an example.
 */
import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

import { IEnvironment, IProject } from './apitypes';

/** A notebook or console moved to another kernel (and so, usually, another environment). */
export interface IEnvSwitch {
  /** Path of the notebook or console on the server. */
  path: string;
  /** The kernelspec it ran before. */
  fromKernel: string;
  /** The kernelspec it runs now. */
  toKernel: string;
  /** The environment it ran in before, null when jupyter-envpanel did not find it. */
  from: IEnvironment | null;
  /** The environment it runs in now, null when jupyter-envpanel did not find it. */
  to: IEnvironment | null;
}

/** The environments of notebooks, kernels and projects, as jupyter-envpanel sees them. */
export interface IEnvPanel {
  /** The environment a kernelspec runs in; null when jupyter-envpanel did not find it. */
  kernelEnvironment(kernel: string): Promise<IEnvironment | null>;
  /**
   * The environment a notebook (or console) runs in: its kernel's when it is open with a kernel,
   * else the kernel its file asks for. Null when there is none or it was not found.
   */
  notebookEnvironment(path: string): Promise<IEnvironment | null>;
  /** The project's environment for a notebook or folder path (relative to the server root). */
  projectEnvironment(path: string): Promise<IProject>;
  /** The environment of the notebook or console the panel follows now, if known. */
  readonly activeEnvironment: IEnvironment | null;
  /** Emitted after an open notebook or console switched to another kernel. */
  readonly switched: ISignal<IEnvPanel, IEnvSwitch>;
}

/** The token of the IEnvPanel service. */
export const IEnvPanel = new Token<IEnvPanel>(
  'jupyter-envpanel:IEnvPanel',
  'The environment of a notebook or kernel, the project environment, and a signal on switch.'
);
