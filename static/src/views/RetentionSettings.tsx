/**
 * Global admin page → Retention (SPEC 2.10): how long resolved approvals and audit records are kept.
 * Windows can be lengthened, never shortened below the minimums of FIELD_LIMITS; the
 * server refuses anything shorter (RETENTION_TOO_SHORT), this view states the rule up front.
 * Each field is checked inline (@atlaskit/form) against those limits first; only a valid shortening (down to the
 * minimum) asks for the destructive confirmation: older records are purged on the next run.
 */
import Form from '@atlaskit/form';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { FIELD_LIMITS as L } from '../../../src/core/domain/limits';
import { useAction, useAsync } from '../hooks';
import type { RetentionSettings as Settings, RunSummary } from '../../../src/core/lifecycle/types';
import { ErrorMessage, Loading, formatTime } from '../components/ui';
import { CheckedField, wholeNumberError } from '../components/field-validation';
import { useConfirm } from '../components/confirm';
import { useFlag } from '../components/feedback';

const MIN_DAYS: Settings = { approvalRetentionDays: L.approvalRetentionDays.min, auditRetentionDays: L.auditRetentionDays.min };
const FIELDS: { key: keyof Settings; label: string; what: string }[] = [
  { key: 'approvalRetentionDays', label: 'Keep resolved approvals for (days)', what: 'approvals' },
  { key: 'auditRetentionDays', label: 'Keep audit records for (days)', what: 'audit records' },
];

function LastRun({ run }: { run: RunSummary | null }) {
  if (!run) return <Text as="p">The daily job has not purged anything yet.</Text>;
  return (
    <Text as="p" testId="retention-last-run">
      Last daily run {formatTime(run.at)}: {run.approvalsPurged} approvals and {run.auditRecordsPurged} audit records purged
      {run.more ? '; more is waiting for the next run.' : '.'}
    </Text>
  );
}

function RetentionForm({ current, onSaved }: { current: Settings; onSaved: () => void }) {
  const flag = useFlag();
  const confirm = useConfirm();
  const save = useAction(
    (next: Settings) => call('retention.update', next),
    () => {
      flag('Retention saved', 'The daily job uses the new windows from its next run.');
      onSaved();
    },
  );
  // Called by the Form only when both fields are valid: a value the server would refuse never
  // reaches the destructive confirmation.
  const submit = (values: Record<string, string>) => {
    const next: Settings = { approvalRetentionDays: Number(values[`ret-approvalRetentionDays`]), auditRetentionDays: Number(values[`ret-auditRetentionDays`]) };
    const shorter = FIELDS.filter((f) => next[f.key] < current[f.key]);
    if (shorter.length === 0) return void save.run(next);
    confirm.ask({
      title: 'Shorten retention?',
      body: `Older ${shorter.map((f) => f.what).join(' and ')} will be purged on the next daily run. Purged records cannot be restored.`,
      confirmLabel: 'Shorten and save',
      danger: true,
      onConfirm: () => void save.run(next),
    });
  };
  return (
    <Form<Record<string, string>> onSubmit={submit}>
      {({ formProps }) => (
        <form {...formProps} aria-label="Retention settings">
          <Stack space="space.200">
            {FIELDS.map((f) => (
              <CheckedField key={f.key} id={`ret-${f.key}`} label={f.label} hint={`${MIN_DAYS[f.key]} to ${L[f.key].max} days.`} defaultValue={String(current[f.key])} validate={(v) => wholeNumberError(v ?? '', L[f.key])}>
                {(fieldProps) => <Textfield {...fieldProps} width="small" inputMode="numeric" testId={`retention-${f.key}`} />}
              </CheckedField>
            ))}
            <ErrorMessage error={save.error} onDismiss={save.clearError} title="Not saved" />
            <Inline>
              <Button type="submit" appearance="primary" isDisabled={save.busy} testId="retention-save">
                Save
              </Button>
            </Inline>
          </Stack>
          {confirm.modal}
        </form>
      )}
    </Form>
  );
}

export function RetentionSettings() {
  const state = useAsync(() => call('retention.get', {}), []);
  if (state.loading && !state.data) return <Loading />;
  if (!state.data) return <ErrorMessage error={state.error} onRetry={state.reload} />;
  const { settings, lastRun } = state.data;
  return (
    <Stack space="space.200">
      <Heading size="medium" as="h2">
        Retention
      </Heading>
      <SectionMessage appearance="information" testId="retention-rule">
        <Text as="p">
          A daily job purges resolved approvals older than {MIN_DAYS.approvalRetentionDays} days and audit records older than {MIN_DAYS.auditRetentionDays} days. You can keep
          them longer; you cannot keep them for less. The page&apos;s current approval is never purged, and the audit chain still verifies after a purge.
        </Text>
      </SectionMessage>
      <RetentionForm key={`${settings.approvalRetentionDays}-${settings.auditRetentionDays}`} current={settings} onSaved={state.reload} />
      <LastRun run={lastRun} />
    </Stack>
  );
}
