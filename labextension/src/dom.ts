/**
 * Small DOM helpers for the panel (no framework: the panel is a few lists and buttons).
 */

/** Anything `h` accepts as a child; empty values are skipped. */
export type Child = Node | string | null | undefined | false;

/** Create an element with attributes and children. */
export function h(
  tag: string,
  attrs: Record<string, string | boolean> = {},
  ...children: Child[]
): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false) {
      continue;
    }
    el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) {
    if (child) {
      el.append(child);
    }
  }
  return el;
}

/** Replace an element's children, skipping empty ones. */
export function fill(el: HTMLElement, children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => !!c));
}

/** A button with a click handler. */
export function button(
  label: Child,
  attrs: Record<string, string | boolean>,
  onClick: () => void
): HTMLElement {
  const el = h('button', { type: 'button', class: 'jp-EnvPanel-button', ...attrs }, label);
  el.addEventListener('click', event => {
    event.stopPropagation();
    onClick();
  });
  return el;
}
