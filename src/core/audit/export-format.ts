/** CSV (RFC 4180) and NDJSON renderings of audit records for admins (SPEC §5 export). */
import { APPROVAL_STATUSES, type ApprovalStatus, type AuditRecord } from '../domain/model';
import { PEOPLE_FIELDS, STATUS_FIELDS, TIME_FIELDS, WORKFLOW_FIELDS_OF, fieldLabel } from '../domain/audit-fields';
import { STATE_LABEL, approvalStatusWord } from '../domain/vocabulary';

export const CSV_COLUMNS = [
  'seq',
  'id',
  'time',
  'actor',
  'actorName',
  'action',
  'spaceId',
  'spaceName',
  'pageId',
  'pageName',
  'pageVersion',
  'workflowId',
  'changeSetId',
  'approvalId',
  'source',
  'clientId',
  'details',
  'detailsText',
  'prevHash',
  'hash',
] as const;

const PLAIN_ID = /^[A-Za-z0-9._:-]+$/;

/**
 * One CSV field. Quotes when RFC 4180 requires it (comma, quote, CR, LF) or when the edges are blank.
 * A cell that a spreadsheet would run as a formula (leading = + - @ TAB CR) gets a leading apostrophe
 * (OWASP CSV injection), except plain ids such as "-abc" that cannot hold a formula.
 */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !PLAIN_ID.test(text)) text = `'${text}`;
  if (/[",\r\n]/.test(text) || /^\s|\s$/.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

/** A details value as a person reads it: names for people and workflows, ISO dates, state words, "none" for null. */
function readableValue(r: AuditRecord, key: string, value: unknown, names?: Map<string, string>): string {
  if (value === null || value === undefined) return 'none';
  if (PEOPLE_FIELDS.has(key)) return [value].flat().map((id) => (typeof id === 'string' ? (names?.get(id) ?? id) : JSON.stringify(id))).join(', ') || 'none';
  if (TIME_FIELDS.has(key) && typeof value === 'number') return new Date(value).toISOString();
  if (WORKFLOW_FIELDS_OF[r.action]?.has(key) && typeof value === 'string') return names?.get(`workflow:${value}`) ?? value;
  if (STATUS_FIELDS.has(key) && (APPROVAL_STATUSES as readonly unknown[]).includes(value)) return STATE_LABEL[approvalStatusWord(value as ApprovalStatus)];
  if (Array.isArray(value)) return value.map((v) => readableValue(r, '', v, names)).join(', ') || 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** "Label: value; Label: value" for the CSV's readable details column (the raw JSON stays in `details`). */
function readableDetails(r: AuditRecord, names?: Map<string, string>): string {
  return Object.entries(r.details)
    .map(([key, value]) => `${fieldLabel(key)}: ${readableValue(r, key, value, names)}`)
    .join('; ');
}

function toCsv(records: AuditRecord[], names?: Map<string, string>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    const cells: Record<(typeof CSV_COLUMNS)[number], string | number | undefined> = {
      seq: r.seq,
      id: r.id,
      time: new Date(r.at).toISOString(),
      actor: r.actor,
      actorName: names?.get(r.actor) ?? r.actor,
      action: r.action,
      spaceId: r.spaceId,
      spaceName: names?.get(r.spaceId),
      pageId: r.pageId,
      pageName: r.pageId === undefined ? undefined : names?.get(r.pageId),
      pageVersion: r.pageVersion,
      workflowId: r.workflowId,
      changeSetId: r.changeSetId,
      approvalId: r.approvalId,
      source: r.source,
      clientId: r.clientId,
      details: JSON.stringify(r.details),
      detailsText: readableDetails(r, names),
      prevHash: r.prevHash,
      hash: r.hash,
    };
    lines.push(CSV_COLUMNS.map((c) => csvField(cells[c])).join(','));
  }
  return lines.map((line) => `${line}\r\n`).join('');
}

/**
 * One stored record per line, unchanged, so an offline verifier can recompute every hash. Readable
 * names go in a separate `display` member (present only when names are given) that verifiers drop.
 */
function toNdjson(records: AuditRecord[], names?: Map<string, string>): string {
  return records
    .map((r) => {
      if (!names) return `${JSON.stringify(r)}\n`;
      const display: Record<string, string> = { actor: names.get(r.actor) ?? r.actor, time: new Date(r.at).toISOString() };
      const space = names.get(r.spaceId);
      if (space !== undefined) display.space = space;
      const page = r.pageId === undefined ? undefined : names.get(r.pageId);
      if (page !== undefined) display.page = page;
      return `${JSON.stringify({ ...r, display })}\n`;
    })
    .join('');
}

export type ExportFormat = 'csv' | 'ndjson';

export function renderExport(records: AuditRecord[], format: ExportFormat, names?: Map<string, string>): string {
  return format === 'csv' ? toCsv(records, names) : toNdjson(records, names);
}
