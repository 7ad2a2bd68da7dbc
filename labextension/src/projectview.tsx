/**
 * The Project section: which environment this project wants, and whether the notebook runs in it.
 * States (`data-project-state`): none, checking (the notebook's kernel is being looked up),
 * active, exists, missing, error.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IProject, IProjectDrift } from './api';
import { IPanelActions } from './actions';
import { CopyButton, DriftBadge, FileLink, errorText } from './components';
import { withNodes } from './i18n';
import { JobButton } from './jobview';
import { EnvPanelModel } from './model';
import { SectionBody } from './section';
import { visible } from './visible';

/** The project card's state for the current answer. */
export type ProjectCardState = 'none' | 'checking' | 'active' | 'exists' | 'missing' | 'error';

/** Return the state the card shows, null when there is no answer yet. */
export function projectState(model: EnvPanelModel): ProjectCardState | null {
  const project = model.project;
  if (model.projectError) {
    return 'error';
  }
  if (!project) {
    return null;
  }
  if (!project.found) {
    return 'none';
  }
  if (!project.exists) {
    return 'missing';
  }
  if (model.active?.loading) {
    return 'checking';
  }
  return model.isActive(project.environment) ? 'active' : 'exists';
}

/** The Project section's body. */
export class ProjectBody extends SectionBody {
  constructor(
    private readonly model: EnvPanelModel,
    private readonly actions: IPanelActions,
    private readonly trans: TranslationBundle
  ) {
    super([model.projectState.changed, model.activeChanged, model.jobs.changed]);
  }

  isEmpty(): boolean {
    return projectState(this.model) === null;
  }

  protected content(): React.ReactElement | null {
    const { model, trans } = this;
    const state = projectState(model);
    const project = model.project;
    if (!state) {
      return null;
    }
    if (state === 'error' || !project) {
      return (
        <Card state="error">
          <p className="jp-EnvPanel-error">
            {trans.__(
              "Could not find the project's environment: %1",
              model.projectError ? errorText(model.projectError, trans) : ''
            )}
          </p>
        </Card>
      );
    }
    if (state === 'none') {
      return (
        <Card state="none">
          <p className="jp-EnvPanel-muted">
            {trans.__(
              'No project environment file here (%1).',
              visible(project.looked_for.join(', '))
            )}
          </p>
        </Card>
      );
    }
    return (
      <Card state={state} actions={model.jobs.allowed}>
        {this.headline(project)}
        {this.body(state, project)}
      </Card>
    );
  }

  private headline(project: IProject): React.ReactElement {
    const { trans, actions } = this;
    const name = (
      <strong title={visible(project.environment?.prefix ?? project.name ?? '')}>
        {visible(project.name ?? '')}
      </strong>
    );
    const file = (
      <span className="jp-EnvPanel-nowrap">
        (
        <FileLink
          file={project.file ?? ''}
          label={project.source ?? ''}
          trans={trans}
          onOpen={() => void actions.openFile(project.file ?? '', 1, 1)}
        />
        )
      </span>
    );
    return (
      <p className="jp-EnvPanel-projectTitle">
        {withNodes((a, b) => trans.__("This project's environment: %1 %2", a, b), name, file)}
      </p>
    );
  }

