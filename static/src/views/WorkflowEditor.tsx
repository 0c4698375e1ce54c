/** Create or edit a workflow in a modal: name, steps (approvers picked by name, any/all, electronic signature), owners, self-approval. */
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
import type { StepMode, StepSignature, Workflow } from '../../../src/core/domain/model';
import { StepSignatureEditor } from '../components/step-signature';
import { PeoplePicker } from '../components/pickers';
import { FormModal, LabelledField } from '../components/form-modal';

interface StepDraft {
  name: string;
  approvers: string[];
  mode: StepMode;
  signature?: StepSignature;
}

export function WorkflowEditor({ existing, onClose, onSaved }: { existing?: Workflow; onClose: () => void; onSaved: (w: Workflow) => void }) {
  const [name, setName] = useState(existing?.name ?? '');
  const [steps, setSteps] = useState<StepDraft[]>(existing?.steps.map((s) => ({ name: s.name ?? '', approvers: s.approvers, mode: s.mode, ...(s.signature ? { signature: s.signature } : {}) })) ?? [{ name: '', approvers: [], mode: 'any' }]);
  const [owners, setOwners] = useState<string[]>(existing?.owners ?? []);
  const [selfApproval, setSelfApproval] = useState(existing?.allowSelfApproval ?? false);
  const save = useAction(async () => {
    const fields = {
      name: name.trim(),
      steps: steps.map((s) => ({ ...(s.name.trim() ? { name: s.name.trim() } : {}), approvers: s.approvers, mode: s.mode, ...(s.signature ? { signature: s.signature } : {}) })),
      allowSelfApproval: selfApproval,
      ...(owners.length ? { owners } : {}),
    };
    const r = existing ? await call('workflow.update', { workflowId: existing.id, expectedVersion: existing.version, ...fields }) : await call('workflow.create', fields);
    return r.workflow;
  }, onSaved);
  const setStep = (i: number, patch: Partial<StepDraft>) => setSteps(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const complete = name.trim() !== '' && steps.every((s) => s.approvers.length > 0);

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
              <PeoplePicker label="Approvers" groups value={s.approvers} onChange={(approvers) => setStep(i, { approvers })} testId={`wf-approvers-${i}`} />
              <RadioGroup
                aria-label={`Who must approve step ${i + 1}`}
                name={`mode-${i}`}
                value={s.mode}
                options={[
                  { name: `mode-${i}`, value: 'any', label: 'Any one approver' },
                  { name: `mode-${i}`, value: 'all', label: 'All approvers' },
                ]}
                onChange={(e) => setStep(i, { mode: e.currentTarget.value as StepMode })}
              />
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
            <Button onClick={() => setSteps([...steps, { name: '', approvers: [], mode: 'any' }])}>Add step</Button>
          </Inline>
        )}
        <PeoplePicker label="Owners (you, if nobody is chosen)" value={owners} onChange={setOwners} />
        <Inline space="space.100" alignBlock="center">
          <Toggle id="wf-self" isChecked={selfApproval} onChange={() => setSelfApproval(!selfApproval)} />
          <label htmlFor="wf-self">
            <Text>Allow the requester to approve their own request</Text>
          </label>
        </Inline>
      </Stack>
    </FormModal>
  );
}
