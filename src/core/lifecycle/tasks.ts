/**
 * Planning one chunk of due index entries: which still apply (the page's latest approval is still the
 * one the entry was written for, in the state it expects), what comment each posts, which audit
 * record it leaves and which reminder comes next. Pure decisions over batched reads.
 */
import { activeStepOf, stepOf } from '../domain/approvers';
import { stepPeople } from '../domain/decisions';
import { evaluateStep } from '../domain/step-composition';
import type { Delegation } from '../domain/delegation';
import { actingPeople, coversOf } from '../domain/delegation-cover';
import { allLiveDelegations } from '../services/delegations/cover';
import type { AuditAction, PageApproval } from '../domain/model';
import { pageStateSchema, parseStored, workflowSchema } from '../domain/schemas';
import type { PageLatest } from '../domain/page-state';
import { wholeApprovals } from '../services/approvals/stored';
import { submissionCommentKeys, submissionCommentOf } from '../services/submission-comments';
import type { StoredItem, TxOp } from '../ports/store';
import type { LifecycleConfluence } from '../ports/lifecycle-confluence';
import type { EngineContext } from '../services/context';
import { getManyByKey } from '../services/store-reads';
import { keys } from '../services/keys';
import { withCurrentDefinition } from '../services/approvals/records';
import { GroupListing, namedApprovers } from '../services/group-listing';
import { namedProgress } from '../domain/named-progress';
import { lcKeys, task } from '../records/lifecycle-keys';
import { reminderBody, reviewNoticeBody } from './notices';
import { taskRef } from '../services/comments';
import { reviewSchedule, reviewTermsOf } from '../domain/review';
import { DAY_MS } from '../domain/time';
import { REMINDERS_BEFORE_ESCALATION, stepStartedAt } from '../domain/review';
import { dueEntryOp } from '../records/lifecycle-schedule';
import type { DueEntry, OutboxItem } from '../records/lifecycle-schemas';

export interface PlannedTask {
  entryKey: string;
  entry: DueEntry;
  taskName: string;
  action: AuditAction;
  approval: PageApproval;
  outbox: OutboxItem;
  details: Record<string, unknown>;
  /** the next reminder, written in the same transaction */
  next: TxOp[];
}

export interface ChunkPlan {
  tasks: PlannedTask[];
  /** entries that no longer apply: deleted without a comment or a record */
  stale: string[];
}

export function taskNameOf(entry: DueEntry): string {
  if (entry.kind === 'remind') return task.remind(entry.step, entry.n);
  return entry.kind === 'review-due' ? task.reviewDue : task.reviewExpired;
}

/**
 * A pending approval without decisions follows its workflow's current definition (SPEC 2.1), unless
 * the submitter edited the workflow after submitting (mayAdopt: no self-made approvers), and with the
 * one snapshot the decision path takes (every setting, not a copy of some).
 */
function adopt(approval: PageApproval, workflows: Map<string, StoredItem>): PageApproval {
  const item = workflows.get(keys.workflow(approval.workflowId));
  return withCurrentDefinition(approval, item && parseStored(workflowSchema, item.key, item.value));
}

function applies(entry: DueEntry, latest: PageApproval | undefined, now: number): latest is PageApproval {
  if (!latest || latest.id !== entry.approvalId) return false;
  if (entry.kind === 'remind') return latest.status === 'pending' && latest.activeStep === entry.step && reviewTermsOf(latest.workflowSnapshot).remindAfterDays !== null;
  const schedule = reviewSchedule(latest);
  if (!schedule) return false;
  // a run that reaches the `due` entry only after expiry posts the expiry notice alone
  return entry.kind === 'review-expired' || now < schedule.reviewDueAt;
}

interface Lookups {
  latest: Map<string, PageApproval>;
  listing: GroupListing;
  commentOf: Map<string, string>;
  admins: Map<string, string[]>;
  /** live delegations (read only when the chunk has reminders): reminders name who acts */
  delegations: Delegation[];
}

async function lookups(ctx: EngineContext, lc: LifecycleConfluence, entries: DueEntry[], adminCache: Map<string, string[]>): Promise<Lookups> {
  const pageIds = [...new Set(entries.map((e) => e.pageId))];
  const states = await getManyByKey(ctx.store, pageIds.map(keys.pageState));
  const summaries = new Map<string, PageLatest>();
  for (const item of states.values()) {
    const summary = parseStored(pageStateSchema, item.key, item.value);
    summaries.set(summary.pageId, summary);
  }
  const reminders = entries.filter((e) => e.kind === 'remind' && summaries.get(e.pageId)?.id === e.approvalId);
  // the page states are summaries: the whole approvals are read beside what the summaries already name, and only
  // those an entry names (a page whose state is a newer approval has nothing due: no approval or group read for it)
  const named = new Set(entries.map((e) => e.approvalId));
  const [whole, workflows, comments] = await Promise.all([
    wholeApprovals(ctx, [...summaries.values()].filter((s) => named.has(s.id))),
    getManyByKey(ctx.store, [...new Set(reminders.map((e) => keys.workflow(summaries.get(e.pageId)!.workflowId)))]),
    getManyByKey(ctx.store, submissionCommentKeys(reminders.map((e) => summaries.get(e.pageId)!))),
  ]);
  const stored = new Map(whole.map((a) => [a.pageId, a]));
  const latest = new Map([...stored].map(([pageId, a]) => [pageId, adopt(a, workflows)]));
  const commentOf = new Map<string, string>();
  for (const e of reminders) {
    const commentId = submissionCommentOf(summaries.get(e.pageId)!, comments);
    if (commentId) commentOf.set(e.approvalId, commentId);
  }
  const steps = [...latest.values()].flatMap((a) => [a.workflowSnapshot.steps[0], a.workflowSnapshot.steps[a.activeStep]]).filter((s) => s !== undefined);
  // a page of each group's members names whom a notice @mentions (a group of any size answers); pending steps' deciders are asked
  const listing = new GroupListing(ctx);
  await listing.readSteps(steps);
  await listing.readFor([...latest.values()].filter((a) => a.status === 'pending'));
  const escalating = reminders.filter((e) => e.kind === 'remind' && e.n > REMINDERS_BEFORE_ESCALATION).map((e) => e.spaceId);
  const missing = [...new Set(escalating)].filter((s) => !adminCache.has(s));
  const found = await Promise.all(missing.map(async (s) => [s, await lc.spaceAdmins(s)] as const));
  for (const [s, admins] of found) adminCache.set(s, admins);
  const delegations = reminders.length > 0 ? await allLiveDelegations(ctx) : [];
  return { latest, listing, commentOf, admins: adminCache, delegations };
}

