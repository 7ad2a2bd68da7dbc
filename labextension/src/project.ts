/**
 * The Project card: which environment this project wants, and whether the notebook runs in it.
 * States (`data-project-state`): none, checking (the notebook's kernel is being looked up),
 * active, exists, missing, error.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { copyIcon } from '@jupyterlab/ui-components';

import { IProject } from './api';
import { IPanelActions } from './actions';
import { Child, button, h } from './dom';
import { EnvPanelModel } from './model';

/** The project card's state for the current answer. */
export type ProjectState = 'none' | 'checking' | 'active' | 'exists' | 'missing' | 'error';

/** Return the state the card shows. */
export function projectState(model: EnvPanelModel): ProjectState | null {
  const project = model.project;
  if (model.projectError) {
    return 'error';
  }
  if (!project) {
    return null;
  }
  if (!project.found) {
    return 'none';
  }
  if (!project.exists) {
    return 'missing';
  }
  if (model.active?.loading) {
    return 'checking';
  }
  return model.isActive(project.environment) ? 'active' : 'exists';
}

/** Render the Project section. */
export function renderProject(model: EnvPanelModel, actions: IPanelActions): Child[] {
  const state = projectState(model);
  const project = model.project;
  if (!state) {
    return [];
  }
  const title = h('h3', {}, 'Project');
  if (state === 'error' || !project) {
    const text = `Could not find the project's environment: ${model.projectError?.message ?? ''}`;
    return [title, card('error', h('p', { class: 'jp-EnvPanel-error' }, text))];
  }
  if (state === 'none') {
    const names = project.looked_for.join(', ');
    return [
      title,
      card(
        'none',
        h('p', { class: 'jp-EnvPanel-muted' }, `No project environment file here (${names}).`)
      )
    ];
  }
  return [title, card(state, headline(project, actions), ...body(state, project, model, actions))];
}

function card(state: ProjectState, ...children: Child[]): HTMLElement {
  return h('div', { class: 'jp-EnvPanel-card', 'data-project-state': state }, ...children);
}

function headline(project: IProject, actions: IPanelActions): HTMLElement {
  const file = h(
    'button',
    { type: 'button', class: 'jp-EnvPanel-link', title: `Open ${project.file}` },
    project.source ?? ''
  );
  file.addEventListener('click', () => void actions.openFile(project.file ?? '', 1, 1));
  return h(
    'p',
    { class: 'jp-EnvPanel-projectTitle' },
    "This project's environment: ",
    h('strong', { title: project.environment?.prefix ?? project.name ?? '' }, project.name ?? ''),
    ' (',
    file,
    ')'
  );
}

function body(
  state: ProjectState,
  project: IProject,
  model: EnvPanelModel,
  actions: IPanelActions
): Child[] {
  const drift = project.drift;
  const driftNote = drift
    ? h(
        'span',
        {
          class: `jp-EnvPanel-badge ${drift.drift_count ? 'jp-mod-warn' : 'jp-mod-ok'}`,
          'data-project-drift': String(drift.drift_count),
          title: `Missing or mismatched entries of ${drift.file}`
        },
        drift.drift_count ? `${drift.drift_count} drift` : 'in sync'
      )
    : null;
  if (state === 'checking') {
    return [h('p', { class: 'jp-EnvPanel-muted' }, "Looking up the notebook's kernel…")];
  }
  if (state === 'active') {
    return [h('p', { class: 'jp-EnvPanel-ok' }, '✓ Active: this notebook runs in it. ', driftNote)];
  }
  if (state === 'exists') {
    const running = model.active?.environment;
    const where = running
      ? `This notebook runs in ${running.name}, not in ${project.name}.`
      : model.active?.kernelName
        ? `This notebook runs in an environment jupyter-envpanel did not find, not in ${project.name}.`
        : model.active
          ? `This notebook has no kernel.`
          : 'It exists. Open a notebook to switch to it.';
    const kernel = project.kernel;
    const env = project.environment;
    const switchButton =
      kernel && env && actions.canSwitch()
        ? button(
            `Switch to ${env.name}`,
            {
              'data-action': 'switch-project',
              title: `Switch the kernel to ${kernel.display_name}`,
              class: 'jp-EnvPanel-button jp-mod-accept'
            },
            () => void actions.switchKernel(kernel, env)
          )
        : null;
    const noKernel =
      !kernel && env
        ? h('p', { class: 'jp-EnvPanel-muted' }, 'It has no kernel: install ipykernel in it.')
        : null;
    const driftLine = drift
      ? h('p', { class: 'jp-EnvPanel-muted' }, `${project.name} vs ${drift.file}: `, driftNote)
      : null;
    return [h('p', { class: 'jp-EnvPanel-warnText' }, where), switchButton, noKernel, driftLine];
  }
  const commands = project.create.map(c =>
    h(
      'div',
      { class: 'jp-EnvPanel-command', 'data-tool': c.tool },
      h('code', { title: c.command }, c.command),
      button(
        copyIcon.element({ tag: 'span' }),
        { title: 'Copy the command', 'aria-label': `Copy the ${c.tool} command` },
        () => Clipboard.copyToSystem(c.command)
      )
    )
  );
  return [
    h(
      'p',
      { class: 'jp-EnvPanel-warnText' },
      commands.length
        ? 'Not created yet. Create it from the server root with:'
        : 'Not found among the listed environments.'
    ),
    ...commands,
    project.hint ? h('p', { class: 'jp-EnvPanel-muted' }, project.hint) : null
  ];
}
