/**
 * Delegation (SPEC 2.3b) as pure rules: the record, its window, when it is active and what it
 * covers. Resolved at decision time (services/delegations/resolve.ts); there are no chains.
 */
import { z } from 'zod';
import { DomainError } from './errors';
import { DAY_MS } from './time';
import { FIELD_LIMITS } from './limits';

export const DELEGATION_MODES = ['add', 'replace'] as const;
export const MAX_DELEGATION_DAYS = 90;

export interface DelegationScope {
  spaceIds?: string[];
  workflowIds?: string[];
}

export type DelegationListRole = 'delegator' | 'delegate' | 'admin';

/** What a caller gives to create a delegation (the delegator is the caller, or named by an admin). */
export interface DelegationInput {
  delegateAccountId: string;
  startsAt: string;
  endsAt: string;
  scope?: DelegationScope;
  mode: Delegation['mode'];
  reason?: string;
}

export interface Delegation {
  id: string;
  delegatorAccountId: string;
  delegateAccountId: string;
  /** ISO 8601 UTC */
  startsAt: string;
  endsAt: string;
  scope: DelegationScope;
  mode: (typeof DELEGATION_MODES)[number];
  reason?: string;
  createdBy: string;
  createdAt: number;
  revokedAt?: number;
  revokedBy?: string;
}

const id = z.string().min(1).max(200);
export const delegationSchema: z.ZodType<Delegation> = z.object({
  id,
  delegatorAccountId: id,
  delegateAccountId: id,
  startsAt: z.string().max(40),
  endsAt: z.string().max(40),
  scope: z.object({ spaceIds: z.array(id).optional(), workflowIds: z.array(id).optional() }),
  mode: z.enum(DELEGATION_MODES),
  reason: z.string().max(FIELD_LIMITS.comment.max).optional(),
  createdBy: id,
  createdAt: z.number().int().nonnegative(),
  revokedAt: z.number().int().nonnegative().optional(),
  revokedBy: id.optional(),
});

const invalidWindow = (reason: string): DomainError =>
  new DomainError('DELEGATION_INVALID_WINDOW', `The delegation window is not valid: ${reason}.`, [{ field: 'endsAt', code: 'DELEGATION_INVALID_WINDOW', reason }]);

/** `endsAt` after `startsAt`, at most 90 days apart, starting no more than a day ago. */
export function checkWindow(startsAt: string, endsAt: string, now: number): { start: number; end: number } {
  const start = Date.parse(startsAt);
  const end = Date.parse(endsAt);
  if (Number.isNaN(start) || Number.isNaN(end)) throw invalidWindow('startsAt and endsAt must be ISO 8601 UTC times');
  if (end <= start) throw invalidWindow('endsAt must be after startsAt');
  if (end - start > MAX_DELEGATION_DAYS * DAY_MS) throw invalidWindow(`a delegation lasts at most ${MAX_DELEGATION_DAYS} days`);
  if (start < now - DAY_MS) throw invalidWindow('startsAt may be at most one day in the past');
  return { start, end };
}

export const isActive = (d: Delegation, now: number): boolean => d.revokedAt === undefined && Date.parse(d.startsAt) <= now && now < Date.parse(d.endsAt);

/** Not revoked and not yet ended (may start later). */
export const isLive = (d: Delegation, now: number): boolean => d.revokedAt === undefined && now < Date.parse(d.endsAt);

/** An empty scope covers every space and workflow the delegator approves in. */
export function covers(d: Delegation, spaceId: string, workflowId: string): boolean {
  const { spaceIds, workflowIds } = d.scope;
  return (!spaceIds?.length || spaceIds.includes(spaceId)) && (!workflowIds?.length || workflowIds.includes(workflowId));
}

const sorted = (ids: string[] | undefined): string => [...(ids ?? [])].sort().join(',');
export const sameScope = (a: DelegationScope, b: DelegationScope): boolean => sorted(a.spaceIds) === sorted(b.spaceIds) && sorted(a.workflowIds) === sorted(b.workflowIds);

export const overlaps = (d: Delegation, start: number, end: number): boolean => Date.parse(d.startsAt) < end && start < Date.parse(d.endsAt);
