/**
 * State of the Environments panel: the listing, the project's environment, the active kernel's
 * environment and its drift. The model never computes domain facts: it holds what the server
 * answered (and compares prefixes to say which environment is which).
 */
import { ISignal, Signal } from '@lumino/signaling';

import {
  EnvPanelApiError,
  IDriftReport,
  IEnvPanelApi,
  IEnvironment,
  IPackageHit,
  IListing,
  IProject,
  IRequirementStatus
} from './api';
import { PackageSearch } from './packagesearch';
import { ProjectState } from './projectstate';
import { RanWithState } from './ranwith';
import { DEFAULT_SETTINGS, IActiveState, IPanelSettings, Notify, asApiError } from './types';

export { DEFAULT_SETTINGS, asApiError } from './types';
export type { IActiveState, IPanelSettings, Notify } from './types';

/** The panel's state, with a `changed` signal. */
export class EnvPanelModel {
  /**
   * @param api The REST calls (the real one, or a fake in tests).
   * @param notify Shows the outcome of register / unregister.
   */
  constructor(
    private readonly api: IEnvPanelApi,
    private readonly notify: Notify = () => undefined
  ) {}

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
  /** The focused session, null when no notebook or console was focused yet. */
  active: IActiveState | null = null;
  /** Drift of the active environment. */
  drift: IDriftReport | null = null;
  /** Why drift could not be computed (no environment file, bad file, ...). */
  driftError: EnvPanelApiError | null = null;
  /** True while drift loads. */
  driftLoading = false;
  /** The project's environment for the active notebook's (or the file browser's) folder. */
  readonly projectState = new ProjectState(this.api, () => this._changed.emit());
  /** The filter box's text. */
  filter = '';
  /** The followed notebook's record of what it ran with, compared with now. */
  readonly ranWith = new RanWithState(this.api, () => this._changed.emit());
  /** The filter as a package name: which environments have it. */
  readonly packageSearch = new PackageSearch(this.api, () => this._changed.emit());
  /** Current settings. */
  settings: IPanelSettings = { ...DEFAULT_SETTINGS };

  /** True when the server answered 404 for the API: the server extension is not enabled. */
  get serverMissing(): boolean {
    return this.error?.status === 404;
  }

  /** The server's answer about the project's environment. */
  get project(): IProject | null {
    return this.projectState.answer;
  }

  /** Why the project could not be resolved. */
  get projectError(): EnvPanelApiError | null {
    return this.projectState.error;
  }

  /** Whether an environment is the project's. */
  isProject(env: IEnvironment | null | undefined): boolean {
    return !!env && this.projectState.environment?.prefix === env.prefix;
  }

  /** Whether an environment is the one the focused kernel runs in. */
  isActive(env: IEnvironment | null | undefined): boolean {
    return !!env && this.active?.environment?.prefix === env.prefix;
  }

  /** Environments that match the filter (and the server-env setting), the project's first. */
  get filtered(): IEnvironment[] {
    const words = this.filter.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = this.environments.filter(env => {
      if (env.is_server && !this.settings.showServerEnv && !this.isProject(env)) {
        return false;
      }
      const text = [env.name, env.label ?? '', env.kind, env.prefix, env.python_version ?? '']
        .join(' ')
        .toLowerCase();
      return words.every(word => text.includes(word)) || this.packageHits(env).length > 0;
    });
    return shown.filter(e => this.isProject(e)).concat(shown.filter(e => !this.isProject(e)));
  }

  /** The packages of an environment that match the filter text (as a package name). */
  packageHits(env: IEnvironment): IPackageHit[] {
    const search = this.packageSearch;
    return search.query && search.query === this.filter.trim() ? search.hitsFor(env) : [];
  }

  /** Missing and mismatched requirements of the active environment. */
  get driftEntries(): IRequirementStatus[] {
    return (this.drift?.requirements ?? []).filter(
      r => r.status === 'missing' || r.status === 'mismatch'
    );
  }

  /** The drift count (missing + mismatch, as the server counts it); null when unknown. */
  get driftCount(): number | null {
    return this.drift ? this.drift.drift_count : null;
  }

  /** Set the filter text. */
  setFilter(text: string): Promise<void> {
    this.filter = text;
    this._changed.emit();
    return this.packageSearch.search(text);
  }

