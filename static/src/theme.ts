/**
 * Theming (SPEC §6: ADS tokens with the Forge theme, light and dark). `view.theme.enable()` asks the
 * host to apply its theme: Forge sets `data-color-mode` (and `data-theme`) on our <html> and keeps
 * them in step when the person switches theme. We ship the token CSS with the bundle (no external
 * host, so the resource's CSP needs nothing more than its inline styles), each colour mode in its
 * own chunk: a view loads only the mode the host shows, and the other one only if the person
 * switches theme while it is open. The stylesheets are the @atlaskit/tokens theme artifacts;
 * @atlaskit/tokens' own setGlobalTheme would add ~56 kB gz of loader code.
 */
import { view } from '@forge/bridge';

const THEME_IDS = 'light:light dark:dark spacing:spacing typography:typography shape:shape';

const COLOUR_SHEETS = {
  light: () => import('@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-light'),
  dark: () => import('@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-dark'),
};

const SHARED_SHEETS = [
  () => import('@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-spacing'),
  () => import('@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-typography'),
  () => import('@atlaskit/tokens/dist/esm/artifacts/themes/atlassian-shape'),
];

function addSheet(css: string): void {
  const style = document.createElement('style');
  style.setAttribute('data-approvalflow-tokens', '');
  style.textContent = css;
  document.head.appendChild(style);
}

const colourModeOf = (html: HTMLElement): keyof typeof COLOUR_SHEETS => (html.getAttribute('data-color-mode') === 'dark' ? 'dark' : 'light');

const loadedModes = new Set<string>();

async function addColourSheet(mode: keyof typeof COLOUR_SHEETS): Promise<void> {
  if (loadedModes.has(mode)) return;
  loadedModes.add(mode);
  addSheet((await COLOUR_SHEETS[mode]()).default);
}

export async function enableTheme(): Promise<void> {
  const html = document.documentElement;
  // A host without theming (or an old bridge) keeps the light default.
  await view.theme.enable().catch(() => undefined);
  if (!html.getAttribute('data-color-mode')) html.setAttribute('data-color-mode', 'light');
  // Our theme ids next to whatever the host set, so the shipped token CSS applies in either mode.
  const current = html.getAttribute('data-theme') ?? '';
  html.setAttribute('data-theme', `${current} ${THEME_IDS}`.trim());
  const shared = await Promise.all(SHARED_SHEETS.map((load) => load()));
  await addColourSheet(colourModeOf(html));
  for (const sheet of shared) addSheet(sheet.default);
  // The host switches theme live by changing the attribute: fetch the other mode then.
  new MutationObserver(() => void addColourSheet(colourModeOf(html))).observe(html, { attributes: true, attributeFilter: ['data-color-mode'] });
}
