/**
 * The filter box also finds packages: which environments have a package named like the text,
 * and which version, as the server answered. The answer to the latest text wins.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { IEnvPanelApi, IEnvironment, IPackageHit } from './api';
import { asApiError } from './types';

/** The package part of the filter. */
export class PackageSearch {
  /**
   * @param api The REST calls.
   * @param delay Milliseconds to wait for more typing before asking the server.
   */
  constructor(
    private readonly api: IEnvPanelApi,
    public delay = 250
  ) {}

  /** Emitted when the answer changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The text the hits answer (trimmed); empty when there are none. */
  query = '';
  /** Matches by environment prefix. */
  hits = new Map<string, IPackageHit[]>();
  /** True when the server left matches out (a very short query). */
  truncated = false;
  /** Why the last search failed. */
  error: string | null = null;

  /** The packages that matched in one environment. */
  hitsFor(env: IEnvironment): IPackageHit[] {
    return this.hits.get(env.prefix) ?? [];
  }

  /** Search for the filter text: one word of two characters or more is a package name. */
  async search(text: string): Promise<void> {
    const query = text.trim();
    const ticket = ++this._ticket;
    if (query.length < 2 || /\s/.test(query)) {
      if (this.query || this.error) {
        [this.query, this.hits, this.truncated, this.error] = ['', new Map(), false, null];
        this._changed.emit();
      }
      return;
    }
    await new Promise(resolve => setTimeout(resolve, this.delay));
    if (ticket !== this._ticket) {
      return; // the user typed on
    }
    try {
      const answer = await this.api.packages(query);
      if (ticket !== this._ticket) {
        return;
      }
      const hits = new Map<string, IPackageHit[]>();
      for (const hit of answer.matches) {
        hits.set(hit.prefix, [...(hits.get(hit.prefix) ?? []), hit]);
      }
      [this.query, this.hits, this.truncated, this.error] = [query, hits, answer.truncated, null];
    } catch (caught) {
      if (ticket !== this._ticket) {
        return;
      }
      [this.query, this.hits, this.error] = ['', new Map(), asApiError(caught).message];
    }
    this._changed.emit();
  }

  private _ticket = 0;
  private _changed = new Signal<this, void>(this);
}
