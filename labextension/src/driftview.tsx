/**
 * The Drift section: missing and mismatched entries (driftentry.tsx; click: open the file at the
 * line), the commands that fix them (fixview.tsx), and a collapsed group of packages installed by
 * hand that the file does not list.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { ILockInfo, IUnrequested } from './api';
import { IPanelActions } from './actions';
import { CopyButton, FileLink, errorText } from './components';
import { Entry } from './driftentry';
import { FixNotes, Fixes } from './fixview';
import { withNodes } from './i18n';
import { JobButton } from './jobview';
import { EnvPanelModel } from './model';
import { SectionBody } from './section';
import { visible } from './visible';

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
            {withNodes(a => trans.__('%1 matches %2.', visible(report.environment.name), a), file)}
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
                visible(folder)
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
              visible(env.name),
              folder ? `${visible(folder)}/` : ''
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
  const env = lock.environment && lock.environment !== 'default' ? visible(lock.environment) : '';
  const [shownFile, platform] = [visible(file), visible(lock.platform)];
  return (
    <>
      {env || lock.platform ? (
        <p className="jp-EnvPanel-muted" data-lock-environment={lock.environment}>
          {env
            ? trans.__(
                '%1: environment %2, %3',
                shownFile,
                env,
                platform || trans.__('any platform')
              )
            : trans.__('%1: %2', shownFile, platform)}
        </p>
      ) : null}
      {lock.stale ? (
        <p className="jp-EnvPanel-warnText" data-lock-stale="">
          {visible(lock.stale)}
        </p>
      ) : null}
      {lock.unjudged ? (
        <p className="jp-EnvPanel-muted" data-lock-unjudged="">
          {visible(lock.unjudged)}
        </p>
      ) : null}
    </>
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
            <span className="jp-EnvPanel-spec">{visible(`${p.name} ${p.version}`)}</span>
            <span className="jp-EnvPanel-reason">{visible(p.source)}</span>
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
