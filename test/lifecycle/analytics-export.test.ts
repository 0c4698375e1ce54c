/** Analytics exports (issue 11 item 7): readable names, ISO dates, formula-safe CSV, escaped HTML. */
import { analyticsCsv, analyticsHtml, type AnalyticsReport } from '../../src/core/analytics/export';
import { summarizeRows, type ApprovalRow } from '../../src/core/analytics/summary';

const AT = Date.UTC(2026, 2, 1, 9, 0, 0);
const rows: ApprovalRow[] = [
  { approvalId: 'a1', pageId: '11', workflowId: 'wf-1', submittedBy: 'acc-1', submittedAt: AT, outcome: { kind: 'approved', at: AT + 3_600_000 * 5, by: 'acc-2' } },
  { approvalId: 'a2', pageId: '12', workflowId: 'wf-2', submittedBy: 'acc-3', submittedAt: AT },
];
const filter = { from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 2, 2) - 1 };
const names = {
  people: new Map([['acc-1', '+Ann <Author>'], ['acc-2', '@Rex']]),
  pages: new Map([['11', '-2+3 budget']]),
  workflows: new Map([['wf-1', '=cmd|"/c calc"!A1'], ['wf-2', 'Plain & simple']]),
};
const report: AnalyticsReport = {
  spaceName: 'R&D <team>',
  from: '2026-03-01',
  to: '2026-03-01',
  cards: { total: 2, inApproval: 1, approved: null, changesRequested: 0, cancelled: 0, due: 3, expired: 0 },
  summary: summarizeRows(rows, filter, names.workflows),
  rows,
  names,
};

test('CSV prefixes every cell a spreadsheet would run as a formula and quotes as RFC 4180 says', () => {
  const [head, first, second] = analyticsCsv(report).split('\r\n');
  expect(head).toBe('Page,Page id,Workflow,Submitted by,Submitted at,Outcome,Decided by,Decided at,Hours to decision');
  expect(first).toBe(`'-2+3 budget,11,"'=cmd|""/c calc""!A1",'+Ann <Author>,2026-03-01T09:00:00.000Z,Approved,'@Rex,2026-03-01T14:00:00.000Z,5`);
  // unknown names fall back to readable placeholders or the id, never to an empty cell
  expect(second).toBe('Page 12,12,Plain & simple,acc-3,2026-03-01T09:00:00.000Z,No decision in range,,,');
});

test('HTML escapes every name and shows a hidden number as a dash', () => {
  const html = analyticsHtml(report);
  expect(html).toContain('<title>ApprovalFlow analytics, R&#38;D &#60;team&#62;</title>');
  expect(html).toContain('<td>+Ann &#60;Author&#62;</td>');
  expect(html).toContain('<td>Plain &#38; simple</td>');
  expect(html).toContain('<tr><td>Approved</td><td>—</td></tr>');
  expect(html).toContain('<tr><td>2026-03-01</td><td>2</td><td>1</td><td>0</td><td>0</td></tr>');
  expect(html).not.toMatch(/<Author>|<team>/);
});
