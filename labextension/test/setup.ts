// What jsdom lacks and JupyterLab's packages use when imported or rendered.
if (typeof window !== 'undefined') {
  const g = globalThis as any;
  g.requestIdleCallback ??= (cb: () => void) => setTimeout(cb, 0);
  g.DragEvent ??= class DragEvent extends MouseEvent {};
  window.matchMedia ??= (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false
    }) as MediaQueryList;
}

// React's act() warns unless the environment says it is a test
(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;
