/**
 * Manage pages → "Change assignment…" (SPEC 2.2, 2.9): a labelled workflow picker; assigning
 * without a choice is refused inline under the field, never a silent no-op.
 */
import { useState } from 'react';
import Select from '@atlaskit/select';
import { Text } from '@atlaskit/primitives';
import type { Workflow } from '../../../src/core/domain/model';
import { FormModal } from '../components/form-modal';
import { ValidatedField } from '../components/field-validation';

export function AssignWorkflowModal({ pageTitle, workflows, onAssign, onClose }: { pageTitle: string; workflows: Workflow[]; onAssign: (workflowId: string) => void; onClose: () => void }) {
  const [choice, setChoice] = useState<string>();
  const [tried, setTried] = useState(false);
  const error = tried && !choice ? 'Choose the workflow this page must use.' : undefined;
  const save = {
    busy: false,
    error: undefined,
    clearError: () => undefined,
    run: async () => {
      setTried(true);
      if (!choice) return;
      onClose();
      onAssign(choice);
    },
  };
  return (
    <FormModal record="assignment" title="Change the assigned workflow?" submitLabel="Assign workflow" width="medium" save={save} ready onClose={onClose}>
      <Text as="p">Submissions of “{pageTitle}” will have to use this workflow. Pending approvals keep theirs.</Text>
      <ValidatedField htmlFor="assign-workflow" label="Workflow" error={error}>
        <Select
          inputId="assign-workflow"
          testId="assign-workflow"
          autoFocus
          placeholder="Choose a workflow"
          aria-describedby={error ? 'assign-workflow-error' : undefined}
          aria-invalid={error !== undefined}
          validationState={error ? 'error' : 'default'}
          options={workflows.filter((w) => w.enabled).map((w) => ({ label: w.name, value: w.id }))}
          onChange={(o) => setChoice(o?.value)}
        />
      </ValidatedField>
    </FormModal>
  );
}
