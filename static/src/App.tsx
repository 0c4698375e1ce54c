/** Picks the view for the module this build was opened in (one resource serves all four modules). */
import { view } from '@forge/bridge';
import { Box } from '@atlaskit/primitives';
import { call } from './api';
import { useAsync } from './hooks';
import { ErrorMessage, Loading, SiteContext, type Site } from './components/ui';
import { FlagProvider } from './components/feedback';
import { PeopleProvider } from './people';
import { AdminApp } from './views/AdminApp';
import { Byline } from './views/Byline';
import { PagePanel } from './views/PagePanel';
import { SpaceApp } from './views/SpaceApp';

export function App() {
  // The context tells which module we are; who the user is comes from the server (context.me).
  const boot = useAsync(async (): Promise<Site> => {
    const [context, me] = await Promise.all([view.getContext(), call('context.me', {})]);
    const spaceKey = (context.extension as { space?: { key?: string } }).space?.key;
    return { moduleKey: context.moduleKey, accountId: me.accountId, siteUrl: (context.siteUrl ?? '').replace(/\/+$/, ''), ...(spaceKey ? { spaceKey } : {}) };
  }, []);
  if (boot.loading) return <Loading />;
  if (!boot.data) return <ErrorMessage error={boot.error} onRetry={boot.reload} />;
  // One name cache per page load, shared by every view of this module.
  return (
    <SiteContext.Provider value={boot.data}>
      <FlagProvider>
        <PeopleProvider>
          <Box backgroundColor="elevation.surface">{moduleView(boot.data)}</Box>
        </PeopleProvider>
      </FlagProvider>
    </SiteContext.Provider>
  );
}

function moduleView({ moduleKey, accountId }: Site) {
  switch (moduleKey) {
    case 'approvalflow-macro':
      return <PagePanel accountId={accountId} />;
    case 'approvalflow-byline':
      return <Byline accountId={accountId} />;
    case 'approvalflow-space':
      return <SpaceApp />;
    case 'approvalflow-admin':
      return <AdminApp />;
    default:
      return <ErrorMessage error={new Error(`ApprovalFlow does not know the module "${moduleKey}".`)} />;
  }
}
