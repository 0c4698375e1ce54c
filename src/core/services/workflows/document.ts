/**
 * Portable workflow documents (SPEC 2.1b), format `approvalflow.workflow/v1`: the definition
 * (definition.ts) with every approver, wherever it appears in a step, replaced by a ref into one
 * `principals[]` table, so a site-specific id is replaced in one place; `sha256` over the canonical
 * JSON (RFC 8785) without it. Pure: building, checking and resolving documents.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DomainError, type ErrorDetail } from '../../domain/errors';
import { GROUP_PREFIX } from '../../domain/approvers';
import { canonicalJson } from '../../domain/canonical-json';
import type { WorkflowDefinition } from './definition';
import { FIELD_LIMITS as L } from '../../domain/limits';

/** What importing a document would resolve to on this site (the preview; nothing is written). */
export interface ImportPreview {
  name: string;
  sha256: string;
  exportedFrom: WorkflowDocument['exportedFrom'];
  principals: { ref: string; type: Principal['type']; displayName?: string; id: string; status: 'resolved' | 'unresolved' }[];
}

export const DOCUMENT_FORMAT = 'approvalflow.workflow/v1';
const REF = /^p[0-9]{1,4}$/;

const principalSchema = z.union([
  z.strictObject({ ref: z.string().regex(REF), type: z.literal('user'), accountId: z.string().min(1).max(L.accountId.max), displayName: z.string().max(L.documentText.max).optional() }),
  z.strictObject({ ref: z.string().regex(REF), type: z.literal('group'), groupId: z.string().min(1).max(L.accountId.max), displayName: z.string().max(L.documentText.max).optional() }),
]);
export type Principal = z.infer<typeof principalSchema>;

export const documentSchema = z.strictObject({
  $schema: z.string().max(L.referenceUrl.max).optional(),
  format: z.literal(DOCUMENT_FORMAT),
  name: z.string().min(L.workflowName.min).max(L.workflowName.max),
  steps: z.array(z.record(z.string(), z.unknown())).min(L.steps.min).max(L.steps.max),
  settings: z.record(z.string(), z.unknown()),
  // at most every approver of every step distinct
  principals: z.array(principalSchema).max(L.steps.max * L.approvers.max),
  exportedFrom: z.strictObject({ cloudId: z.string().max(L.documentText.max).optional(), spaceKey: z.string().max(L.documentText.max) }),
  exportedAt: z.string().max(L.documentText.max),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type WorkflowDocument = z.infer<typeof documentSchema>;

/** Maps every `approvers` array anywhere inside a step (short form, groups[], later shapes) through `map`. */
export function mapApprovers(value: unknown, map: (id: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapApprovers(v, map));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]): [string, unknown] => [
      k,
      k === 'approvers' && Array.isArray(v) ? (v as unknown[]).map((id) => (typeof id === 'string' ? map(id) : id)) : mapApprovers(v, map),
    ]),
  );
}

export function checksumOf(document: Omit<WorkflowDocument, 'sha256'> & { sha256?: string }): string {
  const { sha256: _ignored, ...rest } = document;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}

/** The document of a definition; `names` gives display names of the principals it knows. */
export function toDocument(def: WorkflowDefinition, from: { cloudId?: string; spaceKey: string }, at: number, names: ReadonlyMap<string, string>): WorkflowDocument {
  const refs = new Map<string, string>();
  const refOf = (id: string): string => {
    let ref = refs.get(id);
    if (!ref) refs.set(id, (ref = `p${refs.size + 1}`));
    return ref;
  };
  const { name, steps, ...settings } = def;
  const mappedSteps = mapApprovers(steps, refOf) as Record<string, unknown>[];
  const principals: Principal[] = [...refs].map(([id, ref]) => {
    const displayName = names.get(id);
    const named = displayName ? { displayName } : {};
    return id.startsWith(GROUP_PREFIX) ? { ref, type: 'group', groupId: id.slice(GROUP_PREFIX.length), ...named } : { ref, type: 'user', accountId: id, ...named };
  });
  const body = { format: DOCUMENT_FORMAT, name, steps: mappedSteps, settings: settings as Record<string, unknown>, principals, exportedFrom: from, exportedAt: new Date(at).toISOString() } as const;
  return { ...body, sha256: checksumOf(body) };
}

/** JSON pointers of zod issues (RFC 6901), prefixed by where the checked value sits in the document. */
export function pointerDetails(issues: readonly z.core.$ZodIssue[], prefix = ''): ErrorDetail[] {
  return issues.map((i) => ({ field: `${prefix}/${i.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`, code: 'IMPORT_SCHEMA_INVALID', reason: i.message }));
}

export function schemaInvalid(details: ErrorDetail[]): DomainError {
  return new DomainError('IMPORT_SCHEMA_INVALID', 'The workflow document does not match approvalflow.workflow/v1; see details.', details);
}

/** The document, checked for shape and checksum (400 IMPORT_SCHEMA_INVALID / IMPORT_CHECKSUM_MISMATCH). */
export function parseDocument(raw: unknown): WorkflowDocument {
  const parsed = documentSchema.safeParse(raw);
  if (!parsed.success) throw schemaInvalid(pointerDetails(parsed.error.issues));
  const refs = parsed.data.principals.map((p) => p.ref);
  if (new Set(refs).size !== refs.length) throw schemaInvalid([{ field: '/principals', code: 'IMPORT_SCHEMA_INVALID', reason: 'refs must be unique' }]);
  if (checksumOf(parsed.data) !== parsed.data.sha256) {
    throw new DomainError('IMPORT_CHECKSUM_MISMATCH', 'The workflow document was changed after it was exported (sha256 does not match).');
  }
  return parsed.data;
}

/** The principal id a ref stands for on this site: the document's, or the importer's replacement. */
export function principalId(p: Principal, principalMap: Readonly<Record<string, string>>): string {
  const mapped = principalMap[p.ref];
  if (mapped !== undefined) return mapped;
  return p.type === 'group' ? `${GROUP_PREFIX}${p.groupId}` : p.accountId;
}
