/**
 * Which notebook or console the panel follows: the last one the user was in. Focusing an editor,
 * the file browser or the panel itself keeps it; closing it falls back to the next open one.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { ConsolePanel, IConsoleTracker } from '@jupyterlab/console';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

/** The notebook or console the panel follows. */
export interface IFollowed {
  /** The notebook or console panel. */
  widget: NotebookPanel | ConsolePanel;
  /** Its session context (kernel, status). */
  session: ISessionContext;
  /** Its path on the server. */
  path: string;
}

/** Follows the last focused notebook or console and its kernel changes. */
export class FollowedSession {
  constructor(
    private readonly notebooks: INotebookTracker | null,
    private readonly consoles: IConsoleTracker | null
  ) {
    notebooks?.currentChanged.connect((_, widget) => this.consider(widget), this);
    consoles?.currentChanged.connect((_, widget) => this.consider(widget), this);
  }

  /** Emitted when the followed session, its kernel or its path changes. */
  get changed(): ISignal<this, IFollowed | null> {
    return this._changed;
  }

  /** The followed notebook or console, null when none is open. */
  get current(): IFollowed | null {
    return this._current;
  }

  /** Follow a widget if it is a notebook or console; anything else keeps the current one. */
  consider(widget: Widget | null): void {
    const next = this.followedOf(widget);
    if (next && next.session !== this._current?.session) {
      this.follow(next);
    }
  }

  private followedOf(widget: Widget | null): IFollowed | null {
    if (!widget || widget.isDisposed) {
      return null;
    }
    const nb = this.notebooks?.find(w => w === widget);
    if (nb) {
      return { widget: nb, session: nb.sessionContext, path: nb.context.path };
    }
    const cons = this.consoles?.find(w => w === widget);
    if (cons) {
      return { widget: cons, session: cons.sessionContext, path: cons.sessionContext.path };
    }
    return null;
  }

  private follow(next: IFollowed | null): void {
    const old = this._current;
    old?.session.kernelChanged.disconnect(this.emit, this);
    old?.session.sessionChanged.disconnect(this.emit, this);
    old?.session.propertyChanged.disconnect(this.onProperty, this);
    old?.widget.disposed.disconnect(this.onDisposed, this);
    this._current = next;
    next?.session.kernelChanged.connect(this.emit, this);
    next?.session.sessionChanged.connect(this.emit, this);
    next?.session.propertyChanged.connect(this.onProperty, this);
    next?.widget.disposed.connect(this.onDisposed, this);
    if (next && !next.session.isReady) {
      void next.session.ready.then(() => {
        if (this._current === next) {
          this.emit();
        }
      });
    }
    this.emit();
  }

  private onProperty(_: ISessionContext, property: string): void {
    if (property === 'path' && this._current) {
      const widget = this._current.widget;
      this._current.path =
        widget instanceof NotebookPanel ? widget.context.path : this._current.session.path;
      this.emit();
    }
  }

  private onDisposed(): void {
    const alive = (w: Widget | null | undefined) =>
      w && !w.isDisposed && w !== this._current?.widget ? w : null;
    const fallback = alive(this.notebooks?.currentWidget) ?? alive(this.consoles?.currentWidget);
    this.follow(this.followedOf(fallback));
  }

  private emit(): void {
    this._changed.emit(this._current);
  }

  private _current: IFollowed | null = null;
  private _changed = new Signal<this, IFollowed | null>(this);
}
