/**
 * What a job is called, in words, in each state, and what the notification says when it ends.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { IJob, IJobAction, JobActionName, JobStateName } from './api';
import { visible } from './visible';

type Phrases = Record<JobStateName, string>;

/** One sentence per action and state (whole sentences, so translators can order the words). */
function phrases(action: JobActionName, job: IJob, trans: TranslationBundle): Phrases {
  const [env, target, tool] = [job.environment, job.target, job.tool].map(visible);
  if (action === 'create') {
    return {
      running: trans.__('Creating %1 with %2…', env, tool),
      succeeded: trans.__('Created %1.', env),
      failed: trans.__('Creating %1 failed.', env),
      cancelled: trans.__('Creating %1 was cancelled.', env),
      interrupted: trans.__('Creating %1 was interrupted.', env)
    };
  }
  if (action === 'update') {
    return {
      running: trans.__('Updating %1 to match %2…', env, target),
      succeeded: trans.__('Updated %1 to match %2.', env, target),
      failed: trans.__('Updating %1 failed.', env),
      cancelled: trans.__('Updating %1 was cancelled.', env),
      interrupted: trans.__('Updating %1 was interrupted.', env)
    };
  }
  return {
    running: trans.__('Installing ipykernel into %1…', env),
    succeeded: trans.__('Installed ipykernel into %1.', env),
    failed: trans.__('Installing ipykernel into %1 failed.', env),
    cancelled: trans.__('Installing ipykernel into %1 was cancelled.', env),
    interrupted: trans.__('Installing ipykernel into %1 was interrupted.', env)
  };
}

/** The confirmation's question for an action about to run. */
export function jobQuestion(action: IJobAction, trans: TranslationBundle): string {
  const [env, target, tool] = [action.environment, action.target, action.tool].map(visible);
  if (action.action === 'create') {
    return trans.__('Create %1 with %2?', env, tool);
  }
  if (action.action === 'update') {
    return trans.__('Update %1 to match %2?', env, target);
  }
  return trans.__('Install ipykernel into %1?', env);
}

/** The job's headline in its state. */
export function jobTitle(job: IJob, trans: TranslationBundle): string {
  return phrases(job.action, job, trans)[job.state] ?? job.state;
}

/** The failure's exit code and first error line (empty unless it failed). */
export function jobFailure(job: IJob, trans: TranslationBundle): string {
  if (job.state !== 'failed') {
    return '';
  }
  if (job.exit_code === null) {
    return visible(job.note) || job.error_line;
  }
  return job.error_line
    ? trans.__('Exit code %1: %2', job.exit_code, job.error_line)
    : trans.__('Exit code %1', job.exit_code);
}

/** What the notification says when a job ended, and its kind. */
export function jobNotice(
  job: IJob,
  trans: TranslationBundle
): { message: string; type: 'success' | 'error' | 'info' } {
  const title = jobTitle(job, trans);
  if (job.state === 'succeeded') {
    return { message: title, type: 'success' };
  }
  if (job.state === 'failed') {
    return { message: `${title} ${jobFailure(job, trans)}`, type: 'error' };
  }
  if (job.state === 'interrupted') {
    return { message: job.note ? `${title} ${visible(job.note)}` : title, type: 'error' };
  }
  return { message: title, type: 'info' };
}

/** Seconds as `m:ss` (or `h:mm:ss`). */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const ss = String(r).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The last line of output that has text (what the tool says now). */
export function lastLine(output: string): string {
  const lines = output.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].trim()) {
      return lines[i];
    }
  }
  return '';
}
