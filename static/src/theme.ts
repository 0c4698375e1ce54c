/**
 * Theming (SPEC §6: ADS tokens with the Forge theme, light and dark). `view.theme.enable()` asks the
 * host to apply its theme: Forge sets `data-color-mode` (and `data-theme`) on our <html> and keeps
 * them in step when the person switches theme. We ship the token CSS of both modes with the bundle
 * (no external host, so the resource's CSP needs nothing more than its inline styles), so the
 * host's attribute alone switches the colours, live. The stylesheets are the @atlaskit/tokens
 * theme artifacts; @atlaskit/tokens' own setGlobalTheme would add ~56 kB gz of loader code.
 */
import { view } from '@forge/bridge';

const THEME_IDS = 'light:light dark:dark spacing:spacing typography:typography shape:shape';

async function tokenCss(): Promise<string[]> {
  const sheets = await Promise.all([
    import('@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-light'),
    import('@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-dark'),
    import('@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-spacing'),
    import('@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-typography'),
    import('@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-shape'),
  ]);
  return sheets.map((m) => m.default);
}

export async function enableTheme(): Promise<void> {
  const html = document.documentElement;
  // A host without theming (or an old bridge) keeps the light default.
  await view.theme.enable().catch(() => undefined);
  if (!html.getAttribute('data-color-mode')) html.setAttribute('data-color-mode', 'light');
  // Our theme ids next to whatever the host set, so the shipped token CSS applies in either mode.
  const current = html.getAttribute('data-theme') ?? '';
  html.setAttribute('data-theme', `${current} ${THEME_IDS}`.trim());
  for (const css of await tokenCss()) {
    const style = document.createElement('style');
    style.setAttribute('data-approvalflow-tokens', '');
    style.textContent = css;
    document.head.appendChild(style);
  }
}
