/**
 * Global admin page: the audit trail (filters chosen by name, readable rows, paging, export, chain
 * verification), retention settings, REST API help and the platform diagnostics panel. Someone who may not read the audit trail gets one sentence.
 */
import { useState } from 'react';
import Heading from '@atlaskit/heading';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { Box, Stack, Text, xcss } from '@atlaskit/primitives';
import { call } from '../api';
import { useAsync } from '../hooks';
import { ErrorMessage, Loading, NoAccess } from '../components/ui';
import { AuditTrail } from './AuditTrail';
import { ApiHelp } from './ApiHelp';
import { RetentionSettings } from './RetentionSettings';
import { DiagnosticsPanel } from './DiagnosticsPanel';
import { DelegationsTab } from './DelegationsTab';
import { EvidenceAdmin } from './EvidenceAdmin';

const fullWidth = xcss({ width: '100%' });

export function AdminApp() {
  const caps = useAsync(() => call('ui.capabilities', { surface: 'admin' }), []);
  const [tab, setTab] = useState(0);
  // Coming back to the audit trail shows what happened meanwhile (e.g. the retention change just saved).
  const [auditVisit, setAuditVisit] = useState(0);
  const selectTab = (index: number) => {
    setTab(index);
    if (index === 0) setAuditVisit((n) => n + 1);
  };
  if (caps.loading && !caps.data) return <Loading />;
  if (!caps.data || caps.data.surface !== 'admin') return <ErrorMessage error={caps.error} onRetry={caps.reload} />;
  if (!caps.data.admin.readAudit) {
    return <NoAccess>The ApprovalFlow audit trail and API settings are for site admins. Ask a site admin if you need a record from it.</NoAccess>;
  }
  return (
    <Box padding="space.200">
      <Stack space="space.200">
        <Heading size="large" as="h1">
          ApprovalFlow administration
        </Heading>
        <Text as="p" color="color.text.subtle">
          Every change made through ApprovalFlow, tamper-evident, and how external systems connect.
        </Text>
        <Tabs id="admin-tabs" selected={tab} onChange={selectTab}>
          <TabList>
            <Tab testId="tab-audit">Audit trail</Tab>
            <Tab testId="tab-retention">Retention</Tab>
            <Tab testId="tab-api">REST API</Tab>
            <Tab testId="tab-diagnostics">Platform diagnostics</Tab>
            <Tab testId="tab-delegations">Delegations</Tab>
            <Tab testId="tab-evidence">Signatures &amp; evidence</Tab>
          </TabList>
          <TabPanel>
            <Box paddingBlock="space.200" xcss={fullWidth}>
              <AuditTrail key={auditVisit} canVerify={caps.data.admin.verifyChain} canExport={caps.data.admin.exportAudit} />
            </Box>
          </TabPanel>
          <TabPanel>
            <Box paddingBlock="space.200" xcss={fullWidth}>
              <RetentionSettings />
            </Box>
          </TabPanel>
          <TabPanel>
            <Box paddingBlock="space.200" xcss={fullWidth}>
              <ApiHelp />
            </Box>
          </TabPanel>
          <TabPanel>
            <Box paddingBlock="space.200" xcss={fullWidth}>
              <DiagnosticsPanel />
            </Box>
          </TabPanel>
          <TabPanel>
            <Box paddingBlock="space.200" xcss={fullWidth}>
              <DelegationsTab admin />
            </Box>
          </TabPanel>
          <TabPanel>
            <Box paddingBlock="space.200" xcss={fullWidth}>
              <EvidenceAdmin canRotateKey={caps.data.admin.rotateSigningKey} />
            </Box>
          </TabPanel>
        </Tabs>
      </Stack>
    </Box>
  );
}
