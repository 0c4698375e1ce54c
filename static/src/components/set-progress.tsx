/**
 * Where an atomic set approval stands and what the reader's approval would do (SPEC 2.1a, 2.3a,
 * 2.5a), both the server's answers (`changeset.decisionPreview`), never recomputed here: the active
 * step's groups like the page panel shows them, the wait for more different approvers, and a
 * warning before anyone signs an approval the server would refuse.
 */
import SectionMessage from '@atlaskit/section-message';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import type { ResolverData } from '../../../src/transport/resolvers/registry';
import { Person } from '../people';
import { StepGroups } from '../views/StepGroups';

type Review = ResolverData['changeset.decisionPreview'];

const more = (n: number) => `${n} more ${n === 1 ? 'approver' : 'approvers'}`;

export function SetProgress({ progress, stepCount }: { progress: Review['progress']; stepCount: number }) {
  const distinct = progress.distinctApprovers;
  return (
    <Stack space="space.100" testId="set-progress">
      <Text as="p" testId="set-active-step">
        Step {progress.activeStep + 1} of {stepCount}
        {progress.stepName ? ` (${progress.stepName})` : ''}: each group below needs its count of approvals.
      </Text>
      <StepGroups groups={progress.groups} />
      {distinct && distinct.missing > 0 && (
        <Stack space="space.050" testId="set-distinct-wait">
          <Text weight="medium">{`Waiting for ${more(distinct.missing)}: this change set needs approvals from ${distinct.required} different people.`}</Text>
          <Inline space="space.050" alignBlock="center" shouldWrap>
            <Text color="color.text.subtle">{distinct.approvedBy.length > 0 ? 'Approved so far by' : 'Nobody has approved yet.'}</Text>
            {distinct.approvedBy.map((a) => (
              <Person key={a} id={a} />
            ))}
          </Inline>
        </Stack>
      )}
    </Stack>
  );
}

/** "Your approval completes the approval of all 5 pages", or why the server would refuse it (before anyone enters a credential). */
export function SetDecisionPreviewNotice({ preview, groups, pageCount }: { preview: Review['preview']; groups: Review['progress']['groups']; pageCount: number }) {
  if (preview.refusal) {
    // someone outside the step is told plainly; an approver who would be refused is warned
    const outsider = preview.refusal.code === 'NOT_AN_APPROVER';
    return (
      <SectionMessage appearance={outsider ? 'information' : 'warning'} title={outsider ? undefined : 'Your approval would not be recorded'} testId="set-decision-preview">
        <Text as="p">{preview.refusal.message}</Text>
      </SectionMessage>
    );
  }
  const names = preview.countsToward.map((key) => groups.find((g) => g.key === key)?.name ?? key).join(' or ');
  const effect = preview.completesApproval
    ? `it completes the approval of all ${pageCount} pages`
    : preview.awaitingApprovers
      ? `the change set then still waits for ${more(preview.awaitingApprovers)}`
      : preview.completesStep
        ? 'it completes this step'
        : 'more approvals are still needed after it';
  return (
    <Inline space="space.050" alignBlock="center" shouldWrap testId="set-decision-preview">
      {preview.onBehalfOf && (
        <>
          <Text>You approve on behalf of</Text>
          <Person id={preview.onBehalfOf} />
          <Text>·</Text>
        </>
      )}
      <Text>{names ? `Your approval counts toward ${names}; ${effect}.` : `Your approval is recorded; ${effect}.`}</Text>
    </Inline>
  );
}

/** The approve button says what it will do. */
export function approveLabel(preview: Review['preview'] | undefined, pageCount: number): string {
  if (!preview || preview.completesApproval || preview.refusal) return `Approve all ${pageCount} pages`;
  return `Add my approval (${pageCount} pages)`;
}
