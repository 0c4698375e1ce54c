/** Resolvers of change sets (SPEC 2.5, 2.5a): the space page's list, detail, create/edit, preflight, submit, archive, and the atomic set review. */
import { z } from 'zod';
import { changeSetFields as cs, changeSetStatus, changeSetUpdateChangesSomething, comment, confluenceId, decision, opaqueId, referenceUrlUpdate, rollupState } from '../../core/domain/fields';
import { FIELD_LIMITS as L } from '../../core/domain/limits';
import type { ChangeSetView, PreflightResult, SetApproval, SubmitResult } from '../../core/domain/model';
import { credentialSchema, meaningCode } from '../../core/domain/signature-fields';
import type { SetReviewPreview } from '../../core/services/changesets/atomic/preview';
import { sealedResultPage } from '../shared/edge';
import { spaceIdOf, withoutUndefined } from './context';
import { defineResolver } from './define';
import { expectedVersion, optionalSpaceId, paging } from './payload-fields';

export const changeSetResolvers = [
  defineResolver('changeSet.list', {
    writes: false,
    input: z.strictObject({
      ...optionalSpaceId,
      status: changeSetStatus.optional(),
      rollupState: rollupState.optional(),
      ...paging,
    }),
  }, async (input, env): Promise<{ changeSets: ChangeSetView[]; nextCursor?: string }> => {
    const spaceId = spaceIdOf(input, env.client);
    const query = { spaceId, status: input.status, rollupState: input.rollupState };
    const listCursor = env.listCursor('changeSet.list', { ...query, cursor: input.cursor });
    const { items, ...more } = await sealedResultPage(listCursor, (cursor) => env.engine.changeSets.list(env.caller, { ...query, cursor, limit: input.limit }));
    return { changeSets: items, ...more };
  }),
  defineResolver('changeSet.get', { writes: false, input: z.strictObject({ changeSetId: opaqueId }) }, async (input, { engine, caller }): Promise<{ changeSet: ChangeSetView }> => ({
    changeSet: await engine.changeSets.get(caller, input.changeSetId),
  })),
  defineResolver('changeSet.create', {
    writes: true,
    input: z.strictObject({
      ...optionalSpaceId,
      title: cs.title,
      summary: cs.summary.optional(),
      referenceUrl: cs.referenceUrl.optional(),
      pageRefs: cs.pageRefs,
      approvalMode: cs.approvalMode.optional(),
    }),
  }, async (input, { engine, caller, client }): Promise<{ changeSet: ChangeSetView }> => {
    const { spaceId: _spaceId, ...fields } = input;
    return { changeSet: await engine.changeSets.create(caller, { ...fields, spaceId: spaceIdOf(input, client) }) };
  }),
  defineResolver('changeSet.update', {
    writes: true,
    input: z.strictObject({
      changeSetId: opaqueId,
      title: cs.title.optional(),
      summary: cs.summary.optional(),
      referenceUrl: referenceUrlUpdate.optional(),
      pageRefs: cs.pageRefs.optional(),
      approvalMode: cs.approvalMode.optional(),
      expectedVersion,
    }).refine(...changeSetUpdateChangesSomething),
  }, async (input, { engine, caller }): Promise<{ changeSet: ChangeSetView }> => {
    const { changeSetId, ...fields } = input;
    return { changeSet: await engine.changeSets.update(caller, changeSetId, withoutUndefined(fields)) };
  }),
  // SPEC 2.5a: a decision on an atomic change set; meaning/credential are for signature steps (SPEC 2.3c)
  defineResolver('changeset.decide', {
    writes: true,
    input: z.strictObject({
      setApprovalId: opaqueId,
      decision,
      comment: comment.optional(),
      meaning: meaningCode.optional(),
      credential: credentialSchema.optional(),
      pageAck: z.array(confluenceId).min(L.pageRefs.min).max(L.pageRefs.max),
    }),
  }, async (input, { engine, caller }): Promise<{ setApproval: SetApproval }> => ({
    setApproval: await engine.changeSets.decide(caller, {
      setApprovalId: input.setApprovalId,
      decision: input.decision,
      pageAck: input.pageAck,
      ...(input.comment !== undefined ? { comment: input.comment } : {}),
      ...(input.meaning !== undefined ? { meaning: input.meaning } : {}),
      ...(input.credential !== undefined ? { credential: input.credential } : {}),
    }),
  })),
  defineResolver('changeset.decisionPreview', { writes: false, input: z.strictObject({ setApprovalId: opaqueId }) }, async (input, { engine, caller }): Promise<SetReviewPreview> => engine.changeSets.decisionPreview(caller, input.setApprovalId)),
  defineResolver('changeSet.archive', { writes: true, input: z.strictObject({ changeSetId: opaqueId }) }, async (input, { engine, caller }): Promise<{ changeSet: ChangeSetView }> => ({
    changeSet: await engine.changeSets.archive(caller, input.changeSetId),
  })),
  defineResolver('changeSet.preflight', {
    writes: false,
    input: z.strictObject({ changeSetId: opaqueId }),
  }, async (input, { engine, caller }): Promise<{ summary: { total: number; submittable: number; blocked: number }; results: PreflightResult[] }> => engine.changeSets.preflight(caller, input.changeSetId)),
  defineResolver('changeSet.submit', {
    writes: true,
    input: z.strictObject({ changeSetId: opaqueId }),
  }, async (input, { engine, caller }): Promise<{ submittedCount: number; skippedCount: number; results: SubmitResult[]; setApprovalId?: string; status?: 'pending' }> => engine.changeSets.submit(caller, input.changeSetId)),
];
