/**
 * Audit trail for people: names instead of ids (actor, space, page), action labels, details as
 * labelled fields, a count of what is shown, filters chosen with pickers, paging, export, and
 * verification of the hash chain (components/audit-verification.tsx).
 */
import { useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import { AUDIT_ACTIONS, type AuditAction, type AuditRecord } from '../../../src/core/domain/model';
import type { ResolverPayload } from '../../../src/transport/resolvers/registry';
import { ErrorMessage, LoadMore, PageLink, download, formatTime } from '../components/ui';
import { LabelledField } from '../components/form-modal';
import { ChangeSetPicker, PeoplePicker, SinglePagePicker, SpacePicker } from '../components/pickers';
import { Person } from '../people';
import { DataTable } from '../components/data-table';
import { AuditDetails, workflowIdsOf } from '../components/audit-details';
import { AuditVerification } from '../components/audit-verification';

type Filters = Omit<ResolverPayload<'audit.list'>, 'cursor' | 'limit'>;

export const ACTION_LABEL: Record<AuditAction, string> = {
  'workflow.created': 'Workflow created',
  'workflow.updated': 'Workflow changed',
  'workflow.deleted': 'Workflow deleted',
  'workflow.enabled': 'Workflow enabled',
  'workflow.disabled': 'Workflow disabled',
  'workflow.imported': 'Workflow imported',
  'approval.submitted': 'Approval requested',
  'approval.approved': 'Approved',
  'approval.rejected': 'Changes requested',
  'approval.step_completed': 'Step completed',
  'approval.cancelled': 'Request cancelled',
  'approval.reset': 'Approval reset',
  'changeset.created': 'Change set created',
  'changeset.updated': 'Change set changed',
  'changeset.archived': 'Change set archived',
  'changeset.submitted': 'Change set submitted',
  'assignment.changed': 'Page assignment changed',
  'access.denied': 'Access refused',
  'audit.purged': 'Old records purged',
  'audit.verify_started': 'Chain verification started',
  'audit.verified': 'Chain verified',
  'review.due': 'Review due (notice posted)',
  'review.expired': 'Review expired (notice posted)',
  'reminder.sent': 'Reminder sent',
  'approval.stuck': 'Approval stuck (space admins notified)',
  'assignment.cleared': 'Page assignment cleared',
  'approval.purged': 'Old approval purged',
  'retention.updated': 'Retention changed',
  'delegation.created': 'Delegation created',
  'delegation.revoked': 'Delegation revoked',
  'signature.enrolled': 'Signature enrolled',
  'signature.enrollment_started': 'Signature enrolment started',
  'signature.failed': 'Signature failed',
  'signature.reset': 'Signature reset',
  'evidence.exported': 'Evidence exported',
  'evidence.key_rotated': 'Signing key rotated',
  'approval.stale': 'Approval became stale',
  'approval.fresh_again': 'Approval current again',
  'page.restored': 'Approved version restored',
  'changeset.decided': 'Change set decision',
  'changeset.approved': 'Change set approved',
  'changeset.rejected': 'Change set changes requested',
  'changeset.invalidated': 'Change set review invalidated',
  'changeset.rollup_changed': 'Change set roll-up changed',
  'routing.updated': 'Routing rules changed',
  'automation.labels.updated': 'Automation labels changed',
};

type ActionOption = { label: string; value: AuditAction | '' };
type SourceOption = { label: string; value: '' | 'ui' | 'api' };
const ACTION_OPTIONS: ActionOption[] = [{ label: 'Any action', value: '' }, ...AUDIT_ACTIONS.map((a) => ({ label: ACTION_LABEL[a], value: a }))];
const SOURCE_OPTIONS: SourceOption[] = [
  { label: 'Any source', value: '' },
  { label: 'Confluence', value: 'ui' },
  { label: 'REST API', value: 'api' },
];

interface FormState {
  from: string;
  to: string;
  space?: { spaceId: string; label: string };
  page?: { pageId: string; title: string };
  actors: string[];
  changeSet?: { changeSetId: string; title: string };
  clientId: string;
  action: ActionOption;
  source: SourceOption;
}

const emptyForm: FormState = { from: '', to: '', actors: [], clientId: '', action: ACTION_OPTIONS[0], source: SOURCE_OPTIONS[0] };

function filtersOf(f: FormState): Filters {
  return {
    ...(f.from ? { from: new Date(f.from).getTime() } : {}),
    ...(f.to ? { to: new Date(f.to).getTime() } : {}),
    ...(f.space ? { spaceId: f.space.spaceId } : {}),
    ...(f.page ? { pageId: f.page.pageId } : {}),
    ...(f.actors[0] ? { actor: f.actors[0] } : {}),
    ...(f.changeSet ? { changeSetId: f.changeSet.changeSetId } : {}),
    ...(f.clientId.trim() ? { clientId: f.clientId.trim() } : {}),
    ...(f.action.value ? { action: f.action.value } : {}),
    ...(f.source.value ? { source: f.source.value } : {}),
  };
}

function FilterForm({ onApply }: { onApply: (filters: Filters) => void }) {
  const [form, setForm] = useState<FormState>(emptyForm);
  const set = (patch: Partial<FormState>) => setForm({ ...form, ...patch });
  return (
    <form
      aria-label="Audit filters"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(filtersOf(form));
      }}
    >
      <Stack space="space.150">
        <Inline space="space.200" shouldWrap>
          <LabelledField htmlFor="f-from" label="From">
            <Textfield id="f-from" type="datetime-local" value={form.from} onChange={(e) => set({ from: e.currentTarget.value })} />
          </LabelledField>
          <LabelledField htmlFor="f-to" label="To">
            <Textfield id="f-to" type="datetime-local" value={form.to} onChange={(e) => set({ to: e.currentTarget.value })} />
          </LabelledField>
          <Box>
            <SpacePicker label="Space" value={form.space} onChange={(space) => set({ space, page: undefined, changeSet: undefined })} testId="filter-space" />
          </Box>
          {form.space && (
            <Box>
              <SinglePagePicker label="Page" value={form.page} onChange={(page) => set({ page })} spaceId={form.space.spaceId} />
            </Box>
          )}
          {form.space && (
            <Box>
              <ChangeSetPicker label="Change set" value={form.changeSet} onChange={(changeSet) => set({ changeSet })} spaceId={form.space.spaceId} />
            </Box>
          )}
          <Box>
            <PeoplePicker label="Person" value={form.actors} onChange={(ids) => set({ actors: ids.slice(-1) })} testId="filter-actor" />
          </Box>
          <LabelledField htmlFor="f-action" label="Action">
            <Select<ActionOption> inputId="f-action" options={ACTION_OPTIONS} value={form.action} onChange={(o) => o && set({ action: o })} />
          </LabelledField>
          <LabelledField htmlFor="f-source" label="Source">
            <Select<SourceOption> inputId="f-source" options={SOURCE_OPTIONS} value={form.source} onChange={(o) => o && set({ source: o })} isSearchable={false} />
          </LabelledField>
          <LabelledField htmlFor="f-client" label="API client id">
            <Textfield id="f-client" value={form.clientId} onChange={(e) => set({ clientId: e.currentTarget.value })} />
          </LabelledField>
        </Inline>
        <Inline space="space.100">
          <Button appearance="primary" type="submit" testId="apply-filters">
            Apply filters
          </Button>
          <Button
            appearance="subtle"
            onClick={() => {
              setForm(emptyForm);
              onApply({});
            }}
          >
            Clear filters
          </Button>
        </Inline>
      </Stack>
    </form>
  );
}

