/** Byline item: the state lozenge, expanding to the full page panel on demand. */
import { useState } from 'react';
import { call } from '../api';
import { useAsync } from '../hooks';
import { useOnPageChanged } from '../page-events';
import { ErrorBanner, Loading } from '../components/ui';
import { PagePanel, StateLozenge } from './PagePanel';

export function Byline({ accountId }: { accountId: string }) {
  const [open, setOpen] = useState(false);
  const status = useAsync(() => call('page.status', {}), [open]);
  useOnPageChanged(status.reload);
  return (
    <div className="byline">
      {status.data ? <StateLozenge status={status.data.status} /> : status.loading ? <Loading label="" /> : <ErrorBanner error={status.error} />}
      <button type="button" className="link" aria-expanded={open} data-testid="open-panel-button" onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide approval panel' : 'Open approval panel'}
      </button>
      {open && <PagePanel accountId={accountId} compact />}
    </div>
  );
}