  private body(state: ProjectCardState, project: IProject): React.ReactNode {
    const { model, trans, actions } = this;
    const drift = project.drift;
    const name = visible(project.name ?? '');
    const badge = drift ? (
      <DriftBadge
        count={drift.drift_count}
        attr="data-project-drift"
        trans={trans}
        title={
          drift.lock
            ? trans.__(
                'Packages that differ from %1 (missing, another version or build, extra)',
                visible(drift.file)
              )
            : trans.__('Missing or mismatched entries of %1', visible(drift.file))
        }
      />
    ) : null;
    if (state === 'checking') {
      return <p className="jp-EnvPanel-muted">{trans.__("Looking up the notebook's kernel…")}</p>;
    }
    if (state === 'active') {
      return (
        <>
          <p className="jp-EnvPanel-ok">
            {trans.__('✓ Active: this notebook runs in it.')} {badge}
          </p>
          <StaleLock stale={drift?.lock?.stale} />
        </>
      );
    }
    if (state === 'exists') {
      const running = model.active?.environment;
      const where = running
        ? trans.__('This notebook runs in %1, not in %2.', visible(running.name), name)
        : model.active?.kernelName
          ? trans.__(
              'This notebook runs in an environment jupyter-envpanel did not find, not in %1.',
              name
            )
          : model.active
            ? trans.__('This notebook has no kernel.')
            : trans.__('It exists. Open a notebook to switch to it.');
      const kernel = project.kernel;
      const env = project.environment;
      return (
        <>
          <p className="jp-EnvPanel-warnText">{where}</p>
          {kernel && env && actions.canSwitch() ? (
            <button
              type="button"
              className="jp-EnvPanel-button jp-mod-accept"
              data-action="switch-project"
              title={trans.__('Switch the kernel to %1', visible(kernel.display_name))}
              onClick={() => void actions.switchKernel(kernel, env)}
            >
              {trans.__('Switch to %1', visible(env.name))}
            </button>
          ) : null}
          {!kernel && env ? (
            <p className="jp-EnvPanel-muted">
              {trans.__('It has no kernel: install ipykernel in it.')}
            </p>
          ) : null}
          {!kernel && env && model.jobs.allowed ? (
            <JobButton
              request={{ action: 'install-kernel', environment: env.name }}
              label={trans.__('Install ipykernel')}
              title={trans.__(
                'Install ipykernel into %1, after showing the command',
                visible(env.name)
              )}
              busy={!!model.jobs.running('install-kernel', env.name)}
              busyLabel={trans.__('Installing ipykernel…')}
              actions={actions}
              action="install-kernel"
            />
          ) : null}
          {drift ? (
            <p className="jp-EnvPanel-muted">
              {withNodes(b => trans.__('%1 vs %2: %3', name, visible(lockedFile(drift)), b), badge)}
            </p>
          ) : null}
          <StaleLock stale={drift?.lock?.stale} />
        </>
      );
    }
    const canRun = !!model.jobs.allowed;
    const creating = !!model.jobs.running('create', project.file ?? '');
    return (
      <>
        <p className="jp-EnvPanel-warnText">
          {!project.create.length
            ? trans.__('Not found among the listed environments.')
            : canRun
              ? trans.__('Not created yet. Create it here, or from the server root with:')
              : trans.__('Not created yet. Create it from the server root with:')}
        </p>
        {project.create.map(c => (
          <div key={c.command} className="jp-EnvPanel-command" data-tool={c.tool}>
            <code title={visible(c.command)}>{visible(c.command)}</code>
            <CopyButton
              text={c.command}
              trans={trans}
              action="copy-create"
              title={trans.__('Copy the command')}
              ariaLabel={trans.__('Copy the %1 command', c.tool)}
            />
            {canRun ? (
              <JobButton
                request={{ action: 'create', path: project.path, tool: c.tool }}
                label={trans.__('Create')}
                title={trans.__('Create %1 with %2, after showing the command', name, c.tool)}
                busy={creating}
                busyLabel={trans.__('Creating…')}
                actions={actions}
                action="create-env"
              />
            ) : null}
          </div>
        ))}
        {project.hint ? <p className="jp-EnvPanel-muted">{visible(project.hint)}</p> : null}
      </>
    );
  }
}

/** Why the project's lock is out of date with its manifest, when it is. */
function StaleLock(props: { stale?: string }): React.ReactElement | null {
  return props.stale ? (
    <p className="jp-EnvPanel-warnText" data-project-lock-stale="">
      {visible(props.stale)}
    </p>
  ) : null;
}

/** The file a project's drift compares with, and the lock environment when it is not the default. */
export function lockedFile(drift: IProjectDrift): string {
  const env = drift.lock?.environment;
  return env && env !== 'default' ? `${drift.file} [${env}]` : drift.file;
}

/** The card; `data-actions` says whether the server runs actions, once it said (a test hook). */
function Card(props: {
  state: ProjectCardState;
  actions?: boolean | null;
  children: React.ReactNode;
}): React.ReactElement {
  const known = props.actions !== null && props.actions !== undefined;
  return (
    <div
      className="jp-EnvPanel-card"
      data-project-state={props.state}
      data-actions={known ? String(props.actions) : undefined}
    >
      {props.children}
    </div>
  );
}
