/** Picks the view for the module this build was opened in (one resource serves all four modules). */
import { lazy, Suspense } from 'react';
import { view } from '@forge/bridge';
import { Box } from '@atlaskit/primitives';
import { useAsync } from './hooks';
import { ErrorMessage, Loading, SiteContext, type Site } from './components/ui';
import { FlagProvider } from './components/feedback';
import { PeopleProvider } from './people';

// Each surface loads only its own views: a page's macro never downloads the charts or the audit table.
const AdminApp = lazy(() => import('./views/AdminApp').then((m) => ({ default: m.AdminApp })));
const Byline = lazy(() => import('./views/Byline').then((m) => ({ default: m.Byline })));
const PagePanel = lazy(() => import('./views/PagePanel').then((m) => ({ default: m.PagePanel })));
const SpaceApp = lazy(() => import('./views/SpaceApp').then((m) => ({ default: m.SpaceApp })));

export function App() {
  // The bridge context tells which module we are and who is looking (for display only: "(you)", the
  // author's guidance); every right is decided on the server from the platform's identity. No round
  // trip to the server before the first view (context.me stays for integrations and older builds).
  const boot = useAsync(async (): Promise<Site> => {
    const context = await view.getContext();
    const spaceKey = (context.extension as { space?: { key?: string } }).space?.key;
    return { moduleKey: context.moduleKey, accountId: context.accountId ?? '', siteUrl: (context.siteUrl ?? '').replace(/\/+$/, ''), ...(spaceKey ? { spaceKey } : {}) };
  }, []);
  if (boot.loading) return <Loading />;
  if (!boot.data) return <ErrorMessage error={boot.error} onRetry={boot.reload} />;
  // One name cache per page load, shared by every view of this module.
  return (
    <SiteContext.Provider value={boot.data}>
      <FlagProvider>
        <PeopleProvider>
          <Box backgroundColor="elevation.surface">
            <Suspense fallback={<Loading />}>{moduleView(boot.data)}</Suspense>
          </Box>
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