  /** Apply new settings. */
  setSettings(settings: Partial<IPanelSettings>): void {
    this.settings = { ...this.settings, ...settings };
    if (!this.settings.driftChecks) {
      this.drift = null;
      this.driftError = null;
    }
    this._changed.emit();
  }

  /** Load the listing (`force`: forget the server's caches first), then what depends on it. */
  async refresh(force = false): Promise<void> {
    this.loading = true;
    this._changed.emit();
    try {
      if (force) {
        this.setListing(await this.api.refresh(), '');
      } else {
        const answer = await this.api.pollEnvironments('');
        this.setListing(answer.listing ?? { environments: [], warnings: [] }, answer.etag);
      }
      this.error = null;
    } catch (error) {
      this.error = asApiError(error);
    } finally {
      this.loading = false;
      this._changed.emit();
    }
    if (force) {
      await this.reloadContext();
    }
  }

  /**
   * Ask the server whether anything changed (a 304 costs it one stat per watched folder);
   * when it did, take the new listing and reload the project and the drift. Rejects on
   * failure so the caller's poll backs off.
   */
  async poll(): Promise<void> {
    const answer = await this.api.pollEnvironments(this._etag);
    if (!answer.listing) {
      return;
    }
    const first = !this._etag;
    this.setListing(answer.listing, answer.etag);
    this.error = null;
    this._changed.emit();
    if (!first) {
      await this.reloadContext();
    }
  }

  /**
   * Follow the focused session: look up its kernel's environment, then that environment's drift
   * and the project of its folder. Answers for a session that lost focus meanwhile are ignored.
   * `starting`: the session has no kernel yet because it is still starting one.
   */
  async setActive(
    kernelName: string | null,
    path: string,
    displayName = '',
    starting = false
  ): Promise<void> {
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
            message: kernelName || starting ? '' : 'no kernel',
            loading: kernelName !== null || starting
          };
    this.drift = null;
    this.driftError = null;
    this._changed.emit();
    const project = this.loadProject(this.active ? path : this._browserPath);
    const ranWith = this.ranWith.load(this.active ? path : '');
    if (kernelName && this.active) {
      await this.lookUpKernel(generation, kernelName, displayName);
      await this.loadDrift(generation);
    }
    await Promise.all([project, ranWith]);
  }

  /** Follow the file browser's folder: it decides the project when no notebook is focused. */
  async setBrowserPath(path: string): Promise<void> {
    this._browserPath = path;
    if (!this.active) {
      await this.loadProject(path);
    }
  }

  /** Ask again for everything that depends on the disk: the project, the active env, its drift. */
  async reloadContext(): Promise<void> {
    if (this.active?.kernelName) {
      const generation = ++this._generation;
      await Promise.all([
        this.loadProject(this.active.path),
        this.ranWith.load(this.active.path),
        this.lookUpKernel(generation, this.active.kernelName, this.active.displayName, false).then(
          () => this.loadDrift(generation, false)
        )
      ]);
    } else {
      await this.loadProject(this.active?.path ?? this._browserPath);
    }
  }

  /** Load the project's environment for a notebook or folder path. */
  loadProject(path: string): Promise<void> {
    return this.projectState.load(path);
  }

  /** Load the drift of the active environment (when drift checks are on). */
  async loadDrift(generation = this._generation, showLoading = true): Promise<void> {
    const env = this.active?.environment;
    if (!env || !this.settings.driftChecks || !this.active) {
      return;
    }
    this.driftLoading = showLoading;
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

  private async lookUpKernel(
    generation: number,
    kernelName: string,
    displayName: string,
    showLoading = true
  ): Promise<void> {
    if (showLoading && this.active) {
      this.active = { ...this.active, loading: true };
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
  }

  private setListing(listing: IListing, etag: string): void {
    this.environments = listing.environments;
    this.listingWarnings = listing.warnings;
    this.searched = listing.searched ?? [];
    this._etag = etag;
  }

  private async act(action: () => Promise<string>): Promise<void> {
    try {
      this.notify(await action(), 'success');
    } catch (error) {
      this.notify(asApiError(error).message, 'error');
    }
    await this.refresh();
  }

  private _etag = '';
  private _browserPath = '';
  private _generation = 0;
  private _changed = new Signal<this, void>(this);
}
