/**
 * Before the server runs anything: ask, showing the exact command it built (its preview), where it
 * runs, and for a new kernel whether to switch the notebook to it when it is ready.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IEnvPanelApi, IJobPreview, IJobRequest } from './api';
import { JobsState } from './jobstate';
import { jobQuestion } from './jobtext';
import { asApiError } from './types';
import { visible } from './visible';

/** The user's answer: go ahead (and switch when ready), or not. */
export interface IJobConsent {
  /** Switch the followed notebook to the environment's kernel when the job succeeded. */
  switchWhenReady: boolean;
}

/** The dialog's body: what will run, exactly, and how. */
export function JobConfirmBody(props: {
  preview: IJobPreview;
  trans: TranslationBundle;
}): React.ReactElement {
  const { preview, trans } = props;
  return (
    <div className="jp-EnvPanel-jobConfirm">
      <p>{trans.__('The server will run, from its root folder and without a shell:')}</p>
      <pre className="jp-EnvPanel-jobCommand" data-job-preview={preview.command}>
        {visible(preview.command)}
      </pre>
      <p className="jp-EnvPanel-muted">
        {trans.__('You can follow its output in the Environments panel, and cancel it there.')}
      </p>
    </div>
  );
}

/**
 * Ask before running an action. `offerSwitch`: a notebook is followed and the action gives an
 * environment a kernel, so "switch when ready" is offered. Resolve null when the user declined.
 */
export async function confirmJob(
  preview: IJobPreview,
  offerSwitch: boolean,
  trans: TranslationBundle
): Promise<IJobConsent | null> {
  const result = await showDialog({
    title: jobQuestion(preview, trans),
    body: <JobConfirmBody preview={preview} trans={trans} />,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Run') })
    ],
    checkbox: offerSwitch
      ? {
          label: trans.__('Switch this notebook to it when ready'),
          caption: trans.__("Change the notebook's kernel once the job succeeded"),
          checked: false
        }
      : null
  });
  if (!result.button.accept) {
    return null;
  }
  return { switchWhenReady: offerSwitch && !!result.isChecked };
}

/**
 * Ask the server for the exact command, ask the user, then start the job (the Jobs section
 * follows it). With actions off on this server, say so and leave the commands to copy.
 */
export async function askAndRun(
  api: IEnvPanelApi,
  jobs: JobsState,
  request: IJobRequest,
  followed: boolean,
  trans: TranslationBundle
): Promise<void> {
  let preview: IJobPreview;
  try {
    preview = await api.previewJob(request);
  } catch (error) {
    Notification.error(visible(asApiError(error).message), { autoClose: 8000 });
    return;
  }
  jobs.setAllowed(preview.allowed);
  if (!preview.allowed) {
    Notification.warning(visible(preview.message), { autoClose: 8000 });
    return;
  }
  const consent = await confirmJob(preview, followed && request.action !== 'update', trans);
  if (!consent) {
    return;
  }
  try {
    await jobs.start(request, consent.switchWhenReady);
  } catch (error) {
    Notification.error(visible(asApiError(error).message), { autoClose: 8000 });
  }
}
