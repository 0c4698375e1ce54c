/**
 * Create or edit a workflow in a modal: name, steps (approver groups and counts, electronic
 * signature), owners, self-approval, separation of duties, and the review and reminder settings
 * (SPEC 2.1, 2.1a, 2.3a, 2.3c, 2.7, 2.8), each number checked inline against the server's own limits
 * before anything is sent.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import { RadioGroup } from '@atlaskit/radio';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import Heading from '@atlaskit/heading';
import { call } from '../api';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';
import { useAction } from '../hooks';
import type { SodSettings, Workflow } from '../../../src/core/domain/model';
import { draftOf, emptyStep, StepEditor, stepOf, type StepDraft } from './StepEditor';
import { SodEditor } from './SodEditor';
import { StepSignatureEditor } from '../components/step-signature';
import { PeoplePicker } from '../components/pickers';
import { FormModal, LabelledField } from '../components/form-modal';
import { REVIEW_PERIOD_DAYS } from '../../../src/core/domain/limits';
import { CheckedField, daysOrNull, wholeNumberError } from '../components/field-validation';

const REVIEW_OPTIONS = [
  { value: 'none', label: 'No periodic review' },
  ...REVIEW_PERIOD_DAYS.map((d) => ({ value: String(d), label: `Every ${d} days` })),
];


export function WorkflowEditor({ existing, onClose, onSaved }: { existing?: Workflow; onClose: () => void; onSaved: (w: Workflow) => void }) {
  const [name, setName] = useState(existing?.name ?? '');
  const [steps, setSteps] = useState<StepDraft[]>(existing?.steps.map(draftOf) ?? [emptyStep()]);
  const [sod, setSod] = useState<SodSettings>(existing?.sod ?? { excludeEditors: 'none', distinctAcrossSteps: false, changeSetMinDistinctApprovers: 0 });
  const [owners, setOwners] = useState<string[]>(existing?.owners ?? []);
  const [selfApproval, setSelfApproval] = useState(existing?.allowSelfApproval ?? false);
  const [reviewPeriod, setReviewPeriod] = useState(existing?.reviewPeriodDays ? String(existing.reviewPeriodDays) : 'none');
  const [reminderWindow, setReminderWindow] = useState(String(existing?.reminderWindowDays ?? FIELD_LIMITS.reminderWindowDays.default));
  const [remindAfter, setRemindAfter] = useState(existing?.remindAfterDays ? String(existing.remindAfterDays) : '');
  const hasReview = reviewPeriod !== 'none';
  const reminderWindowError = hasReview ? wholeNumberError(reminderWindow, FIELD_LIMITS.reminderWindowDays) : undefined;
  const remindAfterError = wholeNumberError(remindAfter, FIELD_LIMITS.remindAfterDays, true);
  const save = useAction(async () => {
    const fields = {
      name: name.trim(),
      steps: steps.map(stepOf),
      allowSelfApproval: selfApproval,
      sod,
      ...(owners.length ? { owners } : {}),
      reviewPeriodDays: hasReview ? (Number(reviewPeriod) as (typeof REVIEW_PERIOD_DAYS)[number]) : null,
      ...(hasReview ? { reminderWindowDays: Number(reminderWindow) } : {}),
      remindAfterDays: daysOrNull(remindAfter),
    };
    const r = existing ? await call('workflow.update', { workflowId: existing.id, expectedVersion: existing.version, ...fields }) : await call('workflow.create', fields);
    return r.workflow;
  }, onSaved);
  const setStep = (i: number, patch: Partial<StepDraft>) => setSteps(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const complete = name.trim() !== '' && steps.every((s) => s.groups.every((g) => g.approvers.length > 0)) && !reminderWindowError && !remindAfterError;

  return (
    <FormModal record="workflow" title={existing ? `Edit ${existing.name}` : 'New workflow'} submitLabel={existing ? 'Save changes' : 'Create workflow'} width="large" save={save} ready={complete} onClose={onClose}>
      <Stack space="space.200">
        <LabelledField htmlFor="wf-name" label="Name">
          <Textfield id="wf-name" testId="wf-name" isRequired maxLength={FIELD_LIMITS.workflowName.max} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        </LabelledField>
        {steps.map((s, i) => (
          <Box key={i} as="section" padding="space.150" backgroundColor="color.background.neutral.subtle" aria-label={`Step ${i + 1}`}>
            <Stack space="space.100">
              <Heading size="xsmall" as="h3">
                Step {i + 1}
              </Heading>
              <LabelledField htmlFor={`wf-step-${i}`} label="Step name (optional)">
                <Textfield id={`wf-step-${i}`} maxLength={FIELD_LIMITS.stepName.max} value={s.name} onChange={(e) => setStep(i, { name: e.currentTarget.value })} />
              </LabelledField>
              <StepEditor step={s} index={i} onChange={(next) => setSteps(steps.map((x, j) => (j === i ? next : x)))} />
              <StepSignatureEditor index={i} value={s.signature} onChange={(signature) => setStep(i, { signature })} />
              {steps.length > 1 && (
                <Inline>
                  <Button appearance="subtle" onClick={() => setSteps(steps.filter((_, j) => j !== i))}>
                    Remove step {i + 1}
                  </Button>
                </Inline>
              )}
            </Stack>
          </Box>
        ))}
        {steps.length < FIELD_LIMITS.steps.max && (
          <Inline>
            <Button onClick={() => setSteps([...steps, emptyStep()])}>Add step</Button>
          </Inline>
        )}
        <PeoplePicker label="Owners (you, if nobody is chosen)" value={owners} onChange={setOwners} />
        <Inline space="space.100" alignBlock="center">
          <Toggle id="wf-self" isChecked={selfApproval} onChange={() => setSelfApproval(!selfApproval)} />
          <label htmlFor="wf-self">
            <Text>Allow the requester to approve their own request</Text>
          </label>
        </Inline>
        <SodEditor value={sod} onChange={setSod} />
        <Stack space="space.100" testId="wf-review-settings">
          <Heading size="xsmall" as="h3" id="wf-review-title">
            Review and reminders
          </Heading>
          <RadioGroup
            aria-labelledby="wf-review-title"
            name="wf-review-period"
            testId="wf-review-period"
            value={reviewPeriod}
            options={REVIEW_OPTIONS.map((o) => ({ name: 'wf-review-period', ...o }))}
            onChange={(e) => setReviewPeriod(e.currentTarget.value)}
          />
          {hasReview && (
            <CheckedField
              id="wf-reminder-window"
              label="Days before the review date that the page is due"
              hint={`${FIELD_LIMITS.reminderWindowDays.min} to ${FIELD_LIMITS.reminderWindowDays.max} days.`}
              defaultValue={reminderWindow}
              validate={(v) => wholeNumberError(v ?? '', FIELD_LIMITS.reminderWindowDays)}
            >
              {(fieldProps) => (
                <Textfield
                  {...fieldProps}
                  testId="wf-reminder-window"
                  width="small"
                  inputMode="numeric"
                  onChange={(e) => {
                    fieldProps.onChange(e);
                    setReminderWindow(e.currentTarget.value);
                  }}
                />
              )}
            </CheckedField>
          )}
          <CheckedField
            id="wf-remind-after"
            label="Remind approvers after (days)"
            hint={`Empty: no reminders. ${FIELD_LIMITS.remindAfterDays.min} to ${FIELD_LIMITS.remindAfterDays.max} days: a reminder when a step has waited that long, then again every that many days.`}
            defaultValue={remindAfter}
            validate={(v) => wholeNumberError(v ?? '', FIELD_LIMITS.remindAfterDays, true)}
          >
            {(fieldProps) => (
              <Textfield
                {...fieldProps}
                testId="wf-remind-after"
                width="small"
                inputMode="numeric"
                onChange={(e) => {
                  fieldProps.onChange(e);
                  setRemindAfter(e.currentTarget.value);
                }}
              />
            )}
          </CheckedField>
        </Stack>
      </Stack>
    </FormModal>
  );
}
