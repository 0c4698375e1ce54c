/**
 * The pending approval of a page: active step, each approver's ✓ or "waiting" (SPEC §6, "all"
 * steps), and the decision actions the server allows this person (approve, reject with a comment,
 * cancel). Reject moves focus to the comment; the character hint is tied to the field.
 */
import { useEffect, useId, useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import TextArea from '@atlaskit/textarea';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction } from '../hooks';
import { STALE_CODES } from '../messages';
import type { PageCapabilities } from '../../../src/core/services/types';
import type { PageStateView } from '../../../src/core/domain/model';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';
import { NAMED_PER_GROUP } from '../../../src/core/domain/named-progress';

const MAX_COMMENT = FIELD_LIMITS.comment.max;
const MIN_REJECTION_COMMENT = FIELD_LIMITS.rejectionComment.min;
import { ApiError } from '../api';
import { ErrorMessage, formatTime } from '../components/ui';
import { useFlag } from '../components/feedback';
import { Person, useNameOf } from '../people';
import { DecisionPreview, StepGroups, StuckNotice } from './StepGroups';
import { SignatureEnrolment, SigningFields, initialSigning, type SigningValue } from '../components/signature';

export function PendingApproval({ status, accountId, can, onChanged }: { status: PageStateView; accountId: string; can: PageCapabilities; onChanged: () => void }) {
  const pending = status.pending!;
  const approval = pending.approval;
  const steps = approval.workflowSnapshot.steps;
  const flag = useFlag();
  const nameOf = useNameOf();
  const [rejecting, setRejecting] = useState(false);
  const [comment, setComment] = useState('');
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const signature = steps[pending.activeStep]?.signature;
  const [signing, setSigning] = useState<SigningValue | undefined>(signature ? initialSigning(signature) : undefined);
  const [enrolling, setEnrolling] = useState(false);
  const decidedHere = new Set(approval.decisions.filter((d) => d.step === pending.activeStep && d.decision === 'approve').map((d) => d.accountId));
  // Who of this step is still waited for after the reader's own approval (an "all" step; a big group's first names, "and others").
  const waitingFor = () => {
    const left = pending.approvers.filter((a) => a !== accountId && !decidedHere.has(a));
    const names = left.slice(0, NAMED_PER_GROUP).map((a) => nameOf(a) ?? 'another approver').join(', ');
    return names && (pending.approversMore || left.length > NAMED_PER_GROUP) ? `${names} and others` : names;
  };
  const onError = (err: unknown) => {
    // Someone else acted first: show the latest state instead of buttons that can no longer work.
    if (err instanceof ApiError && STALE_CODES.has(err.code)) onChanged();
  };
  const decide = useAction(
    (decision: 'approve' | 'reject') =>
      call('approval.decide', {
        approvalId: approval.id,
        decision,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        ...(signature && signing?.value ? { credential: { type: signing.type, value: signing.value } } : {}),
        ...(signature && signing?.meaning ? { meaning: signing.meaning } : {}),
      }),
    (r) => {
      setRejecting(false);
      setComment('');
      if (signature) setSigning(initialSigning(signature));
      const submitter = nameOf(approval.submittedBy) ?? 'The requester';
      if (r.approval.status === 'rejected') flag('Changes requested', `${submitter} was notified with your comment.`);
      else if (r.approval.status === 'approved') flag('Page approved', `${submitter} was notified.`);
      else if (r.approval.activeStep !== pending.activeStep) flag('Your approval was recorded', `Step ${r.approval.activeStep + 1} of ${steps.length} is next.`);
      else flag('Your approval was recorded', `Still waiting for ${waitingFor() || 'the other approvers'}.`);
      onChanged();
    },
    onError,
  );
  const cancel = useAction(
    () => call('approval.cancel', { approvalId: approval.id }),
    () => {
      flag('Approval request cancelled');
      onChanged();
    },
    onError,
  );
  useEffect(() => {
    if (rejecting) commentRef.current?.focus();
  }, [rejecting]);

  const trimmed = comment.trim().length;
  const missing = Math.max(0, MIN_REJECTION_COMMENT - trimmed);
  const hint = rejecting
    ? missing > 0
      ? `Explain what needs to change: ${missing} more character${missing === 1 ? '' : 's'} needed (${comment.length}/${MAX_COMMENT}).`
      : `${comment.length}/${MAX_COMMENT} characters.`
    : `Optional. ${comment.length}/${MAX_COMMENT} characters.`;

  return (
    <Box as="section" aria-labelledby="pending-title" padding="space.150" backgroundColor="color.background.neutral.subtle">
      <Stack space="space.100">
        <Heading size="xsmall" as="h3" id="pending-title" testId="pending-title">
          {can.decide ? 'Your approval is needed' : approval.submittedBy === accountId ? 'Your request is waiting for approval' : 'Waiting for approval'}
        </Heading>
        <Inline space="space.050" alignBlock="center" shouldWrap>
          <Text>
            {approval.workflowSnapshot.name}, version {approval.pageVersion}, requested by
          </Text>
          <Person id={approval.submittedBy} />
          <Text color="color.text.subtle">{formatTime(approval.submittedAt)}</Text>
        </Inline>
        {pending.mode ? (
          <>
            <Text as="p" testId="active-step">
              Step {pending.activeStep + 1} of {steps.length}
              {pending.stepName ? ` (${pending.stepName})` : ''}: {pending.mode === 'all' ? 'every approver below must approve' : 'any one approver below can approve'}.
            </Text>
          <Stack as="ul" space="space.050" testId="step-approvers">
            {pending.approvers.slice(0, NAMED_PER_GROUP).map((a) => (
              <Inline as="li" key={a} space="space.100" alignBlock="center" testId="pending-approver">
                <Person id={a} />
                {a === accountId && <Text color="color.text.subtle">(you)</Text>}
                {decidedHere.has(a) ? (
                  <Lozenge appearance="success" testId="approver-done">
                    ✓ Approved
                  </Lozenge>
                ) : (
                  <Lozenge appearance="default" testId="approver-waiting">
                    Waiting
                  </Lozenge>
                )}
              </Inline>
            ))}
            {(pending.approversMore || pending.approvers.length > NAMED_PER_GROUP) && (
              <Box as="li" testId="pending-approver-more">
                <Text color="color.text.subtle">{pending.approversMore ? 'and more members of the group' : `and ${pending.approvers.length - NAMED_PER_GROUP} more`}</Text>
              </Box>
            )}
          </Stack>
          </>
        ) : (
          <>
            <Text as="p" testId="active-step">
              Step {pending.activeStep + 1} of {steps.length}
              {pending.stepName ? ` (${pending.stepName})` : ''}: each group below needs its count of approvals.
            </Text>
            <StepGroups groups={pending.groups} />
          </>
        )}
        {pending.stuck && <StuckNotice stuck={pending.stuck} groups={pending.groups} />}
        {can.decide && <DecisionPreview approvalId={approval.id} groups={pending.groups} version={approval.version} />}
        <ErrorMessage error={decide.error ?? cancel.error} onDismiss={decide.error ? decide.clearError : cancel.clearError} />
        {can.decide && (
          <Stack space="space.050">
            <label htmlFor="decision-comment">
              <Text weight="medium">{rejecting ? 'Comment (required to request changes)' : 'Comment'}</Text>
            </label>
            <TextArea
              id="decision-comment"
              ref={commentRef}
              testId="decision-comment"
              value={comment}
              maxLength={MAX_COMMENT}
              minimumRows={2}
              isInvalid={rejecting && missing > 0 && comment.length > 0}
              aria-describedby={hintId}
              onChange={(e) => setComment(e.currentTarget.value)}
            />
            <Text as="p" size="small" color="color.text.subtle" id={hintId} testId="comment-hint">
              {hint}
            </Text>
          </Stack>
        )}
        {can.decide && signature && signing && (
          <Stack space="space.100">
            <SigningFields settings={signature} value={signing} onChange={setSigning} />
            <Button appearance="subtle" testId="toggle-enrolment" onClick={() => setEnrolling(!enrolling)}>
              {enrolling ? 'Hide signature setup' : 'Set up or change your signature'}
            </Button>
            {enrolling && <SignatureEnrolment />}
          </Stack>
        )}
        {(can.decide || can.cancel) && (
          <Inline space="space.100" shouldWrap>
            {can.decide && !rejecting && (
              <>
                <Button appearance="primary" testId="approve-button" isDisabled={decide.busy} onClick={() => void decide.run('approve')}>
                  Approve
                </Button>
                <Button testId="reject-button" isDisabled={decide.busy} onClick={() => setRejecting(true)}>
                  Request changes…
                </Button>
              </>
            )}
            {can.decide && rejecting && (
              <>
                <Button appearance="danger" testId="confirm-reject-button" isDisabled={decide.busy || missing > 0} onClick={() => void decide.run('reject')}>
                  Request changes
                </Button>
                <Button appearance="subtle" onClick={() => setRejecting(false)}>
                  Back
                </Button>
              </>
            )}
            {can.cancel && (
              <Button appearance="subtle" testId="cancel-button" isDisabled={cancel.busy} onClick={() => void cancel.run()}>
                Cancel request
              </Button>
            )}
          </Inline>
        )}
      </Stack>
    </Box>
  );
}
