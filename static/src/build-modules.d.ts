// The @atlaskit/tokens theme stylesheets (CSS text as a module's default export), loaded by theme.ts.
declare module '@atlaskit/tokens/dist/esm/artifacts/themes/*' {
  const css: string;
  export default css;
}