function planReview(entry: Extract<DueEntry, { kind: 'review-due' | 'review-expired' }>, approval: PageApproval, l: Lookups, now: number): Omit<PlannedTask, 'entryKey'> {
  const name = taskNameOf(entry);
  const ref = taskRef(approval.id, name);
  const schedule = reviewSchedule(approval)!;
  const named = namedApprovers(stepOf(approval, 0), l.listing);
  const people = [...new Set([approval.submittedBy, ...named.approvers])];
  return {
    entry,
    taskName: name,
    action: entry.kind === 'review-due' ? 'review.due' : 'review.expired',
    approval,
    outbox: { pageId: approval.pageId, spaceId: approval.spaceId, approvalId: approval.id, ref, body: reviewNoticeBody(approval, entry.kind, schedule.reviewDueAt, people, ref, named.more), createdAt: now },
    details: { reviewDueAt: schedule.reviewDueAt, notified: people },
    next: [],
  };
}

function planReminder(entry: Extract<DueEntry, { kind: 'remind' }>, approval: PageApproval, l: Lookups, now: number): Omit<PlannedTask, 'entryKey'> {
  const name = taskNameOf(entry);
  const ref = taskRef(approval.id, name);
  // SPEC 2.1a: only the groups that still need approvals wait, and only for people who have not decided
  const step = activeStepOf(approval);
  const progress = namedProgress(evaluateStep(step, approval.decisions, approval.activeStep, stepPeople(approval, l.listing.members)).groups, l.listing.cutOf(step));
  const waiting = [...new Set(progress.flatMap((g) => g.waitingFor))];
  // SPEC 2.3b: a `replace` delegate is reminded instead of the person who is away, an `add` delegate as well
  const cover = coversOf(l.delegations, waiting, approval, now);
  const waitingFor = actingPeople(waiting, cover);
  const escalated = entry.n > REMINDERS_BEFORE_ESCALATION;
  const admins = escalated ? (l.admins.get(approval.spaceId) ?? []) : undefined;
  const days = reviewTermsOf(approval.workflowSnapshot).remindAfterDays!;
  // one reminder per run even after an outage: the next lands on the schedule, in the future
  let at = entry.at + days * DAY_MS;
  while (at <= now) at += days * DAY_MS;
  const parentCommentId = l.commentOf.get(approval.id);
  return {
    entry,
    taskName: name,
    action: 'reminder.sent',
    approval,
    outbox: {
      pageId: approval.pageId,
      spaceId: approval.spaceId,
      approvalId: approval.id,
      ref,
      body: reminderBody(approval, entry.n, stepStartedAt(approval), waitingFor, admins, ref, cover, progress.some((g) => g.waitingForMore)),
      ...(parentCommentId ? { parentCommentId } : {}),
      createdAt: now,
    },
    details: { reminder: entry.n, step: entry.step + 1, notified: waitingFor, ...(admins ? { escalated: true, spaceAdmins: admins } : {}) },
    next: [dueEntryOp({ ...entry, at, n: entry.n + 1 })],
  };
}

export async function planChunk(
  ctx: EngineContext,
  lc: LifecycleConfluence,
  items: { key: string; entry: DueEntry }[],
  now: number,
  adminCache: Map<string, string[]>,
): Promise<ChunkPlan> {
  const l = await lookups(ctx, lc, items.map((i) => i.entry), adminCache);
  const plan: ChunkPlan = { tasks: [], stale: [] };
  for (const { key, entry } of items) {
    const latest = l.latest.get(entry.pageId);
    if (!applies(entry, latest, now)) {
      plan.stale.push(key);
      continue;
    }
    const planned = entry.kind === 'remind' ? planReminder(entry, latest, l, now) : planReview(entry, latest, l, now);
    plan.tasks.push({ entryKey: key, ...planned });
  }
  return plan;
}

/** The marker key of a planned task (create-if-absent: once per page and cycle). */
export const markKey = (t: Pick<PlannedTask, 'approval' | 'taskName'>): string => lcKeys.mark(t.approval.id, t.taskName);
