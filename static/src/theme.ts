/**
 * Theming (SPEC §6: ADS tokens with the Forge theme, light and dark). `view.theme.enable()` asks the
 * host to apply its theme: Forge sets `data-color-mode` on our <html>. The token CSS for that mode
 * is then loaded by @atlaskit/tokens (bundled chunks, no external host), and reloaded whenever the
 * host switches mode while the view is open.
 */
import { view } from '@forge/bridge';
import { setGlobalTheme } from '@atlaskit/tokens/set-global-theme';

function hostColorMode(): 'light' | 'dark' {
  return document.documentElement.getAttribute('data-color-mode') === 'dark' ? 'dark' : 'light';
}

async function applyTokens(): Promise<void> {
  await setGlobalTheme({ colorMode: hostColorMode(), light: 'light', dark: 'dark', spacing: 'spacing', typography: 'typography', shape: 'shape' });
}

export async function enableTheme(): Promise<void> {
  // A host without theming (or an old bridge) keeps the light default.
  await view.theme.enable().catch(() => undefined);
  await applyTokens();
  let current = hostColorMode();
  new MutationObserver(() => {
    if (hostColorMode() === current) return;
    current = hostColorMode();
    void applyTokens();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['data-color-mode'] });
}
