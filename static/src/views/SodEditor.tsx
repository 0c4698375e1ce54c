/** Separation of duties settings of a workflow (SPEC 2.3a); the server enforces them at submit and at each decision. */
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import { RadioGroup } from '@atlaskit/radio';
import Heading from '@atlaskit/heading';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';
import type { SodSettings } from '../../../src/core/domain/model';
import { LabelledField } from '../components/form-modal';

export function SodEditor({ value, onChange }: { value: SodSettings; onChange: (next: SodSettings) => void }) {
  return (
    <Stack space="space.100" testId="wf-sod">
      <Heading size="xxsmall" as="h3">
        Separation of duties
      </Heading>
      <RadioGroup
        aria-label="Who edited the page may not approve it"
        name="sod-editors"
        value={value.excludeEditors}
        options={[
          { name: 'sod-editors', value: 'none', label: 'Editors of the page may approve it' },
          { name: 'sod-editors', value: 'last_editor', label: 'Whoever made the submitted version may not approve it' },
          { name: 'sod-editors', value: 'since_last_approval', label: 'Nobody who edited it since its last approval may approve it' },
        ]}
        onChange={(e) => onChange({ ...value, excludeEditors: e.currentTarget.value as SodSettings['excludeEditors'] })}
      />
      <Inline space="space.100" alignBlock="center">
        <Toggle id="wf-sod-steps" isChecked={value.distinctAcrossSteps} onChange={() => onChange({ ...value, distinctAcrossSteps: !value.distinctAcrossSteps })} />
        <label htmlFor="wf-sod-steps">
          <Text>A person decides in one step of an approval only</Text>
        </label>
      </Inline>
      <LabelledField htmlFor="wf-sod-cs" label="Different approvers a change set needs (0: no rule)">
        <Textfield
          id="wf-sod-cs"
          type="number"
          min={FIELD_LIMITS.changeSetMinDistinctApprovers.min}
          max={FIELD_LIMITS.changeSetMinDistinctApprovers.max}
          value={String(value.changeSetMinDistinctApprovers)}
          onChange={(e) => {
            const n = Number(e.currentTarget.value);
            if (Number.isInteger(n)) onChange({ ...value, changeSetMinDistinctApprovers: n });
          }}
        />
      </LabelledField>
    </Stack>
  );
}
