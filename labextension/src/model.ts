/**
 * State of the Environments panel: the listing, the active kernel's environment and its drift.
 * The model never computes domain facts: it holds what the server answered.
 */
import { ISignal, Signal } from '@lumino/signaling';

import {
  EnvPanelApiError,
  IDriftReport,
  IEnvPanelApi,
  IEnvironment,
  IListing,
  IRequirementStatus,
  IUnrequested
} from './api';

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
  /** Seconds between automatic refreshes; 0 turns them off. */
  refreshInterval: number;
  /** Whether the server's own environment is listed. */
  showServerEnv: boolean;
  /** Whether drift is checked for the active environment. */
  driftChecks: boolean;
}

/** A drift entry shown in the panel: a missing or mismatched requirement, or an unrequested package. */
export type DriftEntry =
  { kind: 'requirement'; item: IRequirementStatus } | { kind: 'unrequested'; item: IUnrequested };

/** Default settings. */
export const DEFAULT_SETTINGS: IPanelSettings = {
  refreshInterval: 0,
  showServerEnv: true,
  driftChecks: true
};

/** The panel's state, with a `changed` signal. */
export class EnvPanelModel {
  /**
   * @param api The REST calls (the real one, or a fake in tests).
   */
  constructor(private readonly api: IEnvPanelApi) {}

  /** Emitted whenever anything shown changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Every environment from the last listing. */
  environments: IEnvironment[] = [];
  /** Listing-level warnings. */
  listingWarnings: string[] = [];
  /** Places the server looked in. */
  searched: string[] = [];
  /** True while the listing loads. */
  loading = false;
  /** The listing error, if the last listing failed. */
  error: EnvPanelApiError | null = null;
  /** The focused session, null when no notebook or console is focused. */
  active: IActiveState | null = null;
  /** Drift of the active environment. */
  drift: IDriftReport | null = null;
  /** Why drift could not be computed (no environment file, bad file, ...). */
  driftError: EnvPanelApiError | null = null;
  /** True while drift loads. */
  driftLoading = false;
  /** The filter box's text. */
  filter = '';
  /** Current settings. */
  settings: IPanelSettings = { ...DEFAULT_SETTINGS };
  /** A message from the last register / unregister / switch action. */
  notice = '';

  /** True when the server answered 404 for the API: the server extension is not enabled. */
  get serverMissing(): boolean {
    return this.error?.status === 404;
  }

  /** Environments that match the filter (and the server-env setting). */
  get filtered(): IEnvironment[] {
    const words = this.filter.toLowerCase().split(/\s+/).filter(Boolean);
    return this.environments.filter(env => {
      if (env.is_server && !this.settings.showServerEnv) {
        return false;
      }
      const text = [env.name, env.kind, env.prefix, env.python_version ?? '']
        .join(' ')
        .toLowerCase();
      return words.every(word => text.includes(word));
    });
  }

  /** Missing and mismatched requirements, then unrequested packages. */
  get driftEntries(): DriftEntry[] {
    if (!this.drift) {
      return [];
    }
    const requirements: DriftEntry[] = this.drift.requirements
      .filter(r => r.status === 'missing' || r.status === 'mismatch')
      .map(item => ({ kind: 'requirement', item }));
    const unrequested: DriftEntry[] = this.drift.unrequested.map(item => ({
      kind: 'unrequested',
      item
    }));
    return requirements.concat(unrequested);
  }

  /** Number of drift entries, for the status bar; null when unknown. */
  get driftCount(): number | null {
    return this.drift ? this.driftEntries.length : null;
  }

  /** Set the filter text. */
  setFilter(text: string): void {
    this.filter = text;
    this._changed.emit();
  }

  /** Apply new settings. */
  setSettings(settings: Partial<IPanelSettings>): void {
    this.settings = { ...this.settings, ...settings };
    this._changed.emit();
    if (!this.settings.driftChecks) {
      this.drift = null;
      this.driftError = null;
      this._changed.emit();
    }
  }

  /** Load the listing (`force`: forget the server's caches first). */
  async refresh(force = false): Promise<void> {
    this.loading = true;
    this._changed.emit();
    try {
      const listing: IListing = force
        ? await this.api.refresh()
        : await this.api.listEnvironments();
      this.environments = listing.environments;
      this.listingWarnings = listing.warnings;
      this.searched = listing.searched ?? [];
      this.error = null;
    } catch (error) {
      this.error = asApiError(error);
    } finally {
      this.loading = false;
      this._changed.emit();
    }
    if (force && this.active?.kernelName) {
      await this.setActive(this.active.kernelName, this.active.path, this.active.displayName);
    }
  }

  /**
   * Follow the focused session: look up its kernel's environment, then that environment's drift.
   * Answers for a session that lost focus meanwhile are ignored.
   */
  async setActive(kernelName: string | null, path: string, displayName = ''): Promise<void> {
    const generation = ++this._generation;
    this.active =
      kernelName === null && !path
        ? null
        : {
            kernelName,
            displayName,
            path,
            environment: null,
            prefix: null,
            message: kernelName ? '' : 'no kernel',
            loading: kernelName !== null
          };
    this.drift = null;
    this.driftError = null;
    this._changed.emit();
    if (!kernelName || !this.active) {
      return;
    }
    try {
      const answer = await this.api.kernelEnvironment(kernelName);
      if (generation !== this._generation || !this.active) {
        return;
      }
      this.active = {
        ...this.active,
        displayName: answer.display_name || displayName,
        environment: answer.environment,
        prefix: answer.prefix,
        message: answer.message,
        loading: false
      };
    } catch (error) {
      if (generation !== this._generation || !this.active) {
        return;
      }
      this.active = { ...this.active, loading: false, message: asApiError(error).message };
    }
    this._changed.emit();
    await this.loadDrift(generation);
  }

  /** Load the drift of the active environment (when drift checks are on). */
  async loadDrift(generation = this._generation): Promise<void> {
    const env = this.active?.environment;
    if (!env || !this.settings.driftChecks || !this.active) {
      return;
    }
    this.driftLoading = true;
    this._changed.emit();
    try {
      const report = await this.api.drift(env.name, this.active.path);
      if (generation === this._generation) {
        this.drift = report;
        this.driftError = null;
      }
    } catch (error) {
      if (generation === this._generation) {
        this.drift = null;
        this.driftError = asApiError(error);
      }
    } finally {
      this.driftLoading = false;
      this._changed.emit();
    }
  }

  /** Register persistent kernelspecs for an environment, then list again. */
  async register(env: string): Promise<void> {
    await this.act(async () => {
      const names = await this.api.register(env);
      return `Registered ${names.join(', ')}: other frontends can use them now.`;
    });
  }

  /** Remove the persistent kernelspecs of an environment, then list again. */
  async unregister(env: string): Promise<void> {
    await this.act(async () => {
      await this.api.unregister(env);
      return `Removed the registered kernels of ${env}.`;
    });
  }

  /** Show a message (from a switch, say). */
  setNotice(text: string): void {
    this.notice = text;
    this._changed.emit();
  }

  private async act(action: () => Promise<string>): Promise<void> {
    try {
      this.notice = await action();
    } catch (error) {
      this.notice = asApiError(error).message;
    }
    await this.refresh();
  }

  private _generation = 0;
  private _changed = new Signal<this, void>(this);
}

/** Return any thrown value as an EnvPanelApiError. */
export function asApiError(error: unknown): EnvPanelApiError {
  if (error instanceof EnvPanelApiError) {
    return error;
  }
  return new EnvPanelApiError(0, error instanceof Error ? error.message : String(error));
}
