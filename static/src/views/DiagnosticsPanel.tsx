/**
 * Global admin page → Platform diagnostics (SPEC §4): what the platform really delivered to the
 * last REST API invocations, by field NAMES and sources only (never a token, claim or header
 * value), how many failed identity, which unconfirmed platform assumptions were observed to hold,
 * and which calls the Forge proxy refused. docs/forge-platform.md §6 tells operators to open it on
 * the first deployment. The server decides who may see it (site admins); this view only renders.
 */
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAsync } from '../hooks';
import { DataTable } from '../components/data-table';
import { ErrorMessage, Loading, formatTime } from '../components/ui';

const VERDICT = {
  holds: { appearance: 'success', label: 'holds' },
  refuted: { appearance: 'removed', label: 'refuted' },
  unobserved: { appearance: 'default', label: 'not observed yet' },
} as const;

const names = (list: string[]) => (list.length === 0 ? '—' : list.join(', '));

export function DiagnosticsPanel() {
  const summary = useAsync(() => call('admin.diagnostics', {}), []);
  if (summary.loading && !summary.data) return <Loading />;
  if (!summary.data) return <ErrorMessage error={summary.error} onRetry={summary.reload} />;
  const { invocations, identityFailures, assumptions, refusals } = summary.data;
  return (
    <Stack space="space.300" testId="diagnostics-panel">
      <Inline spread="space-between" alignBlock="center">
        <Text as="p" color="color.text.subtle">
          Field names and sources only: no token, claim or header value is ever recorded.
        </Text>
        <Button onClick={summary.reload} testId="diagnostics-refresh">
          Refresh
        </Button>
      </Inline>
      {invocations.length > 0 && identityFailures === invocations.length ? (
        <SectionMessage appearance="error" title="No REST API call could be attributed to a user">
          <Text as="p">
            Every recent call failed identity (401). Read the identity sources below and follow docs/forge-platform.md §6, step 4.
          </Text>
        </SectionMessage>
      ) : null}
      <Stack space="space.100">
        <Heading size="small" as="h2">
          Platform assumptions
        </Heading>
        <DataTable
          testId="diagnostics-assumptions"
          columns={{ key: 'Assumption', description: 'What it means', observed: 'Observed' }}
          rows={assumptions.map((a) => ({
            key: a.key,
            cells: [
              { key: 'key', content: <Text weight="medium">{a.key}</Text> },
              { key: 'description', content: a.description },
              { key: 'observed', content: <Lozenge appearance={VERDICT[a.observed].appearance}>{VERDICT[a.observed].label}</Lozenge> },
            ],
          }))}
        />
      </Stack>
      <Stack space="space.100">
        <Heading size="small" as="h2">
          Recent REST API invocations
        </Heading>
        <Text as="p" testId="diagnostics-identity-failures">
          {identityFailures} of the last {invocations.length} invocations could not resolve a user.
        </Text>
        <DataTable
          testId="diagnostics-invocations"
          emptyView={<Text as="p">No REST API call has reached the app yet.</Text>}
          columns={{ at: 'When', route: 'Route', user: 'User from', client: 'Client id from', claims: 'Token claims', headers: 'Headers', outcome: 'Identity' }}
          rows={invocations.map((i, n) => ({
            key: `${i.at}-${n}`,
            cells: [
              { key: 'at', content: formatTime(i.at) },
              { key: 'route', content: `${i.method} ${i.route}` },
              { key: 'user', content: i.tokenAccountRefused ? `${i.principalSource} (token refused: ${i.tokenAccountRefused})` : i.principalSource },
              { key: 'client', content: i.clientIdSource },
              { key: 'claims', content: names(i.tokenClaimNames) },
              { key: 'headers', content: names(i.headerNames) },
              { key: 'outcome', content: i.identityFailed ? <Lozenge appearance="removed">failed</Lozenge> : <Lozenge appearance="success">resolved</Lozenge> },
            ],
          }))}
        />
      </Stack>
      <Stack space="space.100">
        <Heading size="small" as="h2">
          Calls the Forge platform refused
        </Heading>
        <DataTable
          testId="diagnostics-refusals"
          emptyView={<Text as="p">No Confluence call was refused by the platform.</Text>}
          columns={{ at: 'When', code: 'Refusal', as: 'Acting as', status: 'Status' }}
          rows={refusals.map((r, n) => ({
            key: `${r.at}-${n}`,
            cells: [
              { key: 'at', content: formatTime(r.at) },
              { key: 'code', content: r.errorCode },
              { key: 'as', content: r.actAs },
              { key: 'status', content: String(r.status) },
            ],
          }))}
        />
      </Stack>
    </Stack>
  );
}
