/**
 * The "All environments" section: a filter box (names, kinds, paths, Python versions, and
 * installed packages) over one row per environment with Switch and Register / Unregister.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { caretRightIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IPanelActions } from './actions';
import { IEnvironment } from './api';
import { errorText } from './components';
import { withNodes } from './i18n';
import { EnvPanelModel } from './model';
import { EnvRow } from './rowview';
import { SectionBody } from './section';
import { visible } from './visible';

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
      model.settingsChanged,
      model.jobs.changed
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
            ? trans.__('No environments found — looked in %1.', visible(searched.join(', ')))
            : trans.__('No environments found.')}
        </p>
      );
    }
    const { environments, interpreters } = model.groups;
    if (!environments.length && !interpreters.length) {
      return (
        <p className="jp-EnvPanel-muted">
          {trans.__('No environment matches “%1”.', visible(model.filter))}
        </p>
      );
    }
    return (
      <EnvList
        model={model}
        actions={actions}
        trans={trans}
        environments={environments}
        interpreters={interpreters}
      />
    );
  }
}

/** Props of the list proper. */
interface IEnvListProps {
  model: EnvPanelModel;
  actions: IPanelActions;
  trans: TranslationBundle;
  environments: IEnvironment[];
  interpreters: IEnvironment[];
}

/**
 * The rows, then the interpreters without ipykernel in a collapsed group (open while a filter
 * is typed, so matches show). When the filter's results are below the fold, the section scrolls
 * up to show them.
 */
function EnvList(props: IEnvListProps): React.ReactElement {
  const { model, actions, trans, environments, interpreters } = props;
  const [open, setOpen] = React.useState(false);
  const list = React.useRef<HTMLDivElement>(null);
  const filtering = !!model.filter.trim();
  const expanded = open || filtering;
  React.useEffect(() => {
    if (filtering && list.current) {
      showResults(list.current);
    }
  }, [model.filter, model.packageSearch.query]);
  const canSwitch = actions.canSwitch();
  const row = (env: IEnvironment) => (
    <EnvRow
      key={env.prefix}
      env={env}
      active={model.isActive(env)}
      project={model.isProject(env)}
      hits={model.packageHits(env)}
      canSwitch={canSwitch}
      canRun={!!model.jobs.allowed}
      installing={!!model.jobs.running('install-kernel', env.name)}
      actions={actions}
      model={model}
      trans={trans}
    />
  );
  const n = interpreters.length;
  return (
    <div ref={list}>
      {environments.length ? (
        <ul className="jp-EnvPanel-list" aria-label={trans.__('Environments')}>
          {environments.map(row)}
        </ul>
      ) : null}
      {n ? (
        <div className="jp-EnvPanel-group" data-interpreter-count={String(n)}>
          <button
            type="button"
            className="jp-EnvPanel-groupToggle"
            data-action="toggle-interpreters"
            aria-expanded={expanded}
            disabled={filtering}
            title={trans.__(
              'Plain Python installations: install ipykernel in one to use it as a kernel'
            )}
            onClick={() => setOpen(!open)}
          >
            <caretRightIcon.react
              tag="span"
              className={`jp-EnvPanel-caret${expanded ? ' jp-mod-expanded' : ''}`}
            />
            {trans._n(
              '%1 Python interpreter without ipykernel',
              '%1 Python interpreters without ipykernel',
              n
            )}
          </button>
          {expanded ? (
            <ul
              className="jp-EnvPanel-list"
              aria-label={trans.__('Python interpreters without ipykernel')}
            >
              {interpreters.map(row)}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** Scroll the panel so the section's first result shows, when it is below the visible part. */
function showResults(list: HTMLElement): void {
  const scroller = list.closest<HTMLElement>('.jp-SidePanel-content');
  const first = list.querySelector<HTMLElement>('[data-env-name]');
  const section = list.closest<HTMLElement>('.jp-EnvPanel-section');
  if (!scroller || !first || !section) {
    return;
  }
  const view = scroller.getBoundingClientRect();
  if (first.getBoundingClientRect().bottom > view.bottom) {
    scroller.scrollTop += section.getBoundingClientRect().top - view.top;
  }
}
