/**
 * The Jobs section: each action the server runs for the panel, with a progress bar (determinate
 * when the tool prints a percentage), the tool's last line always visible, its whole output in a
 * collapsible log, the elapsed time and Cancel; once it ended, how (exit code and first error
 * line when it failed). Also the button that starts an action, shown where its command is.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IJobRequest } from './api';
import { IPanelActions } from './actions';
import { IJobView, JobsState } from './jobstate';
import { formatElapsed, jobFailure, jobTitle, lastLine } from './jobtext';
import { SectionBody } from './section';
import { visible } from './visible';

/** The Jobs section's body: hidden while there is no job to show. */
export class JobsBody extends SectionBody {
  constructor(
    private readonly jobs: JobsState,
    private readonly trans: TranslationBundle
  ) {
    super([jobs.changed, jobs.progressed]);
  }

  isEmpty(): boolean {
    return this.jobs.views.length === 0;
  }

  protected content(): React.ReactElement | null {
    const { jobs, trans } = this;
    const views = jobs.views;
    if (!views.length) {
      return null;
    }
    return (
      <>
        {views.map(view => (
          <JobCard
            key={view.job.id}
            view={view}
            trans={trans}
            onCancel={() => void jobs.cancel(view.job.id).catch(() => undefined)}
            onDismiss={() => jobs.dismiss(view.job.id)}
          />
        ))}
      </>
    );
  }
}

/** One job: headline, progress, last line, log, elapsed time, Cancel (or Dismiss once ended). */
export function JobCard(props: {
  view: IJobView;
  trans: TranslationBundle;
  onCancel: () => void;
  onDismiss: () => void;
}): React.ReactElement {
  const { view, trans } = props;
  const job = view.job;
  const running = job.state === 'running' && !view.lost;
  const failure = jobFailure(job, trans);
  const last = lastLine(view.output);
  return (
    <div
      className="jp-EnvPanel-card jp-EnvPanel-job"
      data-job-id={job.id}
      data-job-action={job.action}
      data-job-state={job.state}
    >
      <p className="jp-EnvPanel-jobTitle">{jobTitle(job, trans)}</p>
      <ProgressBar view={view} trans={trans} />
      <div className="jp-EnvPanel-jobMeta">
        <span data-job-elapsed={String(job.elapsed)} title={trans.__('Elapsed time')}>
          {formatElapsed(job.elapsed)}
        </span>
        {job.steps > 1 ? (
          <span className="jp-EnvPanel-muted">
            {trans.__('step %1 of %2', job.step + 1, job.steps)}
          </span>
        ) : null}
        <span className="jp-EnvPanel-spacer" />
        {running ? (
          <button
            type="button"
            className="jp-EnvPanel-button jp-mod-warn"
            data-action="cancel-job"
            disabled={view.cancelling}
            title={trans.__('Stop the tool and everything it started')}
            onClick={props.onCancel}
          >
            {view.cancelling ? trans.__('Cancelling…') : trans.__('Cancel')}
          </button>
        ) : (
          <button
            type="button"
            className="jp-EnvPanel-button"
            data-action="dismiss-job"
            title={trans.__('Stop showing this job here')}
            onClick={props.onDismiss}
          >
            {trans.__('Dismiss')}
          </button>
        )}
      </div>
      {failure ? (
        <p className="jp-EnvPanel-error" role="alert" data-job-error={String(job.exit_code)}>
          {failure}
        </p>
      ) : null}
      {job.note && job.state !== 'failed' ? (
        <p className="jp-EnvPanel-muted" data-job-note="">
          {visible(job.note)}
        </p>
      ) : null}
      {view.lost ? (
        <p className="jp-EnvPanel-error" data-job-lost="">
          {trans.__('Lost track of this job: %1', visible(view.lost))}
        </p>
      ) : null}
      <code className="jp-EnvPanel-jobCommand" title={visible(job.command)}>
        {visible(job.command)}
      </code>
      <div className="jp-EnvPanel-jobLast" data-job-last="" title={last}>
        {last || (running ? trans.__('Waiting for output…') : trans.__('No output.'))}
      </div>
      <JobLog view={view} trans={trans} />
    </div>
  );
}

/** Determinate when the tool printed a percentage, indeterminate otherwise; full when it succeeded. */
function ProgressBar(props: { view: IJobView; trans: TranslationBundle }): React.ReactElement {
  const { job } = props.view;
  const percent = job.state === 'succeeded' ? 100 : job.progress;
  const known = percent !== null && percent !== undefined;
  const moving = job.state === 'running' && !props.view.lost;
  const classes = [
    'jp-EnvPanel-progress',
    known ? '' : moving ? 'jp-mod-indeterminate' : 'jp-mod-stopped',
    `jp-mod-${job.state}`
  ];
  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      role="progressbar"
      aria-label={props.trans.__('Progress')}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={known ? percent : undefined}
      data-progress={known ? String(percent) : 'indeterminate'}
    >
      <div
        className="jp-EnvPanel-progressFill"
        style={known ? { width: `${Math.max(0, Math.min(100, percent))}%` } : undefined}
      />
    </div>
  );
}

/** The whole output, collapsed; it follows the end while the reader is at the end. */
function JobLog(props: { view: IJobView; trans: TranslationBundle }): React.ReactElement {
  const { view, trans } = props;
  const pre = React.useRef<HTMLPreElement>(null);
  const atEnd = React.useRef(true);
  React.useLayoutEffect(() => {
    const node = pre.current;
    if (node && atEnd.current) {
      node.scrollTop = node.scrollHeight;
    }
  }, [view.output]);
  const lines = view.output ? view.output.replace(/\n$/, '').split('\n').length : 0;
  return (
    <details className="jp-EnvPanel-jobLog" open={view.job.state === 'failed' || undefined}>
      <summary>{trans._n('Output (%1 line)', 'Output (%1 lines)', lines)}</summary>
      {view.truncated ? (
        <p className="jp-EnvPanel-muted">
          {trans.__("Older output is not shown; the server's log file keeps all of it.")}
        </p>
      ) : null}
      <pre
        ref={pre}
        className="jp-EnvPanel-jobOutput"
        data-job-output=""
        tabIndex={0}
        onScroll={event => {
          const node = event.currentTarget;
          atEnd.current = node.scrollTop + node.clientHeight >= node.scrollHeight - 4;
        }}
      >
        {view.output}
      </pre>
    </details>
  );
}

/** The button that asks the server to run an action (after a confirmation with the command). */
export function JobButton(props: {
  request: IJobRequest;
  label: string;
  title: string;
  busy: boolean;
  busyLabel: string;
  actions: IPanelActions;
  action: string;
}): React.ReactElement {
  return (
    <button
      type="button"
      className="jp-EnvPanel-button jp-mod-accept"
      data-action={props.action}
      data-job-tool={props.request.tool || undefined}
      disabled={props.busy}
      title={props.title}
      onClick={() => void props.actions.runJob(props.request)}
    >
      {props.busy ? props.busyLabel : props.label}
    </button>
  );
}
