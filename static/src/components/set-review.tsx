/**
 * Review of an atomic change set (SPEC 2.5a): where the set approval stands (groups, the wait for
 * different approvers), every pinned page with its version and its changes, and a decision that
 * acknowledges the whole list (`pageAck`), so approving one page can never silently approve others.
 * The server decides who may decide; its preview labels the button and warns before signing.
 */
import { FIELD_LIMITS } from '../../../src/core/domain/limits';
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import TextArea from '@atlaskit/textarea';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAsync } from '../hooks';
import type { ChangeSetPageView, SetApproval } from '../../../src/core/domain/model';
import { ChangesSinceApproval } from './changes-since-approval';
import { SigningFields, initialSigning, type SigningValue } from './signature';
import { ErrorMessage, PageLink } from './ui';
import { DecisionLine } from './decision-line';
import { SetDecisionPreviewNotice, SetProgress, approveLabel } from './set-progress';

export function SetReview({ setApproval, pages, onDecided }: { setApproval: SetApproval; pages: ChangeSetPageView[]; onDecided: () => void }) {
  const [acknowledged, setAcknowledged] = useState(false);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  // SPEC 2.3c: a step that takes a signature asks for its meaning and the signer's credential here too
  const signature = setApproval.workflowSnapshot.steps[setApproval.activeStep]?.signature;
  const [signing, setSigning] = useState<SigningValue | undefined>(signature ? initialSigning(signature) : undefined);
  const review = useAsync(() => call('changeset.decisionPreview', { setApprovalId: setApproval.id }), [setApproval.id, setApproval.version]);
  const preview = review.data?.preview;
  const count = setApproval.manifest.length;
  const titleOf = new Map(pages.map((p) => [p.pageId, p.currentPageVersion === null ? undefined : p.title]));
  const decide = (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(undefined);
    const pageAck = setApproval.manifest.map((m) => m.pageId);
    call('changeset.decide', {
      setApprovalId: setApproval.id,
      decision,
      pageAck,
      ...(comment.trim() ? { comment: comment.trim() } : {}),
      ...(signature && signing?.value ? { credential: { type: signing.type, value: signing.value } } : {}),
      ...(signature && signing?.meaning ? { meaning: signing.meaning } : {}),
    }).then(
      () => {
        setBusy(false);
        if (signature) setSigning(initialSigning(signature));
        onDecided();
      },
      (err: unknown) => {
        setBusy(false);
        setError(err);
      },
    );
  };
  const step = setApproval.workflowSnapshot.steps[setApproval.activeStep];
  return (
    <SectionMessage appearance="information" title={`Approve these ${count} pages as one`} testId="set-review">
      <Stack space="space.150">
        <Text as="p">
          One decision covers every page at the version listed{step?.name ? ` (step “${step.name}”)` : ''}. A page edited before the decision voids the review and the set must be submitted again.
        </Text>
        {review.data && <SetProgress progress={review.data.progress} stepCount={setApproval.workflowSnapshot.steps.length} />}
        <Heading size="xsmall" as="h3">
          Pages in this approval
        </Heading>
        <Stack as="ol" space="space.100" testId="set-manifest">
          {setApproval.manifest.map((m) => (
            <Box as="li" key={m.pageId}>
              <Stack space="space.050">
                <Inline space="space.100" alignBlock="center">
                  {titleOf.get(m.pageId) ? <PageLink pageId={m.pageId} title={titleOf.get(m.pageId)} /> : <Text color="color.text.subtle">A page you cannot see</Text>}
                  <Text color="color.text.subtle">version {m.pageVersion}</Text>
                </Inline>
                {titleOf.get(m.pageId) && <ChangesSinceApproval pageId={m.pageId} to={m.pageVersion} label="Changes in this version" />}
              </Stack>
            </Box>
          ))}
        </Stack>
        <label>
          <input type="checkbox" checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)} data-testid="set-ack" /> I reviewed all {count} pages listed above, at these versions.
        </label>
        {setApproval.decisions.length > 0 && (
          <Stack space="space.050" testId="set-decisions">
            {setApproval.decisions.map((d, i) => (
              <DecisionLine key={i} decision={d} />
            ))}
          </Stack>
        )}
        {review.data && <SetDecisionPreviewNotice preview={review.data.preview} groups={review.data.progress.groups} pageCount={count} />}
        {signature && signing && <SigningFields settings={signature} value={signing} onChange={setSigning} />}
        <TextArea value={comment} onChange={(e) => setComment(e.currentTarget.value)} placeholder="Comment (required to request changes, at least 20 characters)" maxLength={FIELD_LIMITS.comment.max} />
        <Inline space="space.100">
          <Button appearance="primary" isDisabled={!acknowledged || busy || preview?.refusal !== undefined} onClick={() => decide('approve')} testId="set-approve">
            {approveLabel(preview, count)}
          </Button>
          <Button isDisabled={!acknowledged || busy} onClick={() => decide('reject')} testId="set-reject">
            Request changes
          </Button>
        </Inline>
        {error !== undefined && <ErrorMessage error={error} />}
      </Stack>
    </SectionMessage>
  );
}
