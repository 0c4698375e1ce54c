/** Change sets (SPEC 2.5): one use case per module. */
import type { ChangeSetService } from '../engine';
import type { EngineContext } from '../context';
import { changeSetsOfPage, getChangeSet, listChangeSets } from './read';
import { createChangeSet } from './create';
import { archiveChangeSet, updateChangeSet } from './edit';
import { preflightChangeSet, submitChangeSet } from './submit';
import { decideSet } from './atomic/decide';

export function createChangeSetService(ctx: EngineContext): ChangeSetService {
  return {
    list: (caller, query) => listChangeSets(ctx, caller, query),
    get: (caller, changeSetId) => getChangeSet(ctx, caller, changeSetId),
    create: (caller, input, options) => createChangeSet(ctx, caller, input, options),
    update: (caller, changeSetId, input) => updateChangeSet(ctx, caller, changeSetId, input),
    archive: (caller, changeSetId) => archiveChangeSet(ctx, caller, changeSetId),
    preflight: (caller, changeSetId) => preflightChangeSet(ctx, caller, changeSetId),
    submit: (caller, changeSetId) => submitChangeSet(ctx, caller, changeSetId),
    decide: (caller, input) => decideSet(ctx, caller, input),
    forPage: (caller, pageId, options = {}) => changeSetsOfPage(ctx, caller, pageId, options),
  };
}
