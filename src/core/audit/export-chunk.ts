/**
 * The audit export in chunks (issue 23): each call reads the next records once, newest first, and
 * answers them rendered with a cursor to the rest, so no response nears the 5 MB invoke limit and
 * no invocation nears 25 s, whatever the trail holds. A chunk ends at a list page boundary once it
 * holds CHUNK_RECORDS records, CHUNK_LIST_PAGES list pages (a sparse filter: a chunk may be short,
 * even empty, with a cursor) or its rendered size would pass CHUNK_MAX_BYTES; the CSV header
 * comes with the first chunk only, so the chunks joined in order are the whole file.
 */
import type { AuditFilter, AuditRecord } from '../domain/model';
import { renderExport, type ExportFormat } from './export-format';
import { MAX_LIST_LIMIT, listRecords, type QueryDeps } from './query';

/** Below Forge's 5 MB bridge response, with room for the envelope (bench key auditExport.maxChunkBytes100k). */
export const CHUNK_MAX_BYTES = 4_000_000;
/** Records per chunk: ~2 store calls per 100, so a chunk stays a few seconds even at 50 ms per call. */
export const CHUNK_RECORDS = 5_000;
/** List pages per chunk: a sparse filter's pages come back short, so time is bounded by pages, not records (≤ 5 index queries each). */
export const CHUNK_LIST_PAGES = 50;

export interface ExportChunk {
  content: string;
  /** records in this chunk */
  records: number;
  nextCursor?: string;
}

/** Readable names of what these records refer to (people, spaces, pages, workflows); asked once per chunk. */
export type NamesOf = (records: AuditRecord[]) => Promise<Map<string, string>>;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

export interface ChunkLimits {
  records: number;
  bytes: number;
}

export async function exportChunk(
  deps: QueryDeps,
  filter: AuditFilter,
  format: ExportFormat,
  options: { cursor?: string; namesOf?: NamesOf; limits?: ChunkLimits },
): Promise<ExportChunk> {
  const limits = options.limits ?? { records: CHUNK_RECORDS, bytes: CHUNK_MAX_BYTES };
  const first = options.cursor === undefined;
  // pages of records with the cursor that reads each, so a chunk can end before any page
  const pages: Array<{ startCursor: string | undefined; items: AuditRecord[] }> = [];
  let cursor = options.cursor;
  let count = 0;
  let rawBytes = 0;
  do {
    const page = await listRecords(deps, filter, { limit: MAX_LIST_LIMIT, ...(cursor ? { cursor } : {}) });
    pages.push({ startCursor: cursor, items: page.items });
    count += page.items.length;
    rawBytes += page.items.reduce((sum, r) => sum + bytes(JSON.stringify(r)), 0);
    cursor = page.nextCursor;
    // stored JSON is about half the rendered size (readable names and details beside the ids)
  } while (cursor && count < limits.records && rawBytes * 2 < limits.bytes && pages.length < CHUNK_LIST_PAGES);
  for (;;) {
    const records = pages.flatMap((p) => p.items);
    const names = options.namesOf ? await options.namesOf(records) : undefined;
    const content = withoutHeader(renderExport(records, format, names), format, first);
    // a chunk over the bound gives back its last page (never the first: one page of 100 always fits)
    if (bytes(content) <= limits.bytes || pages.length === 1) {
      return { content, records: records.length, ...(cursor ? { nextCursor: cursor } : {}) };
    }
    cursor = pages.pop()!.startCursor;
  }
}

/** Chunks after the first carry no CSV header line. */
function withoutHeader(content: string, format: ExportFormat, first: boolean): string {
  if (format !== 'csv' || first) return content;
  return content.slice(content.indexOf('\r\n') + 2);
}
