/**
 * Byline content. On Forge the byline item itself shows the state in its title (dynamicProperties,
 * rendered by the host) and opens this view as its popup; so this is the compact panel: state,
 * the pending step with its approvers, and the actions this person may take.
 */
import { PagePanel } from './PagePanel';

export function Byline({ accountId }: { accountId: string }) {
  return <PagePanel accountId={accountId} compact />;
}
