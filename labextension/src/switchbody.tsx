/**
 * What a switch would lose, and the confirmation that says so.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

/** What a switch would lose: a running cell and the variables of executed cells. */
export interface IAtStake {
  /** The kernel is running something. */
  busy: boolean;
  /** Executed code cells (notebook) or inputs (console) whose variables would be lost. */
  executed: number;
}

/** The confirmation's body: what is lost, what stays. */
export function SwitchBody(props: {
  stake: IAtStake;
  from: string;
  to: string;
  trans: TranslationBundle;
}): React.ReactElement {
  const { stake, from, to, trans } = props;
  return (
    <div className="jp-EnvPanel-confirm">
      {stake.busy ? (
        <p>{trans.__('The kernel is busy: the running cell will be interrupted.')}</p>
      ) : null}
      {stake.executed ? (
        <p>
          {trans._n(
            'Variables from %1 executed cell will be lost: the kernel of %2 starts empty.',
            'Variables from %1 executed cells will be lost: the kernel of %2 starts empty.',
            stake.executed,
            to
          )}
        </p>
      ) : null}
      <p>
        {trans.__(
          'Outputs stay in the notebook. Undo switches back to %1, but not to its state.',
          from
        )}
      </p>
    </div>
  );
}
