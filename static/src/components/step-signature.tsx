/** Workflow editor: a step's electronic-signature settings (SPEC 2.3c); the server validates them (codes, counts, lengths). */
import Button from '@atlaskit/button/new';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import { RadioGroup } from '@atlaskit/radio';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';
import type { SignatureAuth, StepSignature } from '../../../src/core/domain/model';

const DEFAULT_SIGNATURE: StepSignature = { required: true, auth: 'pin_or_totp', meanings: [{ code: 'approval', label: 'I approve this document' }] };

export function StepSignatureEditor({ index, value, onChange }: { index: number; value?: StepSignature; onChange: (v?: StepSignature) => void }) {
  const setMeaning = (i: number, patch: Partial<{ code: string; label: string }>) =>
    value && onChange({ ...value, meanings: value.meanings.map((m, j) => (j === i ? { ...m, ...patch } : m)) });
  return (
    <Stack space="space.100" testId={`wf-signature-${index}`}>
      <Inline space="space.100" alignBlock="center">
        <Toggle id={`wf-sign-${index}`} isChecked={value !== undefined} onChange={() => onChange(value ? undefined : DEFAULT_SIGNATURE)} />
        <label htmlFor={`wf-sign-${index}`}>
          <Text>Decisions of this step need an electronic signature (meaning + PIN or authenticator code)</Text>
        </label>
      </Inline>
      {value && (
        <>
          <RadioGroup
            aria-label={`Step ${index + 1} signs with`}
            name={`wf-sign-auth-${index}`}
            value={value.auth}
            options={[
              { name: `wf-sign-auth-${index}`, value: 'pin', label: 'Signing PIN' },
              { name: `wf-sign-auth-${index}`, value: 'totp', label: 'Authenticator code (TOTP)' },
              { name: `wf-sign-auth-${index}`, value: 'pin_or_totp', label: 'Either' },
            ]}
            onChange={(e) => onChange({ ...value, auth: e.currentTarget.value as SignatureAuth })}
          />
          <Text weight="medium">Meanings signers choose from</Text>
          {value.meanings.map((m, i) => (
            <Inline key={i} space="space.100" alignBlock="center">
              <Textfield aria-label={`Meaning ${i + 1} code`} placeholder="approval" value={m.code} onChange={(e) => setMeaning(i, { code: e.currentTarget.value })} />
              <Textfield aria-label={`Meaning ${i + 1} label`} placeholder="I approve this document" maxLength={FIELD_LIMITS.meaningLabel.max} value={m.label} onChange={(e) => setMeaning(i, { label: e.currentTarget.value })} />
              {value.meanings.length > FIELD_LIMITS.signatureMeanings.min && (
                <Button appearance="subtle" onClick={() => onChange({ ...value, meanings: value.meanings.filter((_, j) => j !== i) })}>
                  Remove
                </Button>
              )}
            </Inline>
          ))}
          {value.meanings.length < FIELD_LIMITS.signatureMeanings.max && (
            <Inline>
              <Button onClick={() => onChange({ ...value, meanings: [...value.meanings, { code: '', label: '' }] })}>Add meaning</Button>
            </Inline>
          )}
        </>
      )}
    </Stack>
  );
}
