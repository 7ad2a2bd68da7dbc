/**
 * The building block of the panel: a section is a `PanelWithToolbar` (its title and actions in
 * the toolbar) holding a `SectionBody`, a React widget that re-renders only when one of the
 * signals it was given emits. A section with nothing to show hides itself.
 */
import { PanelWithToolbar, ReactWidget, Toolbar } from '@jupyterlab/ui-components';
import { ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

/** A section's content: rendered from the model, updated by the signals it depends on. */
export abstract class SectionBody extends ReactWidget {
  /** @param signals The signals whose emissions change what this body shows. */
  constructor(readonly signals: ISignal<unknown, unknown>[]) {
    super();
    this.addClass('jp-EnvPanel-sectionBody');
    for (const signal of signals) {
      signal.connect(this.update, this);
    }
  }

  /** How many times this body rendered (tests count them: a keystroke re-renders one body). */
  get renders(): number {
    return this._renders;
  }

  /** Whether there is nothing to show: the section hides. */
  abstract isEmpty(): boolean;

  /** The content, as React elements. */
  protected abstract content(): React.ReactElement | null;

  /** Render the content (counted). */
  render(): React.ReactElement | null {
    this._renders++;
    return this.content();
  }

  private _renders = 0;
}

/** Options of a section. */
export interface ISectionOptions {
  /** The section's translated title (also its accessible name). */
  title: string;
  /** What it shows. */
  body: SectionBody;
  /** Screen readers announce its changes (`aria-live="polite"`). */
  live?: boolean;
  /** Widgets for the section's toolbar, after the title. */
  actions?: [string, Widget][];
}

/** A titled section of the panel. */
export class Section extends PanelWithToolbar {
  constructor(options: ISectionOptions) {
    super();
    this.body = options.body;
    this.addClass('jp-EnvPanel-section');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', options.title);
    if (options.live) {
      this.node.setAttribute('aria-live', 'polite');
    }
    this.title.label = options.title;
    const heading = new Widget({ node: document.createElement('h3') });
    heading.addClass('jp-EnvPanel-sectionTitle');
    heading.node.textContent = options.title;
    this.toolbar.addClass('jp-EnvPanel-sectionToolbar');
    this.toolbar.addItem('title', heading);
    this.toolbar.addItem('spacer', Toolbar.createSpacerItem());
    for (const [name, widget] of options.actions ?? []) {
      this.toolbar.addItem(name, widget);
    }
    this.addWidget(this.toolbar);
    this.addWidget(this.body);
    for (const signal of this.body.signals) {
      signal.connect(this.showOrHide, this);
    }
    this.showOrHide();
  }

  /** The section's content. */
  readonly body: SectionBody;

  private showOrHide(): void {
    this.setHidden(this.body.isEmpty());
  }
}
