/**
 * The Analytics tab's parts: number cards, the dated daily trend (recharts, with the same numbers as
 * a table for assistive technology) and the workflow comparison. Loaded only with the tab (the chart
 * library is lazy), so nothing else imports this file.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { token } from '@atlaskit/tokens';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AnalyticsSummary } from '../../../src/transport/resolvers/contract';
import { humanDuration } from './ui';

/** "3 Dec" on the axis and in the table; "3 Dec 2026" where the range is named. */
const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const fullDayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

export function Stat({ label, value, testId }: { label: string; value: string | number | null; testId: string }) {
  return (
    <Box padding="space.150" backgroundColor="color.background.neutral.subtle" testId={testId}>
      <Stack space="space.050">
        <Heading size="large" as="div" testId={`${testId}-value`}>
          {value === null ? '—' : value}
        </Heading>
        <Text color="color.text.subtle">{label}</Text>
      </Stack>
    </Box>
  );
}

const SERIES = [
  { key: 'submitted', name: 'Submitted', color: 'color.chart.blue.bold' },
  { key: 'approved', name: 'Approved', color: 'color.chart.green.bold' },
  { key: 'rejected', name: 'Changes requested', color: 'color.chart.orange.bold' },
  { key: 'cancelled', name: 'Cancelled', color: 'color.chart.gray.bold' },
] as const;

export function Trend({ a }: { a: AnalyticsSummary }) {
  const [showTable, setShowTable] = useState(false);
  const data = a.perDay.map((d) => ({ ...d, label: dayLabel(d.day) }));
  const total = (key: (typeof SERIES)[number]['key']) => a.perDay.reduce((n, d) => n + d[key], 0);
  return (
    <Stack space="space.100">
      <Heading size="small" as="h2" id="trend-title">
        Approvals per day, {fullDayLabel(a.from)} to {fullDayLabel(a.to)}
      </Heading>
      <Box role="img" aria-labelledby="trend-title" aria-describedby="trend-summary" testId="analytics-chart">
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke={token('color.border')} />
            <XAxis dataKey="label" tick={{ fill: token('color.text.subtle'), fontSize: 12 }} interval="preserveStartEnd" minTickGap={16} />
            <YAxis allowDecimals={false} tick={{ fill: token('color.text.subtle'), fontSize: 12 }} width={32} />
            <Tooltip contentStyle={{ background: token('elevation.surface.overlay'), color: token('color.text'), border: `1px solid ${token('color.border')}` }} />
            <Legend />
            {SERIES.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.name} fill={token(s.color)} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </Box>
      <Text as="p" id="trend-summary" color="color.text.subtle">
        In total {SERIES.map((s) => `${total(s.key)} ${s.name.toLowerCase()}`).join(', ')} between {fullDayLabel(a.from)} and {fullDayLabel(a.to)}.
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
            head={{ cells: [{ key: 'd', content: 'Date' }, ...SERIES.map((s) => ({ key: s.key, content: s.name }))] }}
            rows={a.perDay.map((d) => ({ key: d.day, cells: [{ key: 'd', content: dayLabel(d.day) }, ...SERIES.map((s) => ({ key: s.key, content: d[s.key] }))] }))}
          />
        </Box>
      )}
    </Stack>
  );
}

export function WorkflowComparison({ a }: { a: AnalyticsSummary }) {
  return (
    <Stack space="space.100">
      <Heading size="small" as="h2">
        Workflow comparison
      </Heading>
      {a.byWorkflow.length === 0 ? (
        <Text as="p">No approvals in this range.</Text>
      ) : (
        <DynamicTable
          label="Workflow comparison"
          testId="workflow-comparison"
          head={{
            cells: ['Workflow', 'Submitted', 'Approved', 'Changes requested', 'Cancelled', 'Median time to decision'].map((c) => ({ key: c, content: c })),
          }}
          rows={a.byWorkflow.map((w) => ({
            key: w.workflowId,
            cells: [
              { key: 'n', content: w.name },
              { key: 's', content: w.submitted },
              { key: 'a', content: w.approved },
              { key: 'r', content: w.rejected },
              { key: 'c', content: w.cancelled },
              { key: 'm', content: w.medianHoursToDecision === null ? 'No decisions' : humanDuration(w.medianHoursToDecision) },
            ],
          }))}
        />
      )}
    </Stack>
  );
}
