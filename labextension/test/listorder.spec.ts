import { describe, expect, it } from 'vitest';

import { IEnvironment } from '../src/api';
import { IListContext, filterEnvironments, groupInterpreters } from '../src/listorder';
import { env } from './fakes';

function context(extra: Partial<IListContext> = {}): IListContext {
  return {
    isProject: () => false,
    isActive: () => false,
    hasPackageHit: () => false,
    showServerEnv: true,
    ...extra
  };
}

const names = (envs: IEnvironment[]) => envs.map(e => e.name);

describe('the order of the list', () => {
  it('sorts names with their numbers as numbers: 3.6 before 3.10', () => {
    const envs = ['3.10.4', 'py311', '3.6.15', 'py39', '3.12.1', 'Alpha', 'beta'].map(n => env(n));
    expect(names(filterEnvironments(envs, '', context()))).toEqual([
      '3.6.15',
      '3.10.4',
      '3.12.1',
      'Alpha',
      'beta',
      'py39',
      'py311'
    ]);
  });

  it("puts the project's environment first, then the active one, the server's and base", () => {
    const envs = [
      env('zeta'),
      env('base'),
      env('.venv', { is_server: true, kind: 'venv' }),
      env('alpha'),
      env('proj')
    ];
    const ctx = context({
      isProject: e => e.name === 'proj',
      isActive: e => e.name === 'zeta'
    });
    expect(names(filterEnvironments(envs, '', ctx))).toEqual([
      'proj',
      'zeta',
      '.venv',
      'base',
      'alpha'
    ]);
  });

  it('keeps the matches of every word of the filter, and the environments with the package', () => {
    const envs = [env('ml'), env('web', { python_version: '3.12.1' }), env('data')];
    const ctx = context({ hasPackageHit: e => e.name === 'data' });
    expect(names(filterEnvironments(envs, 'conda 3.12', ctx))).toEqual(['data', 'web']);
  });
});

describe('interpreters without ipykernel are grouped apart', () => {
  const bare = (name: string, extra: Partial<IEnvironment> = {}) =>
    env(name, { kind: 'pyenv', interpreter: true, kernels: [], ...extra });

  it('only plain interpreters with no kernel, never the project, the active or the server', () => {
    const envs = [
      bare('3.12.1'),
      bare('3.11.7', { kernels: env('x').kernels }), // it has ipykernel: an environment
      env('novenv', { kernels: [] }), // an environment without a kernel stays in the list
      bare('python3.11', { kind: 'system', is_server: true }),
      bare('3.10.4'),
      bare('3.9.1')
    ];
    const ctx = context({ isProject: e => e.name === '3.10.4', isActive: e => e.name === '3.9.1' });
    const groups = groupInterpreters(envs, ctx);
    expect(names(groups.interpreters)).toEqual(['3.12.1']);
    expect(names(groups.environments)).toEqual([
      '3.11.7',
      'novenv',
      'python3.11',
      '3.10.4',
      '3.9.1'
    ]);
  });
});
