/**
 * One entry of the Drift section: a missing or mismatched entry (click or Enter: open the file at
 * its line), or an installed package a lock does not hold.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IRequirementStatus } from './api';
import { IPanelActions } from './actions';
import { visible } from './visible';

/** The word a drift status is shown with. */
function statusWord(status: string, trans: TranslationBundle): string {
  if (status === 'missing') {
    return trans.__('missing');
  }
  return status === 'extra' ? trans.__('extra') : trans.__('mismatch');
}

/** An installed package a lock does not hold: nothing to open, it is in no file. */
function ExtraEntry(props: {
  entry: IRequirementStatus;
  trans: TranslationBundle;
}): React.ReactElement {
  const { entry: r, trans } = props;
  return (
    <li className="jp-EnvPanel-entry" data-drift-status="extra">
      <span className="jp-EnvPanel-status jp-mod-extra">{statusWord('extra', trans)}</span>
      <span className="jp-EnvPanel-spec">{visible(r.spec)}</span>
      <span className="jp-EnvPanel-reason">{visible(r.reason)}</span>
    </li>
  );
}

/** One missing or mismatched entry: click or Enter opens the file at its line. */
export function Entry(props: {
  entry: IRequirementStatus;
  actions: IPanelActions;
  trans: TranslationBundle;
}): React.ReactElement {
  const { entry: r, actions, trans } = props;
  if (r.status === 'extra') {
    return <ExtraEntry entry={r} trans={trans} />;
  }
  const open = () => void actions.openFile(r.file, r.line, r.column);
  const status = statusWord(r.status, trans);
  return (
    <li
      className="jp-EnvPanel-entry jp-mod-clickable"
      data-drift-status={r.status}
      tabIndex={0}
      role="button"
      title={trans.__('Open %1 at line %2', visible(r.file), r.line)}
      onClick={open}
      onKeyDown={event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          open();
        }
      }}
    >
      <span className={`jp-EnvPanel-status jp-mod-${r.status}`}>{status}</span>
      <span className="jp-EnvPanel-spec">{visible(r.spec)}</span>
      <span className="jp-EnvPanel-reason">
        {r.installed
          ? trans.__('installed %1: %2', visible(r.installed), visible(r.reason))
          : visible(r.reason)}
      </span>
    </li>
  );
}
