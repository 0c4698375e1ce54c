/**
 * "Download approval receipt" (SPEC 5a) on an approved page: the installation-signed receipt of the
 * approval as a JSON file, which anyone can check offline against the public keys (GET /keys).
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import { call } from '../api';
import type { PageStateView } from '../../../src/core/domain/model';
import { ErrorMessage, download } from './ui';

export function ApprovalReceiptDownload({ status }: { status: PageStateView }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const fetchReceipt = () => {
    setBusy(true);
    setError(undefined);
    call('approval.receipt', { pageId: status.pageId }).then(
      ({ receipt }) => {
        setBusy(false);
        if (receipt) download(`approval-receipt-${status.pageId}-v${status.approvedAtVersion ?? 'unknown'}.json`, `${JSON.stringify(receipt, null, 2)}\n`, 'application/json');
        else setError(new Error('This page has no completed approval to give a receipt for.'));
      },
      (err: unknown) => {
        setBusy(false);
        setError(err);
      },
    );
  };
  return (
    <>
      <Button spacing="compact" testId="download-receipt" isDisabled={busy} onClick={fetchReceipt}>
        Download approval receipt
      </Button>
      {error !== undefined && <ErrorMessage error={error} />}
    </>
  );
}
