/**
 * The "Since this notebook ran" section: the notebook's record of what it ran with, compared with
 * the environment its kernel runs in now, naming both.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { INotebookReport } from './api';
import { EnvPanelModel } from './model';
import { SectionBody } from './section';
import { visible } from './visible';

/** The "Since this notebook ran" section's body. */
export class RanWithBody extends SectionBody {
  constructor(
    private readonly model: EnvPanelModel,
    private readonly trans: TranslationBundle
  ) {
    super([model.ranWith.changed]);
  }

  isEmpty(): boolean {
    const state = this.model.ranWith;
    return !state.error && !state.report?.recorded;
  }

  protected content(): React.ReactElement | null {
    const { trans } = this;
    const state = this.model.ranWith;
    if (state.error) {
      return (
        <p className="jp-EnvPanel-error" role="alert">
          {visible(state.error)}
        </p>
      );
    }
    const report = state.report;
    const ran = report?.recorded;
    if (!report || !ran) {
      return null;
    }
    const current = report.environment?.name ?? '';
    const [now, was] = [visible(current), visible(ran.environment)];
    const python = visible(ran.python || '?');
    const n = report.count;
    const data = {
      'data-ran-with-count': String(n),
      'data-ran-with-env': ran.environment,
      'data-compared-env': current
    };
    if (!n) {
      return (
        <p className="jp-EnvPanel-ok" {...data}>
          {!current
            ? trans.__('Ran with %1 (Python %2).', was, python)
            : current === ran.environment
              ? trans.__('Ran with %1 (Python %2): same packages in %1 now.', was, python)
              : trans.__(
                  'Ran with %1 (Python %2); the kernel now runs in %3, with the same packages.',
                  was,
                  python,
                  now
                )}
        </p>
      );
    }
    return (
      <>
        <p className="jp-EnvPanel-muted" {...data}>
          {current === ran.environment
            ? trans._n(
                'Ran with %2; %1 difference in %2 now:',
                'Ran with %2; %1 differences in %2 now:',
                n,
                was
              )
            : trans._n(
                'Ran with %2; the kernel now runs in %3, %1 difference:',
                'Ran with %2; the kernel now runs in %3, %1 differences:',
                n,
                was,
                now
              )}
        </p>
        <ul
          className="jp-EnvPanel-drift"
          aria-label={trans.__('Differences since the notebook ran')}
        >
          {report.differences.map(d => (
            <li key={d.name} className="jp-EnvPanel-entry" data-ran-with={d.name}>
              <span className="jp-EnvPanel-reason">{differenceText(d, trans)}</span>
            </li>
          ))}
        </ul>
      </>
    );
  }
}

/** One difference in words (the server's `text`, translated). */
function differenceText(
  d: INotebookReport['differences'][number],
  trans: TranslationBundle
): string {
  const [name, recorded, current] = [d.name, d.recorded ?? '', d.current ?? ''].map(visible);
  if (d.what === 'python') {
    return trans.__('Python %1 → %2', recorded, current);
  }
  if (d.what === 'missing') {
    return trans.__('%1 %2: missing now', name, recorded);
  }
  return trans.__('%1: ran with %2, now %3', name, recorded, current);
}
