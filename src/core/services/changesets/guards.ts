/**
 * Who may do what with a change set (SPEC 2.5): anyone who can view its space reads it (others get
 * the answer a missing one gets, and an access.denied record); only its creator or a space admin
 * updates, archives or submits it (403 and one access.denied record, nothing else).
 */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { ChangeSet } from '../../domain/model';
import type { EngineContext } from '../context';
import type { SpaceAccess } from '../access';
import { denial, requireVisible } from '../denials';
import type { LoadedChangeSet } from './store';
import { changeSetNotFound, loadChangeSet } from './store';

export async function loadReadableChangeSet(ctx: EngineContext, caller: Caller, access: SpaceAccess, changeSetId: string, operation: string): Promise<LoadedChangeSet> {
  const record = await loadChangeSet(ctx, changeSetId);
  return requireVisible(ctx, caller, access, { record, spaceIdOf: (l) => l.cs.spaceId, notFound: changeSetNotFound }, { operation, changeSetId });
}

export async function requireManage(ctx: EngineContext, caller: Caller, access: SpaceAccess, cs: ChangeSet, operation: string): Promise<void> {
  if (cs.createdBy === caller.accountId || (await access.isAdmin(cs.spaceId))) return;
  throw await denial(ctx, caller, new DomainError('FORBIDDEN', 'Only the creator or a space admin can change this change set.'), cs.spaceId, {
    operation,
    changeSetId: cs.id,
  });
}
