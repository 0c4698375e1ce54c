/**
 * Global admin page: the audit trail (filters chosen by name, readable rows, paging, export, chain
 * verification), retention settings and REST API help. Someone who may not read the audit trail gets one sentence.
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
import { EvidenceAdmin } from './EvidenceAdmin';

const fullWidth = xcss({ width: '100%' });

export function AdminApp() {
  const caps = useAsync(() => call('ui.capabilities', { surface: 'admin' }), []);
  const [tab, setTab] = useState(0);
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
        <Tabs id="admin-tabs" selected={tab} onChange={setTab}>
          <TabList>
            <Tab testId="tab-audit">Audit trail</Tab>
            <Tab testId="tab-retention">Retention</Tab>
            <Tab testId="tab-api">REST API</Tab>
            <Tab testId="tab-evidence">Signatures &amp; evidence</Tab>
          </TabList>
          <TabPanel>
            <Box paddingBlock="space.200" xcss={fullWidth}>
              <AuditTrail canVerify={caps.data.admin.verifyChain} canExport={caps.data.admin.exportAudit} />
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
              <EvidenceAdmin />
            </Box>
          </TabPanel>
        </Tabs>
      </Stack>
    </Box>
  );
}
