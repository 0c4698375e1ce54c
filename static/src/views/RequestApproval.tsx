/**
 * Request approval: the workflow choice (default: the page's assignment or the space's only
 * workflow), the preflight re-run for exactly that choice (it predicts the submit), and who will
 * be asked to approve, by name. Submit is possible only when the preflight for the choice passes.
 */
import { useId, useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import { RadioGroup } from '@atlaskit/radio';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import { humanReason } from '../messages';
import type { Workflow } from '../../../src/core/domain/model';
import { ErrorMessage, Loading } from '../components/ui';
import { useFlag } from '../components/feedback';
import { useNameOf } from '../people';
import { groupIdOf } from '../../../src/core/domain/approvers';
import { stepPrincipals } from '../../../src/core/domain/step-composition';
import { StepSummary } from './StepSummary';
import { UnavailableList } from './StepGroups';

export function WorkflowSteps({ workflow }: { workflow: Workflow }) {
  return (
    <Stack as="ol" space="space.050" testId="workflow-steps">
      {workflow.steps.map((s, i) => (
        <Box as="li" key={i}>
          <StepSummary step={s} />
        </Box>
      ))}
    </Stack>
  );
}

function RequestForm({ workflows, onClose, onSubmitted }: { workflows: Workflow[]; onClose: () => void; onSubmitted: () => void }) {
  const flag = useFlag();
  const nameOf = useNameOf();
  const labelId = useId();
  // The automatic resolution tells the page's assignment (or the only workflow): the default choice.
  const automatic = useAsync(() => call('page.preflight', {}), []);
  const [picked, setChoice] = useState<string>();
  // Until the user picks one, the choice is the automatic one (derived, not copied into state).
  const choice = picked ?? (automatic.data ? (automatic.data.result.workflowId ?? (workflows.length === 1 ? workflows[0].id : undefined)) : undefined);
  const preflight = useAsync(async () => (choice ? (await call('page.preflight', { workflowId: choice })).result : undefined), [choice]);
  const chosen = workflows.find((w) => w.id === choice);
  const submit = useAction(
    () => call('page.submit', choice ? { workflowId: choice } : {}),
    (r) => {
      const first = stepPrincipals(r.approval.workflowSnapshot.steps[0]).map((a) => (groupIdOf(a) ? `the group ${nameOf(a) ?? ''}`.trim() : (nameOf(a) ?? 'an approver')));
      flag('Approval requested', `${first.join(', ')} ${first.length === 1 ? 'was' : 'were'} asked to approve.`);
      onSubmitted();
    },
    () => preflight.reload(),
  );

  if (automatic.loading && !automatic.data) return <Loading label="Checking the page…" />;
  const result = preflight.data;
  return (
    <Box as="section" aria-labelledby="request-title" padding="space.150" backgroundColor="color.background.neutral.subtle">
      <Stack space="space.100">
        <Heading size="xsmall" as="h3" id="request-title">
          Request approval
        </Heading>
        {workflows.length === 0 ? (
          <Text as="p">This space has no enabled workflow yet. A space admin can create one on the space's Approvals page.</Text>
        ) : (
          <>
            <Text as="p" id={labelId} weight="medium">
              Workflow
            </Text>
            <RadioGroup
              aria-labelledby={labelId}
              name="workflow"
              testId="workflow-choice"
              value={choice ?? null}
              options={workflows.map((w) => ({ name: 'workflow', value: w.id, label: `${w.name} (${w.steps.length} step${w.steps.length === 1 ? '' : 's'})` }))}
              onChange={(e) => setChoice(e.currentTarget.value)}
            />
          </>
        )}
        {chosen && (
          <Stack space="space.050">
            <Text as="p">These people will be asked, in order:</Text>
            <WorkflowSteps workflow={chosen} />
          </Stack>
        )}
        {preflight.loading && <Loading label="Checking eligibility…" />}
        <ErrorMessage error={automatic.error ?? preflight.error} onRetry={choice ? preflight.reload : automatic.reload} />
        {!choice && automatic.data && workflows.length > 1 && <Text as="p">Choose the workflow for this page.</Text>}
        {result && !preflight.loading && (
          <Box testId="preflight-result">
            {result.canSubmit ? (
              <SectionMessage appearance="success">
                <Text as="p">Ready to submit with {chosen?.name ?? 'this workflow'}.</Text>
                {result.warnings?.map((w, i) => (
                  <Text as="p" key={i}>
                    Note: {humanReason(w.code, w.reason)}
                  </Text>
                ))}
              </SectionMessage>
            ) : (
              <SectionMessage appearance="warning">
                <Text as="p">{humanReason(result.code, result.reason)}</Text>
                {result.details?.map((d) => d.unavailable && <UnavailableList key={`${d.step}-${d.group}`} people={d.unavailable} />)}
              </SectionMessage>
            )}
          </Box>
        )}
        <ErrorMessage error={submit.error} onDismiss={submit.clearError} />
        <Inline space="space.100">
          <Button appearance="primary" testId="submit-approval-button" isDisabled={!result?.canSubmit || submit.busy || preflight.loading} onClick={() => void submit.run()}>
            Submit for approval
          </Button>
          <Button appearance="subtle" onClick={onClose}>
            Close
          </Button>
        </Inline>
      </Stack>
    </Box>
  );
}

export function RequestApproval({ workflows, onSubmitted }: { workflows: Workflow[]; onSubmitted: () => void }) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <Inline>
        <Button appearance="primary" testId="request-approval-button" onClick={() => setOpen(true)}>
          Request approval
        </Button>
      </Inline>
    );
  }
  return (
    <RequestForm
      workflows={workflows}
      onClose={() => setOpen(false)}
      onSubmitted={() => {
        setOpen(false);
        onSubmitted();
      }}
    />
  );
}

/**
 * Recertification of a page due or expired for review (SPEC 2.7): a resubmission of the current
 * version under the page's own workflow, so one click; the server's refusal, if any, is shown as is.
 */
export function RequestAgain({ onSubmitted }: { onSubmitted: () => void }) {
  const flag = useFlag();
  const submit = useAction(
    () => call('page.submit', {}),
    () => {
      flag('Approval requested', 'The approvers were asked to approve the current version again.');
      onSubmitted();
    },
  );
  return (
    <Stack space="space.100">
      <ErrorMessage error={submit.error} onDismiss={submit.clearError} />
      <Inline>
        <Button appearance="primary" testId="request-approval-button" isDisabled={submit.busy} onClick={() => void submit.run()}>
          Request approval again
        </Button>
      </Inline>
    </Stack>
  );
}
