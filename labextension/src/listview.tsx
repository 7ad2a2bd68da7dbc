/**
 * The "All environments" section: a filter box (names, kinds, paths, Python versions, and
 * installed packages) over one row per environment with Switch and Register / Unregister.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IPanelActions } from './actions';
import { errorText } from './components';
import { withNodes } from './i18n';
import { EnvPanelModel } from './model';
import { EnvRow } from './rowview';
import { SectionBody } from './section';

/** The command that enables the server extension (a command: never translated). */
const ENABLE_SERVER = 'jupyter server extension enable jupyter_envpanel';

/** The All environments section's body. */
export class ListBody extends SectionBody {
  constructor(
    private readonly model: EnvPanelModel,
    private readonly actions: IPanelActions,
    private readonly trans: TranslationBundle
  ) {
    super([
      model.listing.changed,
      model.filterChanged,
      model.packageSearch.changed,
      model.activeChanged,
      model.projectState.changed,
      model.settingsChanged
    ]);
  }

  isEmpty(): boolean {
    return false;
  }

  protected content(): React.ReactElement {
    const { model, trans } = this;
    return (
      <>
        <input
          className="jp-EnvPanel-filter jp-mod-styled"
          type="search"
          defaultValue={model.filter}
          placeholder={trans.__('Filter environments')}
          aria-label={trans.__('Filter environments')}
          onChange={event => void model.setFilter(event.currentTarget.value)}
        />
        <div className="jp-EnvPanel-listWrap">{this.list()}</div>
      </>
    );
  }

  private list(): React.ReactNode {
    const { model, actions, trans } = this;
    if (model.serverMissing) {
      const command = <code>{ENABLE_SERVER}</code>;
      return (
        <div className="jp-EnvPanel-error" role="alert">
          {withNodes(
            a =>
              trans.__(
                'The jupyter-envpanel server extension is not enabled. Run %1 and restart JupyterLab.',
                a
              ),
            command
          )}
        </div>
      );
    }
    if (model.error) {
      return (
        <div className="jp-EnvPanel-error" role="alert">
          {trans.__('Could not list environments: %1', errorText(model.error, trans))}
        </div>
      );
    }
    if (model.listing.loading && !model.environments.length) {
      return <p className="jp-EnvPanel-muted">{trans.__('Looking for environments…')}</p>;
    }
    if (!model.environments.length) {
      const searched = model.listing.searched;
      return (
        <p className="jp-EnvPanel-muted">
          {searched.length
            ? trans.__('No environments found — looked in %1.', searched.join(', '))
            : trans.__('No environments found.')}
        </p>
      );
    }
    const envs = model.filtered;
    if (!envs.length) {
      return (
        <p className="jp-EnvPanel-muted">
          {trans.__('No environment matches “%1”.', model.filter)}
        </p>
      );
    }
    const canSwitch = actions.canSwitch();
    return (
      <ul className="jp-EnvPanel-list" aria-label={trans.__('Environments')}>
        {envs.map(env => (
          <EnvRow
            key={env.prefix}
            env={env}
            active={model.isActive(env)}
            project={model.isProject(env)}
            hits={model.packageHits(env)}
            canSwitch={canSwitch}
            actions={actions}
            model={model}
            trans={trans}
          />
        ))}
      </ul>
    );
  }
}
