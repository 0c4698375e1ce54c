/**
 * Space page → Analytics: cards (total, in approval, approved, changes requested, cancelled, due,
 * expired), the daily trend with dates, the workflow comparison, filters by date range and workflow,
 * and CSV/HTML export with readable names (rendered by the server). Numbers the person may not see
 * are shown as "—", never as 0.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { AnalyticsSummary } from '../../../src/transport/resolvers/contract';
import type { RollupState } from '../../../src/core/domain/model';
import { ChangeSetLozenge, ErrorMessage, Loading, download, humanDuration } from '../components/ui';
import { LabelledField } from '../components/form-modal';
import { Stat, Trend, WorkflowComparison } from '../components/analytics-parts';
import type { SpaceTabProps } from './space-tab';

interface Filter {
  from?: string;
  to?: string;
  workflowId?: string;
}
type WorkflowOption = { label: string; value: string };
const ALL_WORKFLOWS: WorkflowOption = { label: 'All workflows', value: '' };

function FilterBar({ a, applied, onApply }: { a?: AnalyticsSummary; applied: Filter; onApply: (f: Filter) => void }) {
  const [from, setFrom] = useState(applied.from ?? a?.from ?? '');
  const [to, setTo] = useState(applied.to ?? a?.to ?? '');
  const [workflow, setWorkflow] = useState<WorkflowOption>(ALL_WORKFLOWS);
  const options = [ALL_WORKFLOWS, ...(a?.workflows ?? []).map((w) => ({ label: w.name, value: w.id }))];
  return (
    <form
      aria-label="Analytics filters"
      onSubmit={(e) => {
        e.preventDefault();
        onApply({ ...(from ? { from } : {}), ...(to ? { to } : {}), ...(workflow.value ? { workflowId: workflow.value } : {}) });
      }}
    >
      <Inline space="space.150" alignBlock="end" shouldWrap>
        <LabelledField htmlFor="an-from" label="From">
          <Textfield id="an-from" type="date" value={from || (a?.from ?? '')} onChange={(e) => setFrom(e.currentTarget.value)} testId="analytics-from" />
        </LabelledField>
        <LabelledField htmlFor="an-to" label="To">
          <Textfield id="an-to" type="date" value={to || (a?.to ?? '')} onChange={(e) => setTo(e.currentTarget.value)} testId="analytics-to" />
        </LabelledField>
        <LabelledField htmlFor="an-workflow" label="Workflow">
          <Select<WorkflowOption> inputId="an-workflow" options={options} value={workflow} onChange={(o) => o && setWorkflow(o)} testId="analytics-workflow" />
        </LabelledField>
        <Button type="submit" appearance="primary" testId="analytics-apply">
          Apply filters
        </Button>
      </Inline>
    </form>
  );
}

function Cards({ a }: { a: AnalyticsSummary }) {
  const review = (n: number) => (a.reviewCountsComplete ? n : `${n}+`);
  const c = a.cards;
  return (
    <Inline space="space.150" shouldWrap testId="analytics-counts">
      <Stat testId="card-total" label="Total submitted" value={c.total} />
      <Stat testId="card-in-approval" label="In approval now" value={c.inApproval} />
      <Stat testId="card-approved" label="Approved" value={c.approved} />
      <Stat testId="card-changes-requested" label="Changes requested" value={c.changesRequested} />
      <Stat testId="card-cancelled" label="Cancelled" value={c.cancelled} />
      <Stat testId="card-due" label="Due for review now" value={review(c.due)} />
      <Stat testId="card-expired" label="Review expired now" value={review(c.expired)} />
      <Stat
        testId="card-median"
        label="Median time to decision"
        value={a.auditAvailable ? (a.medianHoursToDecision === null ? 'No decisions yet' : humanDuration(a.medianHoursToDecision)) : null}
      />
    </Inline>
  );
}

function Exports({ a, applied, spaceKey }: { a: AnalyticsSummary; applied: Filter; spaceKey: string }) {
  const exporter = useAction(async (format: 'csv' | 'html') => {
    const { content } = await call('analytics.export', { ...applied, format });
    download(`approvalflow-analytics-${spaceKey}-${a.from}-to-${a.to}.${format}`, content, format === 'csv' ? 'text/csv' : 'text/html');
  });
  return (
    <Stack space="space.100">
      <Inline space="space.100">
        <Button onClick={() => void exporter.run('csv')} isDisabled={exporter.busy} testId="export-csv">
          Export CSV
        </Button>
        <Button onClick={() => void exporter.run('html')} isDisabled={exporter.busy} testId="export-html">
          Export HTML
        </Button>
      </Inline>
      {exporter.error !== undefined && <ErrorMessage error={exporter.error} onDismiss={exporter.clearError} title="The export failed" />}
    </Stack>
  );
}

function OpenChangeSets({ a }: { a: AnalyticsSummary }) {
  return (
    <Stack space="space.100">
      <Heading size="small" as="h2">
        Open change sets by state
      </Heading>
      {Object.keys(a.changeSetsByRollup).length === 0 ? (
        <Text as="p">No open change sets.</Text>
      ) : (
        <Stack as="ul" space="space.050">
          {Object.entries(a.changeSetsByRollup).map(([state, n]) => (
            <Inline as="li" key={state} space="space.100" alignBlock="center">
              <ChangeSetLozenge state={state as RollupState} archived={false} />
              <Text>{n}</Text>
            </Inline>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

export function AnalyticsTab({ caps }: SpaceTabProps) {
  const [applied, setApplied] = useState<Filter>({});
  const summary = useAsync(() => call('analytics.summary', applied), [applied]);
  const a = summary.loading ? undefined : summary.data;
  return (
    <Stack space="space.200">
      <FilterBar a={summary.data} applied={applied} onApply={setApplied} />
      {summary.loading && <Loading label="Computing analytics…" />}
      {!summary.loading && !a && <ErrorMessage error={summary.error} onRetry={summary.reload} />}
      {a && (
        <Stack space="space.200" testId="analytics-body">
          {a.auditAvailable ? (
            <Exports a={a} applied={applied} spaceKey={caps.spaceKey ?? a.spaceId} />
          ) : (
            <SectionMessage appearance="information">
              <Text as="p">Only the counts of what is open now are shown: the approval history of this space is visible to its space admins and site admins.</Text>
            </SectionMessage>
          )}
          {a.truncated && (
            <SectionMessage appearance="warning">
              <Text as="p">This range holds more records than one request reads; the oldest were not counted. Choose a shorter range.</Text>
            </SectionMessage>
          )}
          <Cards a={a} />
          {a.auditAvailable && <Trend a={a} />}
          {a.auditAvailable && <WorkflowComparison a={a} />}
          <OpenChangeSets a={a} />
        </Stack>
      )}
    </Stack>
  );
}
