/**
 * Store keys of the lifecycle (docs/lifecycle.md explains each). Times are zero-padded epoch ms, so
 * ascending key order is time order and "what is due now" is the head of one prefix query.
 *
 *   lc-due:<at15>:<approvalId>:<task>       DueEntry     a task due at `at` (review notice or reminder)
 *   lc-mark:<approvalId>:<task>             {at}         done-marker: this task ran (one per page and cycle)
 *   lc-outbox:<approvalId>:<task>           OutboxItem   comment to post; deleted once posted
 *   lc-resolved:<at15>:<approvalId>         {approvalId, pageId}  resolution time, for retention
 *   lc-review:<spaceId>:<dueFrom15>:<id>    {approvalId, pageId}  approved under a review period, per space
 *   lc-stuck:<approvalId>                   StuckFlag    the approval's active step cannot complete (manage space shows it)
 *   lc-stuck-cursor                         {spaceId, cursor?, approvalId?} where a stuck scan cut by its deadline resumes
 *   lc-lease                                {runId, until} one job run at a time
 *   lc-settings                             retention windows chosen by site admins
 *   lc-run                                  summary of the last run (admin page)
 */
const pad = (n: number): string => String(Math.max(0, Math.floor(n))).padStart(15, '0');

export const lcKeys = {
  due: (at: number, approvalId: string, task: string) => `lc-due:${pad(at)}:${approvalId}:${task}`,
  duePrefix: 'lc-due:',
  mark: (approvalId: string, task: string) => `lc-mark:${approvalId}:${task}`,
  markPrefix: (approvalId: string) => `lc-mark:${approvalId}:`,
  outbox: (approvalId: string, task: string) => `lc-outbox:${approvalId}:${task}`,
  outboxPrefix: 'lc-outbox:',
  resolved: (at: number, approvalId: string) => `lc-resolved:${pad(at)}:${approvalId}`,
  resolvedPrefix: 'lc-resolved:',
  /** approved pages of a space by the time they turn due: the "due or expired" queue and its counts */
  review: (spaceId: string, dueFrom: number, approvalId: string) => `lc-review:${spaceId}:${pad(dueFrom)}:${approvalId}`,
  reviewPrefix: (spaceId: string) => `lc-review:${spaceId}:`,
  /** flag of a pending approval nobody eligible can complete any more (lifecycle/stuck-approvals.ts) */
  stuck: (approvalId: string) => `lc-stuck:${approvalId}`,
  stuckCursor: 'lc-stuck-cursor',
  lease: 'lc-lease',
  settings: 'lc-settings',
  run: 'lc-run',
};

/** Task names inside keys: `due`, `expired`, `remind-<step>-<n>` (step 0-based, n 1-based). */
export const task = {
  reviewDue: 'due',
  reviewExpired: 'expired',
  remind: (step: number, n: number) => `remind-${step}-${n}`,
  /** one comment per approval and stuck state (step + the groups left short, fingerprinted) */
  stuck: (step: number, fingerprint: string) => `stuck-${step}-${fingerprint}`,
};
