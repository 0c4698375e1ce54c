/**
 * Entry of the one Custom UI build. @forge/bridge needs the host's `window.__bridge` as soon as it is
 * loaded, so the app (which imports it) is loaded only after checking that the bridge exists; opened
 * outside Confluence the page explains that instead of going blank. The theme is applied before the
 * first render so dark mode never flashes light.
 */
import { createRoot } from 'react-dom/client';
import { token } from '@atlaskit/tokens';

const root = createRoot(document.getElementById('root')!);
// The iframe's own page takes the theme's surface, text colour and font (no stylesheet of ours).
Object.assign(document.body.style, { margin: '0', background: token('elevation.surface'), color: token('color.text'), font: token('font.body') });

function fallback(message: string) {
  return (
    <p role="alert" style={{ padding: token('space.200'), color: token('color.text.danger') }}>
      {message}
    </p>
  );
}

if ((globalThis as { __bridge?: { callBridge?: unknown } }).__bridge?.callBridge) {
  Promise.all([import('./theme'), import('./App')])
    .then(async ([{ enableTheme }, { App }]) => {
      await enableTheme().catch(() => undefined);
      root.render(<App />);
    })
    .catch(() => root.render(fallback('ApprovalFlow could not load. Reload the page to try again.')));
} else {
  root.render(fallback('ApprovalFlow runs inside Confluence: open it from a page, a space or the admin settings.'));
}
