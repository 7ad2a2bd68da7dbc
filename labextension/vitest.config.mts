import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.{ts,tsx}'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    // JupyterLab's packages import their SVG icons as modules: let Vite load them
    server: { deps: { inline: [/@jupyterlab\//, /@jupyter\//] } }
  }
});