export function AuditTrail({ canVerify, canExport }: { canVerify: boolean; canExport: boolean }) {
  const [filters, setFilters] = useState<Filters>({});
  const [records, setRecords] = useState<{ items: AuditRecord[]; nextCursor?: string }>();
  const first = useAsync(async () => {
    const r = await call('audit.list', { ...filters, limit: 50 });
    setRecords({ items: r.records, nextCursor: r.nextCursor });
    return r;
  }, [JSON.stringify(filters)]);
  const more = useAction(
    () => call('audit.list', { ...filters, limit: 50, cursor: records?.nextCursor }),
    (r) => setRecords((p) => ({ items: [...(p?.items ?? []), ...r.records], nextCursor: r.nextCursor })),
  );
  // The server answers the export in chunks (each well under the 5 MB response limit); joined in order they are the file.
  const [exported, setExported] = useState<number>();
  const exporter = useAction(
    async (format: 'csv' | 'ndjson') => {
      const parts: string[] = [];
      let count = 0;
      let cursor: string | undefined;
      setExported(0);
      do {
        const chunk = await call('audit.export', { format, filters, ...(cursor ? { cursor } : {}) });
        parts.push(chunk.content);
        count += chunk.records;
        setExported(count);
        cursor = chunk.nextCursor;
      } while (cursor);
      return { format, content: parts.join('') };
    },
    (r) => {
      setExported(undefined);
      download(`approvalflow-audit-${new Date().toISOString().slice(0, 10)}.${r.format}`, r.content, r.format === 'csv' ? 'text/csv' : 'application/x-ndjson');
    },
    () => setExported(undefined),
  );
  const items = useMemo(() => records?.items ?? [], [records]);
  const ids = useMemo(
    () => ({
      pages: [...new Set(items.flatMap((r) => (r.pageId ? [r.pageId] : [])))].slice(0, 100),
      spaces: [...new Set(items.map((r) => r.spaceId))].slice(0, 50),
      workflows: [...new Set(items.flatMap(workflowIdsOf))].slice(0, 100),
    }),
    [items],
  );
  const names = useAsync(
    async () => call('ui.pageTitles', { pageIds: ids.pages, spaceIds: ids.spaces, workflowIds: ids.workflows }),
    [ids.pages.join(','), ids.spaces.join(','), ids.workflows.join(',')],
  );
  const workflowName = (id: string) => names.data?.workflows[id];

  const rows = items.map((r) => {
    const space = names.data?.spaces[r.spaceId];
    const page = r.pageId ? names.data?.pages[r.pageId] : undefined;
    return {
      key: r.id,
      testId: 'audit-row',
      cells: [
        { key: 'seq', content: r.pending ? <Text color="color.text.subtle">pending</Text> : r.seq },
        { key: 'time', content: formatTime(r.at) },
        { key: 'actor', content: r.actor === 'system' ? <Text>ApprovalFlow</Text> : <Person id={r.actor} /> },
        { key: 'action', content: <Text testId="audit-action">{ACTION_LABEL[r.action] ?? r.action}</Text> },
        { key: 'space', content: space ? space.name : r.spaceId === 'global' ? 'Site' : <Text color="color.text.subtle">{names.loading ? 'Loading…' : 'Space not available'}</Text> },
        { key: 'page', content: r.pageId ? page ? <PageLink pageId={r.pageId} title={page.title} spaceKey={space?.key} /> : <Text color="color.text.subtle">{names.loading ? 'Loading…' : 'Page not available'}</Text> : '' },
        { key: 'source', content: r.source === 'api' ? <Lozenge appearance="new">API</Lozenge> : <Lozenge>Confluence</Lozenge> },
        { key: 'details', content: <AuditDetails record={r} workflowName={workflowName} /> },
      ],
    };
  });

  return (
    <Stack space="space.200">
      <FilterForm onApply={setFilters} />
      <Inline space="space.100" alignBlock="center" shouldWrap>
        {canExport && (
          <>
            <Button isDisabled={exporter.busy} onClick={() => void exporter.run('csv')}>
              Export CSV
            </Button>
            <Button isDisabled={exporter.busy} onClick={() => void exporter.run('ndjson')}>
              Export NDJSON
            </Button>
          </>
        )}
        {exporter.busy && exported !== undefined && (
          <Text testId="export-progress" aria-live="polite">{`Exporting… ${exported.toLocaleString()} records so far`}</Text>
        )}
      </Inline>
      {canVerify && <AuditVerification />}
      <ErrorMessage error={first.error ?? more.error} onRetry={first.reload} />
      <ErrorMessage error={names.error} onRetry={names.reload} title="Page and space names could not be loaded" />
      <ErrorMessage error={exporter.error} onDismiss={() => exporter.clearError()} />
      <Text as="p" testId="audit-count" aria-live="polite">
        {records ? (records.nextCursor ? `Showing the latest ${items.length} matching records; more are available.` : `${items.length} matching record${items.length === 1 ? '' : 's'}.`) : ''}
      </Text>
      <DataTable
        testId="audit-table"
        label="Audit records, newest first"
        isLoading={first.loading && !records}
        columns={{ seq: '#', time: 'Time', actor: 'Who', action: 'What', space: 'Space', page: 'Page', source: 'Source', details: 'Details' }}
        rows={rows}
        emptyView={<Text as="p">No audit records match.</Text>}
      />
      <LoadMore cursor={records?.nextCursor} more={more} />
    </Stack>
  );
}
