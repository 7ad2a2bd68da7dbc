/**
 * Which environments the list shows for a filter text, and in which order. Pure functions of
 * the listing: the model and the list view share them.
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

/** Whether an environment matches every word of the filter (name, label, kind, prefix, Python). */
export function matchesWords(env: IEnvironment, words: string[]): boolean {
  const text = [env.name, env.label ?? '', env.kind, env.prefix, env.python_version ?? '']
    .join(' ')
    .toLowerCase();
  return words.every(word => text.includes(word));
}

/** The environments the list shows for a filter text: the project's first. */
export function filterEnvironments(
  envs: IEnvironment[],
  filter: string,
  ctx: IListContext
): IEnvironment[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = envs.filter(env => {
    if (env.is_server && !ctx.showServerEnv && !ctx.isProject(env)) {
      return false;
    }
    return matchesWords(env, words) || ctx.hasPackageHit(env);
  });
  return shown.filter(e => ctx.isProject(e)).concat(shown.filter(e => !ctx.isProject(e)));
}
