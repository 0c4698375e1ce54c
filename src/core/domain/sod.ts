/**
 * Separation of duties (SPEC 2.3a) as pure functions: which page versions' editors a workflow
 * excludes, and who is excluded from deciding a given step of an approval.
 */
import type { PageApproval, SodSettings } from './model';
import { FIELD_LIMITS } from './limits';
import { slotHolder } from './step-composition';

export const SOD_VERSION_CAP = FIELD_LIMITS.sodVersions.max;

/** SPEC 2.3a defaults of the fields a `sod` object leaves out (no minimum of distinct approvers: 0). */
export const SOD_DEFAULTS: SodSettings = { excludeEditors: 'none', distinctAcrossSteps: false, changeSetMinDistinctApprovers: 0 };

/** What separation of duties read about a page's editors for one workflow (at submission, as the submitter). */
export interface SodEditors {
  workflowId: string;
  editors: string[];
  /** false: more than SOD_VERSION_CAP versions, or versions the reader could not see */
  verified: boolean;
}

export const excludesEditors = (sod: SodSettings | undefined): sod is SodSettings => sod !== undefined && sod.excludeEditors !== 'none';

/**
 * The versions whose editors count, as (after, upTo]: the submitted version for "last_editor";
 * every version since the last approved one for "since_last_approval" (0: the page was never
 * approved, so its whole history counts).
 */
export function editorVersions(sod: SodSettings, pageVersion: number, lastApprovedVersion: number | undefined): { after: number; upTo: number } {
  if (sod.excludeEditors === 'last_editor') return { after: pageVersion - 1, upTo: pageVersion };
  return { after: Math.min(lastApprovedVersion ?? 0, pageVersion - 1), upTo: pageVersion };
}

/** Who may not decide step `stepIndex` of this approval (a page's, or an atomic set's) under its separation-of-duties terms. */
export function sodExcluded(approval: Pick<PageApproval, 'workflowSnapshot' | 'decisions' | 'sodEditors'>, stepIndex: number): Set<string> {
  const sod = approval.workflowSnapshot.sod;
  const out = new Set<string>();
  if (excludesEditors(sod)) for (const editor of approval.sodEditors ?? []) out.add(editor);
  if (sod?.distinctAcrossSteps) {
    for (const d of approval.decisions) {
      if (d.step === stepIndex) continue;
      out.add(d.accountId);
      out.add(slotHolder(d));
    }
  }
  return out;
}
