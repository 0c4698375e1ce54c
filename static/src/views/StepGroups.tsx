/**
 * SPEC 2.1a in the page panel: each group of the active step with its count ("Legal 1/1 ✓",
 * "Eng 1/2") and who approved or is still waited for, and, for someone who may decide, what their
 * approval would do (`approval.decisionPreview`). Both are the server's answers, never recomputed here.
 */
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAsync } from '../hooks';
import type { PendingStepView } from '../../../src/core/domain/model';
import { UNAVAILABLE_WORDS, type UnavailableApprover } from '../../../src/core/domain/approver-availability';
import { Person } from '../people';

/** A big group is named to its first people: "and 72 more" when the server knows how many, else "and more". */
export function moreWaiting(g: PendingStepView['groups'][number]): string {
  const left = g.waitingForCount !== undefined ? g.waitingForCount - g.waitingFor.length : undefined;
  return left !== undefined && left > 0 ? `and ${left} more` : 'and more';
}

export function StepGroups({ groups }: { groups: PendingStepView['groups'] }) {
  return (
    <Stack as="ul" space="space.100" testId="step-groups">
      {groups.map((g) => {
        const done = g.approvedBy.length >= g.required;
        return (
          <Box as="li" key={g.key} testId={`step-group-${g.key}`}>
          <Stack space="space.050">
            <Inline space="space.100" alignBlock="center">
              <Text weight="medium">{g.name}</Text>
              <Lozenge appearance={done ? 'success' : 'inprogress'} testId="group-count">
                {`${Math.min(g.approvedBy.length, g.required)}/${g.required}${done ? ' ✓' : ''}`}
              </Lozenge>
            </Inline>
            {g.approvedBy.length > 0 && (
              <Inline space="space.050" alignBlock="center" shouldWrap>
                <Text color="color.text.subtle">Approved by</Text>
                {g.approvedBy.map((a) => (
                  <Person key={a} id={a} />
                ))}
              </Inline>
            )}
            {g.waitingFor.length > 0 && (
              <Inline space="space.050" alignBlock="center" shouldWrap testId="group-waiting">
                <Text color="color.text.subtle">Waiting for</Text>
                {g.waitingFor.map((a) => (
                  <Person key={a} id={a} />
                ))}
                {g.waitingForMore && (
                  <Text color="color.text.subtle" testId="group-waiting-more">
                    {moreWaiting(g)}
                  </Text>
                )}
              </Inline>
            )}
          </Stack>
          </Box>
        );
      })}
    </Stack>
  );
}

/** One line per row in lists (the queue): each group's count, e.g. "Legal 1/1 ✓" "Eng 1/2". */
export function GroupCounts({ groups }: { groups: PendingStepView['groups'] }) {
  return (
    <Inline space="space.050" shouldWrap testId="group-counts">
      {groups.map((g) => {
        const done = g.approvedBy.length >= g.required;
        return (
          <Lozenge key={g.key} appearance={done ? 'success' : 'inprogress'}>
            {`${g.name} ${Math.min(g.approvedBy.length, g.required)}/${g.required}${done ? ' ✓' : ''}`}
          </Lozenge>
        );
      })}
    </Inline>
  );
}

/** The server found groups nobody eligible can fill any more: say so, so someone acts before anyone waits on it. */
export function StuckNotice({ stuck, groups }: { stuck: NonNullable<PendingStepView['stuck']>; groups: PendingStepView['groups'] }) {
  return (
    <SectionMessage appearance="warning" title="This approval cannot complete" testId="stuck-notice">
      <Stack space="space.050">
        {stuck.map((s) => (
          <Stack key={s.group} space="space.025">
            <Text>{`${groups.find((g) => g.key === s.group)?.name ?? s.group} needs ${s.required} approval${s.required === 1 ? '' : 's'}, and only ${s.eligible.length} eligible ${s.eligible.length === 1 ? 'person remains' : 'people remain'}. A space admin can change the workflow or cancel the request.`}</Text>
            {s.unavailable && <UnavailableList people={s.unavailable} />}
          </Stack>
        ))}
      </Stack>
    </SectionMessage>
  );
}

/** Who can no longer approve, and why, as the server found it ("Carol Reviewer: account deactivated"). */
export function UnavailableList({ people }: { people: UnavailableApprover[] }) {
  return (
    <Text testId="unavailable-approvers">
      Can no longer approve:{' '}
      {people.map((u, i) => (
        <span key={u.accountId}>
          {i > 0 && ', '}
          <Person id={u.accountId} avatar={false} /> ({UNAVAILABLE_WORDS[u.cause]})
        </span>
      ))}
    </Text>
  );
}

/** "Your approval counts toward Eng and completes the step", as the server predicts it. */
export function DecisionPreview({ approvalId, groups, version }: { approvalId: string; groups: PendingStepView['groups']; version: number }) {
  const preview = useAsync(() => call('approval.decisionPreview', { approvalId }).then((r) => r.preview), [approvalId, version]);
  const p = preview.data;
  if (!p) return null;
  if (p.countsToward.length === 0) {
    return (
      <SectionMessage appearance="information" testId="decision-preview">
        <Text>Your approval would not count: the groups you belong to in this step already have the approvals they need.</Text>
      </SectionMessage>
    );
  }
  const names = p.countsToward.map((key) => groups.find((g) => g.key === key)?.name ?? key).join(' or ');
  const effect = p.completesApproval ? 'it completes the approval' : p.completesStep ? 'it completes this step' : 'more approvals are still needed after it';
  return (
    <Text as="p" testId="decision-preview">
      {`Your approval counts toward ${names}; ${effect}.`}
    </Text>
  );
}
