/**
 * Create environment.yml from this environment: asks first, writes next to the notebook through
 * the server (which never overwrites a file), then opens it.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';

import { TranslationBundle } from '@jupyterlab/translation';

import { IEnvPanelApi } from './api';
import { asApiError } from './types';
import { visible } from './visible';

/** Ask, create the file, tell the user; resolves to the created file's path or null. */
export async function createEnvFile(
  api: IEnvPanelApi,
  env: string,
  notebookPath: string,
  trans: TranslationBundle
): Promise<string | null> {
  const folder = notebookPath.includes('/')
    ? notebookPath.slice(0, notebookPath.lastIndexOf('/') + 1)
    : '';
  const result = await showDialog({
    title: trans.__('Create environment.yml'),
    body: trans.__(
      "Write %1environment.yml with %2's name, its channels and the packages you asked for, pinned to their installed versions? An existing file is never replaced.",
      visible(folder),
      visible(env)
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Create') })
    ]
  });
  if (!result.button.accept) {
    return null;
  }
  try {
    const answer = await api.exportEnvFile(env, notebookPath);
    Notification.success(trans.__('Wrote %1 from %2.', visible(answer.file), visible(env)), {
      autoClose: 5000
    });
    return answer.file;
  } catch (error) {
    Notification.error(visible(asApiError(error).message), { autoClose: 8000 });
    return null;
  }
}
