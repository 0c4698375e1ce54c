/**
 * Space page → Analytics: counts, a 30-day chart (recharts: dated axis, value axis, tooltips,
 * legend) with the same numbers as a table for assistive technology, mean time to decision in
 * human units, CSV/HTML export. Numbers the person may not see are shown as "—", never as 0.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { token } from '@atlaskit/tokens';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { call } from '../api';
import { useAsync } from '../hooks';
import type { AnalyticsSummary } from '../../../src/transport/resolvers/contract';
import type { RollupState } from '../../../src/core/domain/model';
import { ChangeSetLozenge, ErrorMessage, Loading, download, humanDuration } from '../components/ui';
import type { SpaceTabProps } from './space-tab';

const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

function toCsv(a: AnalyticsSummary): string {
  return ['day,submitted,approved,rejected', ...a.perDay.map((d) => `${d.day},${d.submitted},${d.approved},${d.rejected}`)].join('\n') + '\n';
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function toHtml(a: AnalyticsSummary, spaceName: string): string {
  const rows = a.perDay.map((d) => `<tr><td>${escapeHtml(d.day)}</td><td>${d.submitted}</td><td>${d.approved}</td><td>${d.rejected}</td></tr>`).join('');
  const c = a.counts;
  return `<!doctype html><html><head><meta charset="utf-8"><title>ApprovalFlow analytics, ${escapeHtml(spaceName)}</title></head><body>
<h1>ApprovalFlow analytics, ${escapeHtml(spaceName)}</h1>
<p>Last ${a.windowDays} days. Pending ${c.pending}, submitted ${c.submitted}, approved ${c.approved}, rejected ${c.rejected}, cancelled ${c.cancelled}.
Mean time to decision: ${a.meanHoursToDecision === null ? 'no decisions yet' : humanDuration(a.meanHoursToDecision)}.</p>
<table border="1" cellpadding="4"><thead><tr><th>Day</th><th>Submitted</th><th>Approved</th><th>Rejected</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>`;
}

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <Box padding="space.150" backgroundColor="color.background.neutral.subtle" testId="stat">
      <Stack space="space.050">
        <Heading size="large" as="div">
          {value}
        </Heading>
        <Text color="color.text.subtle">{label}</Text>
      </Stack>
    </Box>
  );
}

export function AnalyticsTab({ caps }: SpaceTabProps) {
  const summary = useAsync(() => call('analytics.summary', {}), []);
  const [showTable, setShowTable] = useState(false);
  if (summary.loading && !summary.data) return <Loading label="Computing analytics…" />;
  if (!summary.data) return <ErrorMessage error={summary.error} onRetry={summary.reload} />;
  const a = summary.data;
  const spaceName = caps.spaceName ?? caps.spaceKey ?? 'this space';
  const hidden = !a.auditAvailable;
  const shown = (n: number) => (hidden ? '—' : n);
  const data = a.perDay.map((d) => ({ ...d, label: dayLabel(d.day) }));
  const totals = a.perDay.reduce((t, d) => ({ s: t.s + d.submitted, ap: t.ap + d.approved, r: t.r + d.rejected }), { s: 0, ap: 0, r: 0 });
  return (
    <Stack space="space.200">
      <Inline space="space.100">
        <Button onClick={() => download(`approvalflow-analytics-${caps.spaceKey ?? a.spaceId}.csv`, toCsv(a), 'text/csv')}>Export CSV</Button>
        <Button onClick={() => download(`approvalflow-analytics-${caps.spaceKey ?? a.spaceId}.html`, toHtml(a, spaceName), 'text/html')}>Export HTML</Button>
        <Button appearance="subtle" onClick={summary.reload}>
          Refresh
        </Button>
      </Inline>
      {hidden && (
        <SectionMessage appearance="information">
          <Text as="p">Only the pending count is shown: the approval history of this space is visible to its space admins and site admins.</Text>
        </SectionMessage>
      )}
      <Inline space="space.150" shouldWrap testId="analytics-counts">
        <Stat label="Pending now" value={a.counts.pending} />
        <Stat label={`Submitted (${a.windowDays} days)`} value={shown(a.counts.submitted)} />
        <Stat label="Approved" value={shown(a.counts.approved)} />
        <Stat label="Rejected" value={shown(a.counts.rejected)} />
        <Stat label="Cancelled" value={shown(a.counts.cancelled)} />
        <Stat label="Mean time to decision" value={hidden ? '—' : a.meanHoursToDecision === null ? 'No decisions yet' : humanDuration(a.meanHoursToDecision)} />
      </Inline>
      {!hidden && (
        <Stack space="space.100">
          <Heading size="small" as="h2" id="trend-title">
            Approvals per day, last {a.windowDays} days
          </Heading>
          <Box
            role="img"
            aria-labelledby="trend-title"
            aria-describedby="trend-summary"
            testId="analytics-chart"
          >
            <ResponsiveContainer width="100%" height={260}>
              <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke={token('color.border')} />
                <XAxis dataKey="label" tick={{ fill: token('color.text.subtle'), fontSize: 12 }} interval="preserveStartEnd" minTickGap={16} />
                <YAxis allowDecimals={false} tick={{ fill: token('color.text.subtle'), fontSize: 12 }} width={32} />
                <Tooltip contentStyle={{ background: token('elevation.surface.overlay'), color: token('color.text'), border: `1px solid ${token('color.border')}` }} />
                <Legend />
                <Bar dataKey="submitted" name="Submitted" fill={token('color.chart.blue.bold')} />
                <Bar dataKey="approved" name="Approved" fill={token('color.chart.green.bold')} />
                <Bar dataKey="rejected" name="Rejected" fill={token('color.chart.red.bold')} />
              </BarChart>
            </ResponsiveContainer>
          </Box>
          <Text as="p" id="trend-summary" color="color.text.subtle">
            In total {totals.s} submitted, {totals.ap} approved and {totals.r} rejected between {dayLabel(a.perDay[0]?.day ?? '')} and {dayLabel(a.perDay[a.perDay.length - 1]?.day ?? '')}.
          </Text>
          <Inline>
            <Button appearance="subtle" aria-expanded={showTable} aria-controls="trend-table" onClick={() => setShowTable(!showTable)} testId="toggle-trend-table">
              {showTable ? 'Hide the numbers as a table' : 'Show the numbers as a table'}
            </Button>
          </Inline>
          {showTable && (
            <Box id="trend-table">
              <DynamicTable
                label="Approvals per day"
                head={{ cells: [{ key: 'd', content: 'Day' }, { key: 's', content: 'Submitted' }, { key: 'a', content: 'Approved' }, { key: 'r', content: 'Rejected' }] }}
                rows={a.perDay.map((d) => ({ key: d.day, cells: [{ key: 'd', content: dayLabel(d.day) }, { key: 's', content: d.submitted }, { key: 'a', content: d.approved }, { key: 'r', content: d.rejected }] }))}
              />
            </Box>
          )}
        </Stack>
      )}
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
