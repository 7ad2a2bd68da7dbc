/**
 * Create environment.yml from this environment: asks first, writes next to the notebook through
 * the server (which never overwrites a file), then opens it.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';

import { IEnvPanelApi } from './api';
import { asApiError } from './types';

/** Ask, create the file, tell the user; resolves to the created file's path or null. */
export async function createEnvFile(
  api: IEnvPanelApi,
  env: string,
  notebookPath: string
): Promise<string | null> {
  const folder = notebookPath.includes('/')
    ? notebookPath.slice(0, notebookPath.lastIndexOf('/') + 1)
    : '';
  const result = await showDialog({
    title: 'Create environment.yml',
    body:
      `Write ${folder}environment.yml with ${env}'s name, its channels and the packages you ` +
      'asked for, pinned to their installed versions? An existing file is never replaced.',
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Create' })]
  });
  if (!result.button.accept) {
    return null;
  }
  try {
    const answer = await api.exportEnvFile(env, notebookPath);
    Notification.success(`Wrote ${answer.file} from ${env}.`, { autoClose: 5000 });
    return answer.file;
  } catch (error) {
    Notification.error(asApiError(error).message, { autoClose: 8000 });
    return null;
  }
}
