/** Who may see and change a space's routing rules: viewers read them (as workflows), space admins save them (SPEC 2.2a). */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import type { EngineContext } from '../context';
import { SpaceAccess } from '../access';
import { denial } from '../denials';

/** A space the caller cannot view answers like a missing one (404, audited). */
export async function requireViewableSpace(ctx: EngineContext, caller: Caller, access: SpaceAccess, spaceId: string, operation: string): Promise<void> {
  if (await access.canView(spaceId)) return;
  throw await denial(ctx, caller, new DomainError('SPACE_NOT_FOUND', 'Space not found.'), spaceId, { operation });
}

export function spaceAccessFor(ctx: EngineContext, caller: Caller): SpaceAccess {
  return new SpaceAccess(ctx, caller.accountId);
}
