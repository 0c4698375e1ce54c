/**
 * One Custom UI build for all four modules (manifest resource `ui` = static/dist).
 * `base: './'` keeps asset URLs relative: Forge serves the resource from a CDN path we do not know.
 * Written in TypeScript's CommonJS form because the package is CommonJS and Vite loads it as such
 * (ESM syntax here triggers Vite's config-loader warning on every build).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS import form, see above */
import path = require('node:path');
import pluginReact = require('@vitejs/plugin-react');

export = {
  root: __dirname,
  base: './',
  plugins: [pluginReact.default()],
  build: {
    outDir: path.join(__dirname, 'dist'),
    emptyOutDir: true,
    sourcemap: false,
  },
};
