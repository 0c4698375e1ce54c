/**
 * Manage pages → "Change assignment…" (SPEC 2.2, 2.9): a labelled, required workflow picker
 * (@atlaskit/form); assigning without a choice is refused inline under the field, never a silent no-op.
 */
import { useState } from 'react';
import Select from '@atlaskit/select';
import { Text } from '@atlaskit/primitives';
import type { Workflow } from '../../../src/core/domain/model';
import { FormModal } from '../components/form-modal';
import { CheckedField } from '../components/field-validation';

export function AssignWorkflowModal({ pageTitle, workflows, onAssign, onClose }: { pageTitle: string; workflows: Workflow[]; onAssign: (workflowId: string) => void; onClose: () => void }) {
  const [choice, setChoice] = useState<string>();
  const options = workflows.filter((w) => w.enabled).map((w) => ({ label: w.name, value: w.id }));
  const save = {
    busy: false,
    error: undefined,
    clearError: () => undefined,
    // runs only once the Field below is valid, i.e. a workflow was chosen
    run: async () => {
      if (!choice) return;
      onClose();
      onAssign(choice);
    },
  };
  return (
    <FormModal record="assignment" title="Change the assigned workflow?" submitLabel="Assign workflow" width="medium" save={save} ready onClose={onClose}>
      <Text as="p">Submissions of “{pageTitle}” will have to use this workflow. Pending approvals keep theirs.</Text>
      <CheckedField<string> id="assign-workflow" label="Workflow" validate={(v) => (v ? undefined : 'Choose the workflow this page must use.')}>
        {({ id, value, onChange, isInvalid, onBlur, onFocus, ...aria }) => (
          <Select
            inputId={id}
            testId="assign-workflow"
            autoFocus
            placeholder="Choose a workflow"
            aria-describedby={aria['aria-describedby']}
            aria-invalid={isInvalid}
            validationState={isInvalid ? 'error' : 'default'}
            options={options}
            value={options.find((o) => o.value === value) ?? null}
            onBlur={onBlur}
            onFocus={onFocus}
            onChange={(o) => {
              onChange(o?.value ?? '');
              setChoice(o?.value);
            }}
          />
        )}
      </CheckedField>
    </FormModal>
  );
}
