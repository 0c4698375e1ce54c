/**
 * CSV and HTML exports of the Analytics tab (issue 11 item 7), with readable names: workflow names,
 * people's display names, page titles and ISO dates. CSV cells go through the audit export's one
 * field rule (RFC 4180 quoting, formula-injection prefix); every HTML text is escaped.
 */
import { csvField } from '../audit/export-format';
import type { AnalyticsCards, ApprovalRow, ApprovalSummary, Outcome } from './summary';
import { decisionMs } from './summary';
import { STATE_LABEL } from '../domain/vocabulary';

export interface AnalyticsReport {
  spaceName: string;
  /** inclusive UTC dates, YYYY-MM-DD */
  from: string;
  to: string;
  workflowName?: string;
  cards: AnalyticsCards;
  summary: ApprovalSummary;
  rows: ApprovalRow[];
  /** display names by account id, page titles by page id, workflow names by id */
  names: { people: ReadonlyMap<string, string>; pages: ReadonlyMap<string, string>; workflows: ReadonlyMap<string, string> };
}

/** Outcomes in the one vocabulary (domain/vocabulary.ts). */
export const OUTCOME_LABEL: Record<Outcome, string> = { approved: STATE_LABEL.approved, rejected: STATE_LABEL.changes_requested, cancelled: STATE_LABEL.cancelled };
const NO_OUTCOME = 'No decision in range';

const iso = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());
const hoursOf = (row: ApprovalRow): string => {
  const ms = decisionMs(row);
  return ms === null ? '' : String(Math.round((ms / 3_600_000) * 100) / 100);
};

const ROW_COLUMNS = ['Page', 'Page id', 'Workflow', 'Submitted by', 'Submitted at', 'Outcome', 'Decided by', 'Decided at', 'Hours to decision'] as const;

function rowCells(row: ApprovalRow, names: AnalyticsReport['names']): string[] {
  const person = (id: string | undefined) => (id === undefined ? '' : (names.people.get(id) ?? id));
  return [
    row.pageId === undefined ? '' : (names.pages.get(row.pageId) ?? `Page ${row.pageId}`),
    row.pageId ?? '',
    names.workflows.get(row.workflowId) ?? row.workflowId,
    person(row.submittedBy),
    iso(row.submittedAt),
    row.outcome ? OUTCOME_LABEL[row.outcome.kind] : NO_OUTCOME,
    person(row.outcome?.by),
    iso(row.outcome?.at),
    hoursOf(row),
  ];
}

/** One line per approval of the range (a spreadsheet pivots it); CRLF line ends as RFC 4180 says. */
export function analyticsCsv(report: AnalyticsReport): string {
  const lines = [ROW_COLUMNS.map((c) => csvField(c)).join(',')];
  for (const row of report.rows) lines.push(rowCells(row, report.names).map((c) => csvField(c)).join(','));
  return lines.map((line) => `${line}\r\n`).join('');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const cell = (tag: 'td' | 'th', value: string | number | null) => `<${tag}>${escapeHtml(value === null ? '—' : String(value))}</${tag}>`;
const table = (caption: string, head: string[], rows: (string | number | null)[][]) =>
  `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head.map((h) => cell('th', h)).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => cell('td', v)).join('')}</tr>`)
    .join('')}</tbody></table>`;

function cardRows(cards: AnalyticsCards): (string | number | null)[][] {
  return [
    ['Total', cards.total],
    ['In approval', cards.inApproval],
    ['Approved', cards.approved],
    ['Changes requested', cards.changesRequested],
    ['Cancelled', cards.cancelled],
    ['Due for review', cards.due],
    ['Expired', cards.expired],
  ];
}

/** A standalone, printable page: the cards, the workflow comparison, the daily trend and every approval. */
export function analyticsHtml(report: AnalyticsReport): string {
  const { summary } = report;
  const title = `ApprovalFlow analytics, ${report.spaceName}`;
  const scope = `${report.from} to ${report.to}${report.workflowName ? `, workflow ${report.workflowName}` : ', all workflows'}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:4px 8px;text-align:left}caption{font-weight:bold;text-align:left}</style></head><body>
<h1>${escapeHtml(title)}</h1><p>${escapeHtml(scope)}</p>
${table('Summary', ['Measure', 'Count'], cardRows(report.cards))}
${table(
  'Workflow comparison',
  ['Workflow', 'Submitted', 'Approved', 'Changes requested', 'Cancelled', 'Median hours to decision'],
  summary.byWorkflow.map((w) => [w.name, w.submitted, w.approved, w.rejected, w.cancelled, w.medianHoursToDecision]),
)}
${table('Daily trend', ['Date', 'Submitted', 'Approved', 'Changes requested', 'Cancelled'], summary.perDay.map((d) => [d.day, d.submitted, d.approved, d.rejected, d.cancelled]))}
${table('Approvals', [...ROW_COLUMNS], report.rows.map((r) => rowCells(r, report.names)))}
</body></html>
`;
}
