/** Picks the view for the module this build was opened in (one resource serves all four modules). */
import { view } from '@forge/bridge';
import { call } from './api';
import { useAsync } from './hooks';
import { ErrorBanner, Loading } from './components/ui';
import { PeopleProvider } from './people';
import { AdminApp } from './views/AdminApp';
import { Byline } from './views/Byline';
import { PagePanel } from './views/PagePanel';
import { SpaceApp } from './views/SpaceApp';

export function App() {
  // The context tells which module we are; who the user is comes from the server (context.me).
  const boot = useAsync(async () => {
    const [context, me] = await Promise.all([view.getContext(), call('context.me', {})]);
    const spaceKey = (context.extension as { space?: { key?: string } }).space?.key;
    return { moduleKey: context.moduleKey, accountId: me.accountId, spaceKey };
  }, []);
  if (boot.loading) return <Loading />;
  if (!boot.data) return <ErrorBanner error={boot.error} />;
  const { moduleKey, accountId, spaceKey } = boot.data;
  // One name cache per page load, shared by every view of this module.
  return <PeopleProvider>{moduleView(moduleKey, accountId, spaceKey)}</PeopleProvider>;
}

function moduleView(moduleKey: string, accountId: string, spaceKey: string | undefined) {
  switch (moduleKey) {
    case 'approvalflow-macro':
      return <PagePanel accountId={accountId} />;
    case 'approvalflow-byline':
      return <Byline accountId={accountId} />;
    case 'approvalflow-space':
      return <SpaceApp spaceKey={spaceKey} />;
    case 'approvalflow-admin':
      return <AdminApp />;
    default:
      return <ErrorBanner error={new Error(`ApprovalFlow does not know the module "${moduleKey}".`)} />;
  }
}
