/**
 * The Drift section: missing and mismatched entries (click: open the file at the line), the
 * commands that fix them, and a collapsed group of packages installed by hand that the file does
 * not list.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IFixCommand, IFixNote, ILockInfo, IRequirementStatus, IUnrequested } from './api';
import { IPanelActions } from './actions';
import { CopyButton, FileLink, errorText } from './components';
import { withNodes } from './i18n';
import { JobButton } from './jobview';
import { EnvPanelModel } from './model';
import { SectionBody } from './section';

/** The Drift section's body. */
export class DriftBody extends SectionBody {
  constructor(
    private readonly model: EnvPanelModel,
    private readonly actions: IPanelActions,
    private readonly trans: TranslationBundle
  ) {
    super([
      model.driftState.changed,
      model.activeChanged,
      model.settingsChanged,
      model.jobs.changed
    ]);
  }

  isEmpty(): boolean {
    const { model } = this;
    const drift = model.driftState;
    return (
      !model.settings.driftChecks ||
      !model.active?.environment ||
      (!drift.report && !drift.error && !drift.loading)
    );
  }

  protected content(): React.ReactElement | null {
    const { model, actions, trans } = this;
    const drift = model.driftState;
    if (this.isEmpty()) {
      return null;
    }
    if (drift.loading && !drift.report) {
      return (
        <p className="jp-EnvPanel-muted">{trans.__('Comparing with the environment file…')}</p>
      );
    }
    if (drift.error?.status === 404) {
      return this.noFile();
    }
    if (drift.error) {
      return (
        <p className="jp-EnvPanel-error" role="alert">
          {errorText(drift.error, trans)}
        </p>
      );
    }
    const report = drift.report;
    if (!report) {
      return null;
    }
    const file = (
      <FileLink
        file={report.file}
        trans={trans}
        onOpen={() => void actions.openFile(report.file, 1, 1)}
      />
    );
    const entries = drift.entries;
    const lock = report.lock;
    return (
      <>
        {lock ? <LockNote lock={lock} file={report.file} trans={trans} /> : null}
        {entries.length || lock?.stale ? (
          <>
            <p className="jp-EnvPanel-muted">
              {withNodes(a => trans.__('Compared with %1', a), file)}
            </p>
            <ul className="jp-EnvPanel-drift" aria-label={trans.__('Drift entries')}>
              {entries.map(r => (
                <Entry key={`${r.file}:${r.line}:${r.column}`} entry={r} {...this.props()} />
              ))}
            </ul>
            <Fixes
              fixes={report.fix_commands ?? []}
              update={this.updateButton()}
              {...this.props()}
            />
            <FixNotes notes={report.fix_notes ?? []} trans={trans} />
          </>
        ) : lock?.unjudged ? null : (
          <p className="jp-EnvPanel-ok">
            {withNodes(a => trans.__('%1 matches %2.', report.environment.name, a), file)}
          </p>
        )}
        <Unrequested packages={report.unrequested} yaml={report.unrequested_yaml} trans={trans} />
      </>
    );
  }

  /**
   * Update to match, when the server runs actions and the notebook runs in the project's own
   * environment (the server updates the project's environment, so only then is it this one).
   */
  private updateButton(): React.ReactNode {
    const { model, actions, trans } = this;
    const env = model.active?.environment;
    if (!model.jobs.allowed || !env || !model.isProject(env) || !model.active) {
      return null;
    }
    return (
      <JobButton
        request={{ action: 'update', path: model.active.path }}
        label={trans.__('Update to match')}
        title={trans.__('Run these commands on the server, after showing them')}
        busy={!!model.jobs.running('update', env.name)}
        busyLabel={trans.__('Updating…')}
        actions={actions}
        action="update-env"
      />
    );
  }

  private props(): { actions: IPanelActions; trans: TranslationBundle } {
    return { actions: this.actions, trans: this.trans };
  }

