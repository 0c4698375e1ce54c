/**
 * The CSV export reads like the audit trail (issue 24): beside the raw JSON `details`, a
 * `detailsText` column with people and workflows by name, ISO dates instead of epoch milliseconds,
 * state words instead of statuses and "none" instead of null.
 */
import { CSV_COLUMNS, renderExport } from '../../src/core/audit/export-format';
import type { AuditRecord } from '../../src/core/domain/model';

const base = { seq: 1, id: 'a1', at: Date.UTC(2026, 11, 7), actor: 'system', spaceId: '1001', source: 'ui', prevHash: 'p', hash: 'h' } as unknown as AuditRecord;

function detailsTextOf(record: AuditRecord, names: Map<string, string>): string {
  const [, row] = renderExport([record], 'csv', names).trim().split('\r\n');
  const cells = row.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
  return cells[CSV_COLUMNS.indexOf('detailsText')];
}

describe('audit CSV detailsText', () => {
  it('names the people notified and gives the due date as a date', () => {
    const record = { ...base, action: 'review.due', pageId: '2001', details: { reviewDueAt: Date.UTC(2027, 2, 7), notified: ['acc-bob', 'acc-carol'] } } as AuditRecord;
    const names = new Map([['acc-bob', 'Bob Author'], ['acc-carol', 'Carol Reviewer']]);
    expect(detailsTextOf(record, names)).toBe('Review due at: 2027-03-07T00:00:00.000Z; Notified: Bob Author, Carol Reviewer');
  });

  it('names workflows of an assignment change and says "none" for no previous one', () => {
    const record = { ...base, action: 'assignment.changed', details: { from: null, to: 'wf_0mxclxekb1dC' } } as AuditRecord;
    expect(detailsTextOf(record, new Map([['workflow:wf_0mxclxekb1dC', 'Docs legal review']]))).toBe('From: none; To: Docs legal review');
  });

  it('uses the state vocabulary for statuses', () => {
    const record = { ...base, action: 'assignment.cleared', details: { from: 'wf-x', previousStatus: 'rejected' } } as AuditRecord;
    expect(detailsTextOf(record, new Map())).toBe('From: wf-x; Previous status: Changes requested');
  });
});
