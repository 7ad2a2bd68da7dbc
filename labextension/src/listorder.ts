/**
 * Which environments the list shows for a filter text, and in which order: the project's and the
 * active environment first, then the server's own and `base`, then the others by name with
 * numbers compared as numbers (3.6 before 3.10); plain Python interpreters without ipykernel
 * apart, in a group of their own. Pure functions of the listing: the model and the view share them.
 */
import { IEnvironment } from './api';

/** What the order needs to know about an environment beyond its own fields. */
export interface IListContext {
  /** Whether it is the project's environment. */
  isProject(env: IEnvironment): boolean;
  /** Whether the followed session's kernel runs in it. */
  isActive(env: IEnvironment): boolean;
  /** Whether a package named like the filter text is installed in it. */
  hasPackageHit(env: IEnvironment): boolean;
  /** Whether the server's own environment is listed. */
  showServerEnv: boolean;
}

/** The list in two parts: environments, and interpreters without ipykernel. */
export interface IListGroups {
  /** Environments (and interpreters with a kernel, or pinned as project or active). */
  environments: IEnvironment[];
  /** Plain Python interpreters without ipykernel: nothing to switch to until it is installed. */
  interpreters: IEnvironment[];
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Whether an environment matches every word of the filter (name, label, kind, prefix, Python). */
export function matchesWords(env: IEnvironment, words: string[]): boolean {
  const text = [env.name, env.label ?? '', env.kind, env.prefix, env.python_version ?? '']
    .join(' ')
    .toLowerCase();
  return words.every(word => text.includes(word));
}

/** Sort rank: the project's, the active one, the server's own, `base`, then the rest. */
function rank(env: IEnvironment, ctx: IListContext): number {
  if (ctx.isProject(env)) {
    return 0;
  }
  if (ctx.isActive(env)) {
    return 1;
  }
  if (env.is_server) {
    return 2;
  }
  return env.kind === 'conda' && env.name === 'base' ? 3 : 4;
}

/** The environments the list shows for a filter text, in the list's order. */
export function filterEnvironments(
  envs: IEnvironment[],
  filter: string,
  ctx: IListContext
): IEnvironment[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return envs
    .filter(env => {
      if (env.is_server && !ctx.showServerEnv && !ctx.isProject(env)) {
        return false;
      }
      return matchesWords(env, words) || ctx.hasPackageHit(env);
    })
    .map(env => ({ env, rank: rank(env, ctx) }))
    .sort((a, b) => a.rank - b.rank || byName.compare(a.env.name, b.env.name))
    .map(({ env }) => env);
}

/** Put plain interpreters without ipykernel apart (never the project's, the active or the server's). */
export function groupInterpreters(envs: IEnvironment[], ctx: IListContext): IListGroups {
  const apart = (env: IEnvironment) =>
    !!env.interpreter &&
    !env.kernels.length &&
    !env.is_server &&
    !ctx.isProject(env) &&
    !ctx.isActive(env);
  return {
    environments: envs.filter(env => !apart(env)),
    interpreters: envs.filter(apart)
  };
}
