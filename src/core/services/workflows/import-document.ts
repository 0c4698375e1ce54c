/**
 * `workflow.import` of a document (SPEC 2.1b), space admins only: creates the workflow disabled,
 * owned by the importer, audited `workflow.imported` with the source and the hash. Never imported:
 * owners, the enabled flag, assignments, routing rules, approvals.
 */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import { workflowSchema } from '../../domain/schemas';
import { workflowDefinitionRules } from '../../domain/fields';
import type { EngineContext } from '../context';
import { FIELD_LIMITS } from '../../domain/limits';
import { listSpaceWorkflows } from './store';
import type { SavedWorkflow } from './types';
import { createNew } from './create';
import type { WorkflowDefinition } from './definition';
import { mapApprovers, parseDocument, pointerDetails, schemaInvalid, type WorkflowDocument } from './document';
import { requireImporter, resolvePrincipals, type PrincipalMap } from './import-principals';
import { defineOperation } from '../operation';

/** The definition the document describes on this site, validated as a stored workflow is and by the edge's name and step rules (unknown settings refused). */
function definitionFrom(doc: WorkflowDocument, idOf: ReadonlyMap<string, string>, spaceId: string, caller: Caller): WorkflowDefinition {
  const steps = mapApprovers(doc.steps, (ref) => idOf.get(ref) ?? ref);
  const candidate = { ...doc.settings, name: doc.name, steps, id: 'import', spaceId, owners: [caller.accountId], enabled: false, createdAt: 0, createdBy: caller.accountId, updatedAt: 0, updatedBy: caller.accountId, version: 1 };
  // stored-workflow shape first, then the rules every way in writes (unique approvers, group keys, lengths)
  const parsed = workflowSchema.safeParse(candidate);
  const rules = parsed.success ? workflowDefinitionRules.safeParse(candidate) : undefined;
  const issues = !parsed.success ? parsed.error.issues : rules?.success === false ? rules.error.issues : [];
  if (!parsed.success || issues.length > 0) {
    throw schemaInvalid(issues.map((i) => {
      const [head, ...rest] = i.path;
      const prefix = head === 'name' || head === 'steps' ? '' : '/settings';
      return pointerDetails([{ ...i, path: [head ?? '', ...rest] }], prefix)[0]!;
    }));
  }
  const unknown = Object.keys(doc.settings).filter((k) => !(k in parsed.data) || k === 'name' || k === 'steps');
  if (unknown.length > 0) throw schemaInvalid(unknown.map((k) => ({ field: `/settings/${k}`, code: 'IMPORT_SCHEMA_INVALID', reason: 'not a workflow setting' })));
  const { id: _i, spaceId: _s, owners: _o, enabled: _e, createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, version: _v, ...definition } = parsed.data;
  return definition;
}

export const importDocument = defineOperation({
  rights: 'A space admin of the target space (FORBIDDEN 403, audited); a space the caller cannot view answers SPACE_NOT_FOUND.',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string, raw: unknown, map: PrincipalMap = {}): Promise<SavedWorkflow> {
    await requireImporter(ctx, caller, spaceId, 'workflow.import');
    const doc = parseDocument(raw);
    const principals = await resolvePrincipals(ctx, doc, map);
    const unresolved = principals.filter((p) => p.status === 'unresolved');
    if (unresolved.length > 0) {
      throw new DomainError('UNKNOWN_APPROVER', 'Some principals of the document do not exist on this site; map them and try again.', unresolved.map((p) => ({ field: `/principals/${p.ref}`, code: 'UNKNOWN_APPROVER', reason: `${p.type} ${p.id} not found` })));
    }
    const definition = definitionFrom(doc, new Map(principals.map((p) => [p.ref, p.id])), spaceId, caller);
    const taken = new Set((await listSpaceWorkflows(ctx, spaceId)).map((w) => w.name));
    const name = taken.has(definition.name) ? `${definition.name} (imported)`.slice(0, FIELD_LIMITS.workflowName.max) : definition.name;
    return createNew(ctx, caller, spaceId, { ...definition, name, owners: [caller.accountId], enabled: false }, 'workflow.imported', {
      source: 'document',
      sha256: doc.sha256,
      ...(doc.exportedFrom.cloudId ? { sourceCloudId: doc.exportedFrom.cloudId } : {}),
      sourceSpaceKey: doc.exportedFrom.spaceKey,
    });
  },
});
