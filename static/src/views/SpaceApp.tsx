/**
 * Space page: Approval queue (first: what people come to do), Change sets, Workflows, Routing, Analytics.
 * The server's capabilities decide which actions each tab offers; a person who cannot see the
 * space gets one sentence. A link to /changesets/<id> (router path) opens that change set.
 */
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { view } from '@forge/bridge';
import Heading from '@atlaskit/heading';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { Box, Stack, xcss } from '@atlaskit/primitives';
import { ApiError, call } from '../api';
import { useAsync } from '../hooks';
import { ErrorMessage, Loading, NoAccess } from '../components/ui';
import { ChangeSetsTab } from './ChangeSetsTab';
import { QueueTab } from './QueueTab';
import { WorkflowsTab } from './WorkflowsTab';
import { ManageSpaceTab } from './ManageSpaceTab';
import { DelegationsTab } from './DelegationsTab';
import { RoutingTab } from './RoutingTab';

// The chart library is only downloaded when someone opens Analytics.
const AnalyticsTab = lazy(() => import('./AnalyticsTab').then((m) => ({ default: m.AnalyticsTab })));

const CHANGE_SETS_TAB = 1;
const fullWidth = xcss({ width: '100%' });

/** A tab's panel: the tab's view, full width, spaced from the tab list. */
function Panel({ children }: { children: ReactNode }) {
  return (
    <TabPanel>
      <Box paddingBlock="space.200" xcss={fullWidth}>
        {children}
      </Box>
    </TabPanel>
  );
}

export function SpaceApp() {
  const caps = useAsync(() => call('ui.capabilities', { surface: 'space' }), []);
  const [tab, setTab] = useState(0);
  const [changeSetId, setChangeSetId] = useState<string>();
  useEffect(() => {
    // Deep link from a page panel or a copied address: the host hands the module path to our history.
    view
      .createHistory()
      .then((history) => {
        const match = /^\/?changesets\/([^/]+)$/.exec(history.location.pathname);
        if (match) {
          setTab(CHANGE_SETS_TAB);
          setChangeSetId(decodeURIComponent(match[1]));
        }
      })
      .catch(() => undefined);
  }, []);

  if (caps.loading && !caps.data) return <Loading />;
  if (caps.error instanceof ApiError && ['FORBIDDEN', 'SPACE_NOT_FOUND'].includes(caps.error.code)) {
    return <NoAccess>You cannot view this space, so its approvals are not available to you.</NoAccess>;
  }
  if (!caps.data || caps.data.surface !== 'space') return <ErrorMessage error={caps.error} onRetry={caps.reload} />;
  const space = caps.data.space;
  return (
    <Box padding="space.200">
      <Stack space="space.200">
        <Heading size="large" as="h1">
          Approvals{space.spaceName ? ` · ${space.spaceName}` : ''}
        </Heading>
        <Tabs id="approvals-tabs" selected={tab} onChange={(index) => setTab(index)}>
          <TabList>
            <Tab testId="tab-queue">Approval queue</Tab>
            <Tab testId="tab-changesets">Change sets</Tab>
            <Tab testId="tab-workflows">Workflows</Tab>
            <Tab testId="tab-routing">Routing</Tab>
            <Tab testId="tab-analytics">Analytics</Tab>
            {space.isSpaceAdmin && <Tab testId="tab-manage">Manage pages</Tab>}
            <Tab testId="tab-delegations">Delegations</Tab>
          </TabList>
          <Panel>
            <QueueTab caps={space} refreshCaps={caps.reload} />
          </Panel>
          <Panel>
            <ChangeSetsTab caps={space} refreshCaps={caps.reload} openId={changeSetId} onOpen={setChangeSetId} />
          </Panel>
          <Panel>
            <WorkflowsTab caps={space} refreshCaps={caps.reload} />
          </Panel>
          <Panel>
            <RoutingTab caps={space} refreshCaps={caps.reload} />
          </Panel>
          <Panel>
            <Suspense fallback={<Loading label="Loading analytics…" />}>
              <AnalyticsTab caps={space} refreshCaps={caps.reload} />
            </Suspense>
          </Panel>
          {space.isSpaceAdmin && (
            <Panel>
              <ManageSpaceTab caps={space} refreshCaps={caps.reload} />
            </Panel>
          )}
          <Panel>
            <DelegationsTab admin={space.isSpaceAdmin} spaceId={space.spaceId} />
          </Panel>
        </Tabs>
      </Stack>
    </Box>
  );
}
