/** The REST shape of a page approval record (SPEC 2.3, with 2.1a steps, 2.3b delegations, 2.3c signatures, 2.4a hashes). */
import { z } from 'zod';
import { approvalStatus } from '../../core/domain/fields';
import { decisionSignatureSchema } from '../../core/domain/signature-fields';
import { SOURCES, type PageApproval } from '../../core/domain/model';
import { WorkflowSnapshotSchema } from './schemas-content';

export const RoutedBySchema = z.union([
  z.object({ kind: z.literal('assignment') }),
  z.object({ kind: z.literal('rule'), ruleId: z.string() }),
  z.object({ kind: z.literal('default') }),
]).meta({ description: 'How the workflow was decided: an explicit assignment, a routing rule, or the space default (SPEC 2.2a).' });

export const PageApprovalSchema = z.object({
  id: z.string(),
  pageId: z.string(),
  spaceId: z.string(),
  pageVersion: z.number().int(),
  workflowId: z.string(),
  workflowSnapshot: WorkflowSnapshotSchema,
  sodEditors: z.array(z.string()).optional(),
  sodUnverifiable: z.literal(true).optional(),
  status: approvalStatus,
  activeStep: z.number().int(),
  decisions: z.array(
    z.object({
      step: z.number().int(),
      accountId: z.string(),
      decision: z.enum(['approve', 'reject']),
      comment: z.string().optional(),
      at: z.number().int(),
      onBehalfOf: z.string().optional(),
      delegationId: z.string().optional(),
      signature: decisionSignatureSchema.optional(),
    }),
  ),
  submittedBy: z.string(),
  submittedAt: z.number().int(),
  source: z.enum(SOURCES),
  clientId: z.string().optional(),
  changeSetId: z.string().optional(),
  followUp: z.string().optional().meta({ description: 'Internal: the submission follow-up whose record holds this approval\'s submission comment id (an id named for the run of approvals submitted with it)' }),
  routedBy: RoutedBySchema.optional(),
  decidedAt: z.number().int().optional(),
  contentHash: z.string().optional().meta({ description: 'SPEC 2.4a: sha256 of the approved version (title + normalised storage body), when the workflow compares content' }),
  hashAlg: z.literal('v1').optional(),
  version: z.number().int(),
}) satisfies z.ZodType<PageApproval>;

