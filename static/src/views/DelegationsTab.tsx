/**
 * Delegations (SPEC 2.3b): "My delegations" (given and received, create, revoke) for everyone, and
 * the delegations of a space (space admins) or of the site (site admins) with "delegate for someone".
 * The server decides who may list, create and revoke; a refusal is shown as its sentence.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import Textfield from '@atlaskit/textfield';
import { RadioGroup } from '@atlaskit/radio';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { Delegation } from '../../../src/core/domain/delegation';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';
import { DataTable } from '../components/data-table';
import { PeoplePicker } from '../components/pickers';
import { LabelledField } from '../components/form-modal';
import { ErrorMessage, Loading } from '../components/ui';
import { useFlag } from '../components/feedback';
import { Person } from '../people';

type Role = 'delegator' | 'delegate' | 'admin';

function DelegationList({ title, role, spaceId, version, onRevoked }: { title: string; role: Role; spaceId?: string; version: number; onRevoked: () => void }) {
  const list = useAsync(() => call('delegation.list', { role, ...(spaceId ? { spaceId } : {}) }), [role, spaceId, version]);
  const flag = useFlag();
  const revoke = useAction(
    (id: string) => call('delegation.revoke', { delegationId: id }),
    () => {
      flag('Delegation revoked', 'Undecided approvals return to the person who delegated.');
      onRevoked();
    },
  );
  if (list.loading && !list.data) return <Loading />;
  if (list.error) return <ErrorMessage error={list.error} onRetry={list.reload} />;
  const rows = (list.data?.delegations ?? []).map((d: Delegation) => ({
    key: d.id,
    cells: [
      { key: 'from', content: <Person id={d.delegatorAccountId} /> },
      { key: 'to', content: <Person id={d.delegateAccountId} /> },
      { key: 'when', content: <Text>{`${d.startsAt.slice(0, 10)} – ${d.endsAt.slice(0, 10)}`}</Text> },
      { key: 'mode', content: <Text>{d.mode === 'replace' ? 'Instead of' : 'As well as'}</Text> },
      { key: 'scope', content: <Text>{d.scope.spaceIds?.length || d.scope.workflowIds?.length ? `${d.scope.spaceIds?.length ?? 0} spaces, ${d.scope.workflowIds?.length ?? 0} workflows` : 'Everywhere'}</Text> },
      {
        key: 'state',
        content: d.revokedAt ? (
          <Lozenge>Revoked</Lozenge>
        ) : (
          <Button appearance="subtle" isDisabled={revoke.busy} onClick={() => void revoke.run(d.id)} testId={`revoke-${d.id}`}>
            Revoke
          </Button>
        ),
      },
    ],
  }));
  return (
    <Stack space="space.100">
      <Heading size="xsmall" as="h3">
        {title}
      </Heading>
      <ErrorMessage error={revoke.error} onDismiss={revoke.clearError} />
      <DataTable columns={{ from: 'Delegated by', to: 'Covered by', when: 'Dates (UTC)', mode: 'Mode', scope: 'Scope', state: '' }} rows={rows} emptyView={<Text>No delegations.</Text>} />
    </Stack>
  );
}

function CreateDelegation({ forSomeone, spaceId, onCreated }: { forSomeone: boolean; spaceId?: string; onCreated: () => void }) {
  const flag = useFlag();
  const [delegator, setDelegator] = useState<string[]>([]);
  const [delegate, setDelegate] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [mode, setMode] = useState<'add' | 'replace'>('replace');
  const [reason, setReason] = useState('');
  const create = useAction(
    () => {
      const fields = {
        delegateAccountId: delegate[0] ?? '',
        startsAt: `${from}T00:00:00Z`,
        endsAt: `${to}T00:00:00Z`,
        mode,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(spaceId ? { scope: { spaceIds: [spaceId] } } : {}),
      };
      return forSomeone ? call('delegation.createFor', { delegatorAccountId: delegator[0] ?? '', ...fields }) : call('delegation.create', fields);
    },
    () => {
      flag('Delegation created');
      onCreated();
    },
  );
  const ready = delegate.length === 1 && from !== '' && to !== '' && (!forSomeone || delegator.length === 1);
  return (
    <Stack space="space.100" testId={forSomeone ? 'delegation-create-for' : 'delegation-create'}>
      <Heading size="xsmall" as="h3">
        {forSomeone ? 'Delegate for someone' : 'Delegate my approvals'}
      </Heading>
      {forSomeone && <PeoplePicker label="Whose approvals" value={delegator} onChange={(v) => setDelegator(v.slice(-1))} />}
      <PeoplePicker label="Who covers" value={delegate} onChange={(v) => setDelegate(v.slice(-1))} />
      <Inline space="space.200">
        <LabelledField htmlFor={`dlg-from-${String(forSomeone)}`} label="From (UTC)">
          <Textfield id={`dlg-from-${String(forSomeone)}`} type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        </LabelledField>
        <LabelledField htmlFor={`dlg-to-${String(forSomeone)}`} label="Until (UTC)">
          <Textfield id={`dlg-to-${String(forSomeone)}`} type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </LabelledField>
      </Inline>
      <RadioGroup
        aria-label="How the delegate covers"
        name={`dlg-mode-${String(forSomeone)}`}
        value={mode}
        options={[
          { name: `dlg-mode-${String(forSomeone)}`, value: 'replace', label: 'Only the delegate decides meanwhile' },
          { name: `dlg-mode-${String(forSomeone)}`, value: 'add', label: 'Either of us may decide' },
        ]}
        onChange={(e) => setMode(e.currentTarget.value as 'add' | 'replace')}
      />
      <LabelledField htmlFor={`dlg-reason-${String(forSomeone)}`} label="Reason (optional)">
        <Textfield id={`dlg-reason-${String(forSomeone)}`} maxLength={FIELD_LIMITS.comment.max} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
      </LabelledField>
      <ErrorMessage error={create.error} onDismiss={create.clearError} />
      <Inline>
        <Button appearance="primary" isDisabled={!ready || create.busy} onClick={() => void create.run()}>
          Create delegation
        </Button>
      </Inline>
    </Stack>
  );
}

/** `admin`: show the space's (with spaceId) or the site's delegations and "delegate for someone". */
export function DelegationsTab({ admin, spaceId }: { admin: boolean; spaceId?: string }) {
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  return (
    <Stack space="space.300">
      <CreateDelegation forSomeone={false} onCreated={changed} />
      <DelegationList title="Delegated by me" role="delegator" version={version} onRevoked={changed} />
      <DelegationList title="Delegated to me" role="delegate" version={version} onRevoked={changed} />
      {admin && (
        <>
          <CreateDelegation forSomeone spaceId={spaceId} onCreated={changed} />
          <DelegationList title={spaceId ? 'Delegations in this space' : 'All delegations'} role="admin" spaceId={spaceId} version={version} onRevoked={changed} />
        </>
      )}
    </Stack>
  );
}