  /** No environment file yet: the normal state of a new project, with the next step. */
  private noFile(): React.ReactElement {
    const { model, actions, trans } = this;
    const env = model.active?.environment;
    const path = model.active?.path ?? '';
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    return (
      <>
        <p className="jp-EnvPanel-muted" data-no-envfile={folder || '.'}>
          {folder
            ? trans.__(
                'No environment.yml or lock file in %1/ or above: nothing to compare with yet.',
                folder
              )
            : trans.__(
                'No environment.yml or lock file in this folder or above: nothing to compare with yet.'
              )}
        </p>
        {env ? (
          <button
            type="button"
            className="jp-EnvPanel-button"
            data-action="create-envfile"
            title={trans.__(
              "Write %1's requested packages, pinned, to %2environment.yml",
              env.name,
              folder ? `${folder}/` : ''
            )}
            onClick={() => void actions.createEnvFile(env.name, path)}
          >
            {trans.__('Create environment.yml from this environment')}
          </button>
        ) : null}
      </>
    );
  }
}

/** What a lock adds to a report: which of its environments, a stale lock, nothing judged. */
export function LockNote(props: {
  lock: ILockInfo;
  file: string;
  trans: TranslationBundle;
}): React.ReactElement | null {
  const { lock, file, trans } = props;
  const env = lock.environment && lock.environment !== 'default' ? lock.environment : '';
  return (
    <>
      {env || lock.platform ? (
        <p className="jp-EnvPanel-muted" data-lock-environment={lock.environment}>
          {env
            ? trans.__(
                '%1: environment %2, %3',
                file,
                env,
                lock.platform || trans.__('any platform')
              )
            : trans.__('%1: %2', file, lock.platform)}
        </p>
      ) : null}
      {lock.stale ? (
        <p className="jp-EnvPanel-warnText" data-lock-stale="">
          {lock.stale}
        </p>
      ) : null}
      {lock.unjudged ? (
        <p className="jp-EnvPanel-muted" data-lock-unjudged="">
          {lock.unjudged}
        </p>
      ) : null}
    </>
  );
}

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
      <span className="jp-EnvPanel-spec">{r.spec}</span>
      <span className="jp-EnvPanel-reason">{r.reason}</span>
    </li>
  );
}

/** One missing or mismatched entry: click or Enter opens the file at its line. */
function Entry(props: {
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
      title={trans.__('Open %1 at line %2', r.file, r.line)}
      onClick={open}
      onKeyDown={event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          open();
        }
      }}
    >
      <span className={`jp-EnvPanel-status jp-mod-${r.status}`}>{status}</span>
      <span className="jp-EnvPanel-spec">{r.spec}</span>
      <span className="jp-EnvPanel-reason">
        {r.installed ? trans.__('installed %1: %2', r.installed, r.reason) : r.reason}
      </span>
    </li>
  );
}

/** The commands that fix the drift: Copy, or Open in Terminal (typed at the prompt, not run). */
function Fixes(props: {
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
          <code className="jp-EnvPanel-command" title={fix.entries.join(', ')}>
            {fix.command}
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
function FixNotes(props: {
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
          <code className="jp-EnvPanel-command">{note.entries.join(' ')}</code>
          <p className="jp-EnvPanel-reason">{note.reason}</p>
        </div>
      ))}
    </div>
  );
}

/** Installed by hand, not in the file: collapsed, with the lines to paste into the file. */
function Unrequested(props: {
  packages: IUnrequested[];
  yaml: string;
  trans: TranslationBundle;
}): React.ReactElement | null {
  const { packages, yaml, trans } = props;
  if (!packages.length) {
    return null;
  }
  const n = packages.length;
  return (
    <details className="jp-EnvPanel-unrequested" data-unrequested-count={String(n)}>
      <summary>
        {trans._n(
          '%1 installed by hand, not in the file',
          '%1 installed by hand, not in the file',
          n
        )}
      </summary>
      <ul className="jp-EnvPanel-drift" aria-label={trans.__('Installed by hand')}>
        {packages.map(p => (
          <li key={p.name} className="jp-EnvPanel-entry" data-drift-status="unrequested">
            <span className="jp-EnvPanel-spec">{`${p.name} ${p.version}`}</span>
            <span className="jp-EnvPanel-reason">{p.source}</span>
          </li>
        ))}
      </ul>
      <CopyButton
        text={yaml}
        trans={trans}
        action="copy-unrequested"
        label={trans.__('Copy as environment.yml lines')}
        title={trans.__('Pinned dependency lines to paste into the file')}
      />
    </details>
  );
}
