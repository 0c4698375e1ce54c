/**
 * Entry of the one Custom UI build. @forge/bridge needs the host's `window.__bridge` as soon as it is
 * loaded, so the app (which imports it) is loaded only after checking that the bridge exists; opened
 * outside Confluence the page explains that instead of going blank.
 */
import { createRoot } from 'react-dom/client';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

if ((globalThis as { __bridge?: { callBridge?: unknown } }).__bridge?.callBridge) {
  import('./App').then(
    ({ App }) => root.render(<App />),
    () => root.render(<p role="alert" className="banner banner-error">ApprovalFlow could not load. Reload the page to try again.</p>),
  );
} else {
  root.render(
    <p role="alert" className="banner banner-error">
      ApprovalFlow runs inside Confluence: open it from a page, a space or the admin settings.
    </p>,
  );
}
