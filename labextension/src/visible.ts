/**
 * Text from a user's files as the panel shows it: every character no one may see raw becomes an
 * escape (`\x1b`, `\u202e`), so a name holding a right-to-left override or a line break cannot make
 * the panel show something other than what is on disk ("Trojan Source").
 *
 * It mirrors the Python side's one rule, `UNSAFE` and `visible()` in
 * jupyter_envpanel/core/base/commands.py: the same characters, the same escapes (the panel does
 * not cut long text: CSS does). tests/repo/test_panel_escapes.py holds the two sets equal.
 * Only what is shown goes through it: a value copied, typed in a terminal or sent back to the
 * server stays exact.
 */

/** What no one may see raw: C0, DEL, C1, U+2028/U+2029, the bidirectional controls, the BOM. */
export const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Return text with every unsafe character shown as an escape: `\xNN` below U+0100, else `\uNNNN`. */
export function visible(text: string): string {
  return text.replace(UNSAFE, char => {
    const code = char.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
