/**
 * Translation: every word the extension shows goes through JupyterLab's translator, in the
 * extension's own domain (language packs ship a `jupyter_envpanel` catalogue).
 */
import { ITranslator, TranslationBundle, nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';

/** The gettext domain of jupyter-envpanel's strings. */
export const DOMAIN = 'jupyter_envpanel';

/** The extension's bundle from a translator (the null translator when there is none). */
export function bundleOf(translator: ITranslator | null | undefined): TranslationBundle {
  return (translator ?? nullTranslator).load(DOMAIN);
}

const MARK = '\u0001';

/**
 * Put React nodes into a translated sentence: `translate` receives one marker per node and
 * passes them as the message's %1, %2, ...; each marker is then replaced by its node. So a
 * translator can move the name or the link anywhere in the sentence.
 *
 *     withNodes((a, b) => trans.__('Compared with %1 in %2', a, b), <Link/>, <strong/>)
 */
export function withNodes(
  translate: (...markers: string[]) => string,
  ...nodes: React.ReactNode[]
): React.ReactNode[] {
  const text = translate(...nodes.map((_, i) => `${MARK}${i}${MARK}`));
  return text
    .split(new RegExp(`${MARK}(\\d+)${MARK}`))
    .map((part, i) =>
      i % 2 ? <React.Fragment key={i}>{nodes[Number(part)]}</React.Fragment> : part
    );
}
