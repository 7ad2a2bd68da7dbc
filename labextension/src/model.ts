/**
 * State of the Environments panel: the listing, the project's environment, the active kernel's
 * environment, its drift, the notebook's record, the filter and the settings, each part with its
 * own signal so a section re-renders only when what it shows changed. The model never computes
 * domain facts: it holds what the server answered (and compares prefixes to say which is which).
 * What the focus decides is loaded by `FocusFollower`; what an action changed is said and shown by
 * `ActionOutcomes`.
 */
import { ITranslator } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import {
  EnvPanelApiError,
  IDriftReport,
  IEnvPanelApi,
  IEnvironment,
  IKernelRef,
  IPackageHit,
  IProject,
  IRequirementStatus
} from './api';
import { ActiveSession } from './activestate';
import { DriftState } from './driftstate';
import { FocusFollower } from './focus';
import { bundleOf } from './i18n';
import { IJobView, JobsState, readyKernel } from './jobstate';
import { IListContext, IListGroups, filterEnvironments, groupInterpreters } from './listorder';
import { ListingState } from './listing';
import { ActionOutcomes } from './outcomes';
import { PackageSearch } from './packagesearch';
import { ProjectState } from './projectstate';
import { RanWithState } from './ranwith';
import { DEFAULT_SETTINGS, IActiveState, IPanelSettings, Notify } from './types';

export { DEFAULT_SETTINGS, asApiError } from './types';
export type { IActiveState, IPanelSettings, Notify } from './types';

/** The panel's state; each part emits its own signal. */
export class EnvPanelModel {
  /**
   * @param api The REST calls (the real one, or a fake in tests).
   * @param notify Shows the outcome of register / unregister.
   * @param translator Translates those messages.
   * @param jobInterval Milliseconds between two reads of a running job.
   */
  constructor(
    private readonly api: IEnvPanelApi,
    notify: Notify = () => undefined,
    translator: ITranslator | null = null,
    jobInterval = 500
  ) {
    this.projectState.adopted.connect(() => void this.listing.load().catch(() => undefined));
    this.jobs = new JobsState(api, jobInterval);
    this.outcomes = new ActionOutcomes(api, this.jobs, notify, bundleOf(translator), {
      refresh: () => this.refresh(),
      reload: async () => {
        await this.listing.load();
        await this.reloadContext();
      }
    });
  }

  /** Jobs the server runs for the panel (create, update, install ipykernel). */
  readonly jobs: JobsState;

  /** Emitted after a job the user asked to switch to succeeded, once the panel shows the result. */
  get jobReady(): ISignal<ActionOutcomes, IJobView> {
    return this.outcomes.jobReady;
  }

  /** The kernel a job made ready and its environment (see `readyKernel`). */
  readyKernel(view: IJobView): { kernel: IKernelRef; env: IEnvironment } | null {
    return readyKernel(view.job, this.project, this.environments);
  }

  /** The listing: environments, warnings, loading, error. */
  readonly listing = new ListingState(this.api);
  /** The project's environment for the active notebook's (or the file browser's) folder. */
  readonly projectState = new ProjectState(this.api);
  /** The followed session and its environment. */
  readonly activeSession = new ActiveSession(this.api);
  /** The drift of the active environment. */
  readonly driftState = new DriftState(this.api);
  /** The followed notebook's record of what it ran with, compared with now. */
  readonly ranWith = new RanWithState(this.api);
  /** The filter as a package name: which environments have it. */
  readonly packageSearch = new PackageSearch(this.api);

  /** Emitted when the followed session or its environment changes. */
  get activeChanged(): ISignal<ActiveSession, void> {
    return this.activeSession.changed;
  }

  /** Emitted when the filter text changes. */
  get filterChanged(): ISignal<this, void> {
    return this._filterChanged;
  }

  /** Emitted when the settings change. */
  get settingsChanged(): ISignal<this, void> {
    return this._settingsChanged;
  }

  /** The focused session, null when no notebook or console was focused yet. */
  get active(): IActiveState | null {
    return this.activeSession.state;
  }
  /** The filter box's text. */
  filter = '';
  /** Current settings. */
  settings: IPanelSettings = { ...DEFAULT_SETTINGS };

  /** Every environment from the last listing. */
  get environments(): IEnvironment[] {
    return this.listing.environments;
  }

  /** The listing error, if the last listing failed. */
  get error(): EnvPanelApiError | null {
    return this.listing.error;
  }

  /** True when the server answered 404 for the API: the server extension is not enabled. */
  get serverMissing(): boolean {
    return this.listing.error?.status === 404;
  }

