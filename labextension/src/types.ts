/**
 * Plain types of the panel's state and settings, shared by the model and the widgets.
 */
import { EnvPanelApiError, IEnvironment } from './api';

/** The focused notebook's or console's kernel and the environment it runs in. */
export interface IActiveState {
  /** Kernelspec name of the focused session's kernel, null when it has none. */
  kernelName: string | null;
  /** Kernel display name. */
  displayName: string;
  /** Path of the notebook (or console) on the server. */
  path: string;
  /** The environment, null while loading or when unknown. */
  environment: IEnvironment | null;
  /** The prefix the server guessed when the environment is unknown. */
  prefix: string | null;
  /** Why the environment is unknown, if it is. */
  message: string;
  /** True until the server answered. */
  loading: boolean;
}

/** Settings the user can change (see schema/plugin.json). */
export interface IPanelSettings {
  /** Seconds between checks for new, removed or changed environments; 0 turns them off. */
  refreshInterval: number;
  /** Whether the server's own environment is listed. */
  showServerEnv: boolean;
  /** Whether drift is checked for the active environment. */
  driftChecks: boolean;
  /** Whether Switch asks first when the kernel is busy or cells were run. */
  confirmSwitch: boolean;
  /** Whether a notebook that ran records its environment in its metadata when saved. */
  recordRanWith: boolean;
}

/** Default settings. */
export const DEFAULT_SETTINGS: IPanelSettings = {
  refreshInterval: 5,
  showServerEnv: true,
  driftChecks: true,
  confirmSwitch: true,
  recordRanWith: true
};

/** How a message reaches the user (JupyterLab's notifications in the app; a list in tests). */
export type Notify = (message: string, type: 'success' | 'error' | 'info') => void;

/** Return any thrown value as an EnvPanelApiError. */
export function asApiError(error: unknown): EnvPanelApiError {
  if (error instanceof EnvPanelApiError) {
    return error;
  }
  return new EnvPanelApiError(0, error instanceof Error ? error.message : String(error));
}
