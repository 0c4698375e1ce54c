/**
 * What `workflow.import.preview` and `workflow.import` of a document (SPEC 2.1b) share: who may
 * import (space admins of the target space) and how the document's principals resolve on this site
 * (after the importer's `principalMap`, ref → approver id).
 */
import type { Caller } from '../../domain/caller';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { GROUP_PREFIX } from '../../domain/approvers';
import { requireSpaceAdmin } from './guards';
import { principalId, type ImportPreview, type WorkflowDocument } from './document';

export type PrincipalMap = Readonly<Record<string, string>>;

export async function resolvePrincipals(ctx: EngineContext, doc: WorkflowDocument, map: PrincipalMap): Promise<ImportPreview['principals']> {
  const ids = doc.principals.map((p) => principalId(p, map));
  const users = ids.filter((id) => !id.startsWith(GROUP_PREFIX));
  const groups = ids.filter((id) => id.startsWith(GROUP_PREFIX)).map((id) => id.slice(GROUP_PREFIX.length));
  const [known, groupsFound] = await Promise.all([ctx.confluence.getUsers(users), ctx.confluence.existingGroups(groups)]);
  return doc.principals.map((p, i) => {
    const id = ids[i] ?? '';
    const found = id.startsWith(GROUP_PREFIX) ? groupsFound.has(id.slice(GROUP_PREFIX.length)) : known.has(id);
    return { ref: p.ref, type: p.type, ...(p.displayName ? { displayName: p.displayName } : {}), id, status: found ? 'resolved' : 'unresolved' };
  });
}

export async function requireImporter(ctx: EngineContext, caller: Caller, spaceId: string, operation: string): Promise<void> {
  await requireSpaceAdmin(ctx, caller, new SpaceAccess(ctx, caller.accountId), spaceId, operation);
}
