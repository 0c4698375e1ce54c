/**
 * The former approvers of a workflow's steps (services/workflows/former-approvers.ts): what a save
 * records, and when an entry may go (no pending approval can hold it any more).
 */
import { FIELD_LIMITS } from '../../src/core/domain/limits';
import type { Workflow } from '../../src/core/domain/model';
import { MAX_FORMER_ENTRIES, pruned, stepsToAsk, withSave, type FormerApprovers } from '../../src/core/services/workflows/former-approvers';

const DAY = 86_400_000;
const T = Date.UTC(2026, 0, 5);

const workflow = (steps: string[][]): Workflow => ({
  id: 'wf-1', spaceId: '1001', name: 'W', enabled: true, owners: [], allowSelfApproval: false,
  steps: steps.map((approvers) => ({ approvers, mode: 'any' as const })),
  createdAt: T, createdBy: 'system', updatedAt: T, updatedBy: 'system', version: 1,
});

test('a save records who left each step, removed steps included; a principal put back leaves the record', () => {
  const first = withSave({ entries: [] }, workflow([['a', 'group:g'], ['b']]), workflow([['a']]), T);
  expect(first.entries).toEqual([
    { step: 0, principal: 'group:g', until: T },
    { step: 1, principal: 'b', until: T },
  ]);
  const second = withSave(first, workflow([['a']]), workflow([['a', 'group:g'], ['c']]), T + 1);
  expect(second.entries).toEqual([{ step: 1, principal: 'b', until: T }]);
  // removed again later: the newer time counts
  const third = withSave(second, workflow([['a'], ['b']]), workflow([['a'], ['c']]), T + 2);
  expect(third.entries).toEqual([{ step: 1, principal: 'b', until: T + 2 }]);
});

test('an entry stays while a pending approval submitted up to a day after its removal may hold it', () => {
  const former: FormerApprovers = { entries: [{ step: 0, principal: 'a', until: T }] };
  expect(pruned(former, T + DAY - 1, T + 10 * DAY).entries).toHaveLength(1);
  expect(pruned(former, T + DAY + 1, T + 10 * DAY).entries).toEqual([]);
  // nothing listed as pending: only the margin before now protects a submit the index does not show yet
  expect(pruned(former, undefined, T + DAY - 1).entries).toHaveLength(1);
  expect(pruned(former, undefined, T + DAY + 1).entries).toEqual([]);
});

test('past the cap the oldest go and the workflow is open (every step asked) until they could be pruned', () => {
  const entries = Array.from({ length: MAX_FORMER_ENTRIES + 3 }, (_, i) => ({ step: 0, principal: `p${i}`, until: T + i }));
  const capped = pruned({ entries }, T, T + 1000);
  expect(capped.entries).toHaveLength(MAX_FORMER_ENTRIES);
  expect(capped.entries.map((e) => e.principal)).not.toContain('p0');
  expect(capped.openUntil).toBe(T + 2);
  expect(capped.openSteps).toBe(1);
  expect(pruned(capped, T + 3 + DAY, T + 3 + DAY).openUntil).toBeUndefined();
});

test('an open workflow asks every step its dropped entries named, beyond its current steps and kept entries', () => {
  // the oldest entries (dropped by the cap) name step 3 of a workflow that now has one step
  const entries = [
    ...Array.from({ length: 3 }, (_, i) => ({ step: 3, principal: `gone${i}`, until: T + i })),
    ...Array.from({ length: MAX_FORMER_ENTRIES }, (_, i) => ({ step: 1, principal: `p${i}`, until: T + 10 + i })),
  ];
  const capped = pruned({ entries }, T, T + 1000);
  expect(capped.entries.some((e) => e.step === 3)).toBe(false);
  expect(capped.openSteps).toBe(4);
  expect(stepsToAsk(workflow([['a']]), capped)).toBe(4);
  // pruned later, the dropped steps are no longer asked
  const closed = pruned(capped, T + 3 + DAY, T + 3 + DAY);
  expect(closed.openSteps).toBeUndefined();
  expect(stepsToAsk(workflow([['a']]), closed)).toBe(2);
  // a record opened before `openSteps` was kept asks every step a workflow may have
  expect(stepsToAsk(workflow([['a']]), { entries: [], openUntil: T })).toBe(FIELD_LIMITS.steps.max);
});
