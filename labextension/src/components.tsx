/**
 * Small React pieces the sections share: a Copy button that says it copied, the drift badge,
 * a file link, and an error's text.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { checkIcon, copyIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { EnvPanelApiError } from './api';
import { visible } from './visible';

/** How long a Copy button shows that it copied, in milliseconds. */
export const COPIED_MS = 2000;

/** Props of a Copy button. */
export interface ICopyButtonProps {
  /** What goes to the clipboard. */
  text: string;
  /** The extension's translations. */
  trans: TranslationBundle;
  /** The button's tooltip. */
  title: string;
  /** A text label; without one the button is a copy icon. */
  label?: string;
  /** The accessible name (defaults to the title). */
  ariaLabel?: string;
  /** `data-action`, a stable hook for tests. */
  action?: string;
}

/** Copy to the clipboard, then say so for a moment (the label, the icon and a live region). */
export function CopyButton(props: ICopyButtonProps): React.ReactElement {
  const { trans } = props;
  const [copied, setCopied] = React.useState(false);
  React.useEffect(() => {
    if (!copied) {
      return;
    }
    const timer = setTimeout(() => setCopied(false), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  const done = trans.__('Copied');
  const Icon = copied ? checkIcon.react : copyIcon.react;
  return (
    <button
      type="button"
      className={`jp-EnvPanel-button${copied ? ' jp-mod-copied' : ''}`}
      data-action={props.action}
      data-copied={copied ? 'true' : undefined}
      title={copied ? done : props.title}
      aria-label={props.ariaLabel ?? props.title}
      onClick={event => {
        event.stopPropagation();
        Clipboard.copyToSystem(props.text);
        setCopied(true);
      }}
    >
      {props.label ? copied ? done : props.label : <Icon tag="span" />}
      <span className="jp-EnvPanel-srOnly" aria-live="polite">
        {copied ? done : ''}
      </span>
    </button>
  );
}

/** The drift badge: missing + mismatch, as the server counts it. */
export function DriftBadge(props: {
  count: number;
  title: string;
  trans: TranslationBundle;
  attr?: 'data-drift-count' | 'data-project-drift';
}): React.ReactElement {
  const { count, trans } = props;
  const data = { [props.attr ?? 'data-drift-count']: String(count) };
  return (
    <span
      className={`jp-EnvPanel-badge ${count ? 'jp-mod-warn' : 'jp-mod-ok'}`}
      title={props.title}
      {...data}
    >
      {count === 0 ? trans.__('in sync') : trans._n('%1 drift', '%1 drift', count)}
    </span>
  );
}

/** A file name that opens the file (shown escaped, opened exact). */
export function FileLink(props: {
  file: string;
  label?: string;
  trans: TranslationBundle;
  onOpen: () => void;
}): React.ReactElement {
  return (
    <button
      type="button"
      className="jp-EnvPanel-link"
      title={props.trans.__('Open %1', visible(props.file))}
      onClick={props.onOpen}
    >
      {visible(props.label ?? props.file)}
    </button>
  );
}

/** An error's text, escaped: the server's message, or why the server could not be reached. */
export function errorText(error: EnvPanelApiError, trans: TranslationBundle): string {
  const message = visible(error.message);
  return error.unreachable ? trans.__('cannot reach the server: %1', message) : message;
}
