/**
 * A pseudo-locale: a translator that wraps every string it translates in ⟦ ⟧, and a check that
 * finds text in the DOM that did not go through it (and is not data: names, paths, versions).
 */
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';

/** Joins the text nodes (not a letter: data at a node's edge stays a whole word). */
const SEP = '\u0002';
const OPEN = '⟦';
const CLOSE = '⟧';

function fmt(text: string, args: unknown[]): string {
  return text.replace(/%(\d+)/g, (_, n) => String(args[Number(n) - 1]));
}

/** A translator into the pseudo-locale; it remembers which domains were asked for. */
export class PseudoTranslator implements ITranslator {
  readonly languageCode = 'xx-PS';
  readonly domains = new Set<string>();

  load(domain: string): TranslationBundle {
    this.domains.add(domain);
    const wrap = (text: string) => `${OPEN}${text}${CLOSE}`;
    const plural = (one: string, many: string, n: number, args: unknown[]) =>
      wrap(fmt(n === 1 ? one : many, [n, ...args]));
    return {
      __: (msgid: string, ...args: unknown[]) => wrap(fmt(msgid, args)),
      gettext: (msgid: string, ...args: unknown[]) => wrap(fmt(msgid, args)),
      _n: (one: string, many: string, n: number, ...args: unknown[]) => plural(one, many, n, args),
      ngettext: (one: string, many: string, n: number, ...args: unknown[]) =>
        plural(one, many, n, args),
      _p: (_: string, msgid: string, ...args: unknown[]) => wrap(fmt(msgid, args)),
      pgettext: (_: string, msgid: string, ...args: unknown[]) => wrap(fmt(msgid, args)),
      _np: (_: string, one: string, many: string, n: number, ...args: unknown[]) =>
        plural(one, many, n, args),
      npgettext: (_: string, one: string, many: string, n: number, ...args: unknown[]) =>
        plural(one, many, n, args),
      dcnpgettext: (
        _d: string,
        _c: string,
        one: string,
        many: string,
        n: number,
        ...a: unknown[]
      ) => plural(one, many, n, a)
    } as TranslationBundle;
  }
}

/** Every string in a value (objects and arrays walked): the data a panel may show as is. */
export function stringsOf(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string' || typeof value === 'number') {
    out.add(String(value));
  } else if (Array.isArray(value)) {
    value.forEach(v => stringsOf(v, out));
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach(v => stringsOf(v, out));
  }
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Remove translated regions (innermost first), then data values, and return what is left. */
function untranslatedIn(text: string, data: string[]): string {
  let rest = text;
  for (let last = ''; last !== rest;) {
    last = rest;
    rest = rest.replace(/⟦[^⟦⟧]*⟧/g, ' ');
  }
  for (const value of data) {
    rest = rest.replace(new RegExp(`(?<!\\p{L})${escape(value)}(?!\\p{L})`, 'gu'), ' ');
  }
  return /\p{L}/u.test(rest) ? rest.split(SEP).join(' ').replace(/\s+/g, ' ').trim() : '';
}

/** Text (and shown attributes) under `root` that no translator call produced and that is not data. */
export function untranslated(root: Element, data: Set<string>): string[] {
  const values = [...data].filter(v => /\p{L}/u.test(v)).sort((a, b) => b.length - a.length);
  const texts: string[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    texts.push(node.nodeValue ?? '');
  }
  const found: string[] = [];
  const left = untranslatedIn(texts.join(SEP), values);
  if (left) {
    found.push(`text: ${left}`);
  }
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const attr of ['title', 'aria-label', 'placeholder']) {
      const value = el.getAttribute(attr);
      const rest = value ? untranslatedIn(value, values) : '';
      if (rest) {
        found.push(`${attr}: ${rest}`);
      }
    }
  }
  return found;
}
