// tsconfig resolves modules the Node-10 way, which cannot see @vitejs/plugin-react's export-map
// types; this covers the one call static/vite.config.ts makes.
declare module '@vitejs/plugin-react' {
  const react: (options?: Record<string, unknown>) => unknown;
  export default react;
}

// The @atlaskit/tokens theme stylesheets (CSS text as a module's default export), loaded by theme.ts.
declare module '@atlaskit/tokens/dist/esm/artifacts/themes/*' {
  const css: string;
  export default css;
}
