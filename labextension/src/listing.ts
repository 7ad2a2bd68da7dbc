/**
 * The list of environments as the server answered it: loaded on demand, refreshed by the live
 * poll with the last ETag (a 304 changes nothing and emits nothing).
 */
import { ISignal, Signal } from '@lumino/signaling';

import { EnvPanelApiError, IEnvPanelApi, IEnvironment, IListing } from './api';
import { asApiError } from './types';

/** The listing part of the panel's state. */
export class ListingState {
  /** @param api The REST calls. */
  constructor(private readonly api: IEnvPanelApi) {}

  /** Emitted when the environments, the warnings, the loading flag or the error change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Every environment from the last listing. */
  environments: IEnvironment[] = [];
  /** Listing-level warnings. */
  warnings: string[] = [];
  /** Places the server looked in. */
  searched: string[] = [];
  /** True while the listing loads. */
  loading = false;
  /** The listing error, if the last listing failed. */
  error: EnvPanelApiError | null = null;

  /** Whether a listing was taken already (the next poll's answer is news). */
  get hasEtag(): boolean {
    return !!this._etag;
  }

  /** Load the listing (`force`: forget the server's caches first). */
  async load(force = false): Promise<void> {
    this.loading = true;
    this._changed.emit();
    try {
      if (force) {
        this.take(await this.api.refresh(), '');
      } else {
        const answer = await this.api.pollEnvironments('');
        this.take(answer.listing ?? { environments: [], warnings: [] }, answer.etag);
      }
      this.error = null;
    } catch (error) {
      this.error = asApiError(error);
    } finally {
      this.loading = false;
      this._changed.emit();
    }
  }

  /**
   * Ask the server whether anything changed; resolve true when a new listing came. Rejects on
   * failure (keeping what it had) so the caller's poll backs off.
   */
  async poll(): Promise<boolean> {
    const answer = await this.api.pollEnvironments(this._etag);
    if (!answer.listing) {
      return false;
    }
    this.take(answer.listing, answer.etag);
    this.error = null;
    this._changed.emit();
    return true;
  }

  private take(listing: IListing, etag: string): void {
    this.environments = listing.environments;
    this.warnings = listing.warnings;
    this.searched = listing.searched ?? [];
    this._etag = etag;
  }

  private _etag = '';
  private _changed = new Signal<this, void>(this);
}