  /** The server's answer about the project's environment. */
  get project(): IProject | null {
    return this.projectState.answer;
  }

  /** Why the project could not be resolved. */
  get projectError(): EnvPanelApiError | null {
    return this.projectState.error;
  }

  /** Drift of the active environment. */
  get drift(): IDriftReport | null {
    return this.driftState.report;
  }

  /** Why drift could not be computed. */
  get driftError(): EnvPanelApiError | null {
    return this.driftState.error;
  }

  /** Missing and mismatched requirements of the active environment. */
  get driftEntries(): IRequirementStatus[] {
    return this.driftState.entries;
  }

  /** The drift count (missing + mismatch, as the server counts it); null when unknown. */
  get driftCount(): number | null {
    return this.driftState.count;
  }

  /** Whether an environment is the project's. */
  isProject(env: IEnvironment | null | undefined): boolean {
    return !!env && this.projectState.environment?.prefix === env.prefix;
  }

  /** Whether an environment is the one the focused kernel runs in. */
  isActive(env: IEnvironment | null | undefined): boolean {
    return !!env && this.active?.environment?.prefix === env.prefix;
  }

  /**
   * Environments that match the filter (and the server-env setting): the project's and the
   * active one first, then by name, numbers as numbers.
   */
  get filtered(): IEnvironment[] {
    return filterEnvironments(this.environments, this.filter, this.listContext());
  }

  /** The filtered list in two: environments, and interpreters without ipykernel. */
  get groups(): IListGroups {
    return groupInterpreters(this.filtered, this.listContext());
  }

  private listContext(): IListContext {
    return {
      isProject: env => this.isProject(env),
      isActive: env => this.isActive(env),
      hasPackageHit: env => this.packageHits(env).length > 0,
      showServerEnv: this.settings.showServerEnv
    };
  }

  /** The packages of an environment that match the filter text (as a package name). */
  packageHits(env: IEnvironment): IPackageHit[] {
    const search = this.packageSearch;
    return search.query && search.query === this.filter.trim() ? search.hitsFor(env) : [];
  }

  /** Set the filter text. */
  setFilter(text: string): Promise<void> {
    if (text !== this.filter) {
      this.filter = text;
      this._filterChanged.emit();
    }
    return this.packageSearch.search(text);
  }

  /** Apply new settings. */
  setSettings(settings: Partial<IPanelSettings>): void {
    this.settings = { ...this.settings, ...settings };
    if (!this.settings.driftChecks) {
      this.driftState.clear();
    }
    this._settingsChanged.emit();
  }

  /** Load the listing (`force`: forget the server's caches first), then what depends on it. */
  async refresh(force = false): Promise<void> {
    await this.listing.load(force);
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
    const first = !this.listing.hasEtag;
    if ((await this.listing.poll()) && !first) {
      await this.reloadContext();
    }
  }

  /** Follow the focused session (see `FocusFollower.setActive`). */
  setActive(
    kernelName: string | null,
    path: string,
    displayName = '',
    starting = false
  ): Promise<void> {
    return this.focus.setActive(kernelName, path, displayName, starting);
  }

  /** Follow the file browser's folder: it decides the project when no notebook is focused. */
  setBrowserPath(path: string): Promise<void> {
    return this.focus.setBrowserPath(path);
  }

  /** Ask again for everything that depends on the disk: the project, the active env, its drift. */
  reloadContext(): Promise<void> {
    return this.focus.reload();
  }

  /** Compare the followed notebook's record with the environment its kernel runs in now. */
  loadRanWith(generation?: number): Promise<void> {
    return this.focus.loadRanWith(generation);
  }

  /** Load the drift of the active environment (when drift checks are on). */
  loadDrift(generation?: number, showLoading = true): Promise<void> {
    return this.focus.loadDrift(generation, showLoading);
  }

  /** Register persistent kernelspecs for an environment, then list again. */
  register(env: string): Promise<void> {
    return this.outcomes.register(env);
  }

  /** Remove the persistent kernelspecs of an environment, then list again. */
  unregister(env: string): Promise<void> {
    return this.outcomes.unregister(env);
  }

  private readonly outcomes: ActionOutcomes;
  private readonly focus = new FocusFollower({
    activeSession: this.activeSession,
    projectState: this.projectState,
    driftState: this.driftState,
    ranWith: this.ranWith,
    driftChecks: () => this.settings.driftChecks
  });
  private _filterChanged = new Signal<this, void>(this);
  private _settingsChanged = new Signal<this, void>(this);
}
