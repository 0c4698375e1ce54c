/**
 * Space page → Routing → Automation labels (SPEC 3a, off by default): a space admin names a label for
 * approved, rejected and stale pages; the app keeps exactly that label on each page after its state
 * changes, so the customer's own Confluence Automation rule ("when a label is added") can react.
 * The label rules are the server's: a refusal is shown under the field it names. Whether the caller
 * may edit is the server's answer (`canEdit`).
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Textfield from '@atlaskit/textfield';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call, errorText } from '../api';
import { useAction, useAsync } from '../hooks';
import type { LabelOnState, LabelState } from '../../../src/core/domain/label-bridge';
import { ErrorMessage } from '../components/ui';
import { ErrorMessage as FieldError, HelperMessage, Label } from '@atlaskit/form';
import { useFlag } from '../components/feedback';

const FIELDS: { state: LabelState; label: string }[] = [
  { state: 'approved', label: 'Label on approved pages' },
  { state: 'rejected', label: 'Label on rejected pages' },
  { state: 'stale', label: 'Label on approved pages that changed since (stale)' },
];

type Draft = Record<LabelState, string>;

const draftOf = (map: LabelOnState): Draft => ({ approved: map.approved ?? '', rejected: map.rejected ?? '', stale: map.stale ?? '' });
/** An empty field turns that state's label off. */
const mappingOf = (draft: Draft): LabelOnState => Object.fromEntries(FIELDS.flatMap((f) => (draft[f.state].trim() ? [[f.state, draft[f.state].trim()]] : [])));

export function AutomationLabels() {
  const flag = useFlag();
  const bridge = useAsync(() => call('automation.labels.get', {}), []);
  const [draft, setDraft] = useState<Draft>();
  const save = useAction(
    (next: LabelOnState) => call('automation.labels.save', { labelOnState: next, expectedVersion: bridge.data?.version }),
    () => {
      flag('Automation labels saved', 'Pages get their label at their next approval state change.');
      setDraft(undefined);
      bridge.reload();
    },
  );
  const data = bridge.data;
  const current = draft ?? (data ? draftOf(data.labelOnState) : draftOf({}));
  // the server names the refused field (`labelOnState.<state>`); its reason goes under that field
  const refusal = errorText(save.error);
  const fieldError = (state: LabelState) => refusal.details.find((d) => d.field === `labelOnState.${state}`)?.reason;
  const fieldErrors = FIELDS.some((f) => fieldError(f.state) !== undefined);
  const on = data !== undefined && FIELDS.some((f) => data.labelOnState[f.state] !== undefined);

  return (
    <Box as="section" aria-labelledby="automation-labels-title" testId="automation-labels">
      <Stack space="space.100">
        <Heading size="small" as="h2" id="automation-labels-title">
          Automation labels
        </Heading>
        <Text as="p" color="color.text.subtle">
          Off unless a label is named. The app adds the label of a page&apos;s approval state and removes the other two after each change, so a Confluence
          Automation rule (&quot;Label added&quot;) can react, for example by notifying a channel. Other labels are never touched; pages in review carry none.
        </Text>
        <ErrorMessage error={bridge.error} onRetry={bridge.reload} />
        {data && !data.canEdit && (
          <Text as="p" testId="automation-labels-summary">
            {on ? FIELDS.flatMap((f) => (data.labelOnState[f.state] ? [`${f.state}: ${data.labelOnState[f.state]}`] : [])).join(' · ') : 'Off in this space.'}
          </Text>
        )}
        {data?.canEdit && (
          <form
            aria-label="Automation labels"
            onSubmit={(e) => {
              e.preventDefault();
              void save.run(mappingOf(current));
            }}
          >
            <Stack space="space.150">
              {FIELDS.map((f) => {
                const id = `automation-label-${f.state}`;
                const error = fieldError(f.state);
                // the server's refusal replaces the hint under the field it names (ADS form message pattern)
                return (
                  <Stack key={f.state} space="space.050">
                    <Label htmlFor={id}>{f.label}</Label>
                    <Textfield
                      id={id}
                      width="medium"
                      isInvalid={error !== undefined}
                      aria-describedby={`${id}-message`}
                      value={current[f.state]}
                      onChange={(e) => setDraft({ ...current, [f.state]: e.currentTarget.value })}
                      testId={id}
                    />
                    <div id={`${id}-message`} aria-live="polite">
                      {error ? <FieldError testId={`${id}-error`}>{error}</FieldError> : <HelperMessage>Lowercase, no spaces; leave empty for none.</HelperMessage>}
                    </div>
                  </Stack>
                );
              })}
              {!fieldErrors && <ErrorMessage error={save.error} onDismiss={save.clearError} title="The Automation labels were not saved" />}
              <Inline space="space.100">
                <Button type="submit" appearance="primary" isDisabled={draft === undefined || save.busy} testId="automation-labels-save">
                  Save labels
                </Button>
                <Button
                  isDisabled={draft === undefined || save.busy}
                  onClick={() => {
                    setDraft(undefined);
                    save.clearError();
                  }}
                >
                  Discard changes
                </Button>
              </Inline>
            </Stack>
          </form>
        )}
      </Stack>
    </Box>
  );
}
