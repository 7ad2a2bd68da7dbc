/**
 * How to fix the drift: the commands that fix it (copy, or open in a terminal typed at the prompt,
 * never run), and the entries that get no command, each group with the reason.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IFixCommand, IFixNote } from './api';
import { IPanelActions } from './actions';
import { CopyButton } from './components';
import { visible } from './visible';

/** The commands that fix the drift: Copy, or Open in Terminal (typed at the prompt, not run). */
export function Fixes(props: {
  fixes: IFixCommand[];
  update: React.ReactNode;
  actions: IPanelActions;
  trans: TranslationBundle;
}): React.ReactElement | null {
  const { fixes, actions, trans } = props;
  if (!fixes.length) {
    return null;
  }
  const terminal = actions.canOpenTerminal();
  return (
    <div className="jp-EnvPanel-fixes" aria-label={trans.__('Fix the drift')}>
      <p className="jp-EnvPanel-muted">
        {props.update
          ? trans.__('To fix it, update it here, or run (nothing is installed until you do):')
          : trans.__('To fix it, run (nothing is installed until you do):')}
      </p>
      {props.update}
      {fixes.map(fix => (
        <div
          key={fix.command}
          className="jp-EnvPanel-fix"
          data-fix-tool={fix.tool}
          data-fix-command={fix.command}
        >
          <code className="jp-EnvPanel-command" title={visible(fix.entries.join(', '))}>
            {visible(fix.command)}
          </code>
          <div className="jp-EnvPanel-fixActions">
            <CopyButton
              text={fix.command}
              trans={trans}
              action="copy-fix"
              label={trans.__('Copy')}
              title={trans.__('Copy the command')}
            />
            {terminal ? (
              <button
                type="button"
                className="jp-EnvPanel-button"
                data-action="terminal-fix"
                title={trans.__('Open a terminal with the command typed; press Enter to run it')}
                onClick={() => void actions.typeInTerminal(fix.command)}
              >
                {trans.__('Open in Terminal')}
              </button>
            ) : null}
          </div>
        </div>
      ))}
    </div>
  );
}

/** Entries that get no command, each group with the reason (text only: nothing to copy or run). */
export function FixNotes(props: {
  notes: IFixNote[];
  trans: TranslationBundle;
}): React.ReactElement | null {
  const { notes, trans } = props;
  if (!notes.length) {
    return null;
  }
  const count = notes.reduce((n, note) => n + note.entries.length, 0);
  return (
    <div className="jp-EnvPanel-fixNotes" aria-label={trans.__('Entries without a command')}>
      <p className="jp-EnvPanel-muted">
        {trans._n('No command for %1 entry:', 'No command for %1 entries:', count)}
      </p>
      {notes.map(note => (
        <div
          key={`${note.reason}\n${note.entries.join('\n')}`}
          className="jp-EnvPanel-fixNote"
          data-fix-note={note.needs || 'text'}
        >
          <code className="jp-EnvPanel-command">{visible(note.entries.join(' '))}</code>
          <p className="jp-EnvPanel-reason">{visible(note.reason)}</p>
        </div>
      ))}
    </div>
  );
}
