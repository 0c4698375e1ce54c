/**
 * Restore to approved (SPEC 2.4a): one action, after a confirmation that says what happens. The
 * server decides who may (capability `restore`) and what the page's state is afterwards.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import { Text } from '@atlaskit/primitives';
import { call } from '../api';
import type { PageStateView } from '../../../src/core/domain/model';
import { useConfirm } from './confirm';
import { ErrorMessage } from './ui';

export function RestoreApproved({ status, onRestored }: { status: PageStateView; onRestored: () => void }) {
  const { ask, modal } = useConfirm();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const policy = status.latestApproval?.workflowSnapshot.stalenessPolicy ?? 'any_version';
  const restore = () => {
    setBusy(true);
    setError(undefined);
    call('page.restore', { pageId: status.pageId }).then(
      () => {
        setBusy(false);
        onRestored();
      },
      (err: unknown) => {
        setBusy(false);
        setError(err);
      },
    );
  };
  return (
    <>
      <Button
        spacing="compact"
        testId="restore-approved"
        isDisabled={busy}
        onClick={() =>
          ask({
            title: `Restore approved version ${status.approvedAtVersion}?`,
            body: (
              <Text as="p">
                The approved title and content become a new version {status.currentPageVersion + 1}, written by you.{' '}
                {policy === 'any_version'
                  ? 'This workflow treats every new version as a change, so the page still needs approval again afterwards.'
                  : 'The content then matches the approved version, so the page stays approved.'}
              </Text>
            ),
            confirmLabel: 'Restore',
            onConfirm: restore,
          })
        }
      >
        Restore approved version
      </Button>
      {error !== undefined && <ErrorMessage error={error} />}
      {modal}
    </>
  );
}
