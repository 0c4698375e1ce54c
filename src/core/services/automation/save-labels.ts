/**
 * `automation.labels.save` (SPEC 3a): replaces a space's Automation label bridge, space admins (and
 * site admins) only. Each state's label is a Confluence label, distinct from the others; an empty
 * mapping turns the bridge off. Audited `automation.labels.updated` in the same transaction;
 * `expectedVersion` guards lost updates. Not retroactive: pages are relabelled at their next state change.
 */
import type { Caller } from '../../domain/caller';
import { DomainError } from '../../domain/errors';
import { labelBridgeSchema, type LabelOnState } from '../../domain/label-bridge';
import type { EngineContext } from '../context';
import { auditEntry, commitWithAudit } from '../commit';
import { keys } from '../keys';
import { withRetry } from '../retry';
import { requireSpaceAdmin } from '../workflows/guards';
import { requireViewableSpace, spaceAccessFor } from '../routing/access';
import type { LabelBridgeView } from './get-labels';
import { forgetBridgeOn, readLabelBridge } from './label-bridge-store';
import { defineOperation } from '../operation';

export const saveLabelBridge = defineOperation({
  rights: 'A space admin or site admin (FORBIDDEN 403, audited); a space the caller cannot view answers SPACE_NOT_FOUND (404, audited).',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string, labelOnState: LabelOnState, expectedVersion?: number): Promise<LabelBridgeView> {
    const access = spaceAccessFor(ctx, caller);
    await requireViewableSpace(ctx, caller, access, spaceId, 'automation.labels.save');
    await requireSpaceAdmin(ctx, caller, access, spaceId, 'automation.labels.save');
    const parsed = labelBridgeSchema.safeParse({ spaceId, labelOnState });
    if (!parsed.success) {
      throw new DomainError('INVALID_REQUEST', 'Each state needs its own Confluence label.', parsed.error.issues.map((i) => ({ field: ['labelOnState', ...i.path.slice(1)].join('.'), reason: i.message })));
    }
    return withRetry(ctx, async () => {
      const current = await readLabelBridge(ctx, spaceId);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new DomainError('VERSION_CONFLICT', 'The Automation labels changed since you read them; reload and try again.');
      }
      const condition = current.item ? ({ kind: 'version', version: current.item.version } as const) : ({ kind: 'absent' } as const);
      const next = parsed.data.labelOnState;
      await commitWithAudit(ctx, [{ op: 'put', key: keys.labelBridge(spaceId), value: parsed.data, condition }], [
        auditEntry(caller, 'automation.labels.updated', spaceId, { details: { approved: next.approved ?? '', rejected: next.rejected ?? '', stale: next.stale ?? '' } }),
      ]);
      forgetBridgeOn(ctx, spaceId);
      return { spaceId, labelOnState: next, version: current.version + 1, canEdit: true };
    });
  },
});
