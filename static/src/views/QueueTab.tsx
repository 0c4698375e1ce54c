/** Space page → Approval Queue: pending approvals of the space, mine or all, with filters and paging. */
import { useState } from 'react';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { PageApproval } from '../../../src/core/domain/model';
import { ErrorBanner, Loading, Lozenge, formatTime } from '../components/ui';
import { Person, useNameOf } from '../people';

export function QueueTab() {
  const [mine, setMine] = useState(true);
  const [pages, setPages] = useState<{ items: PageApproval[]; nextCursor?: string }>();
  const [text, setText] = useState('');
  const [source, setSource] = useState<'' | 'ui' | 'api'>('');
  const first = useAsync(async () => {
    const r = await call('queue.list', { mine, limit: 50 });
    setPages({ items: r.approvals, nextCursor: r.nextCursor });
    return r;
  }, [mine]);
  const more = useAction(
    () => call('queue.list', { mine, limit: 50, cursor: pages?.nextCursor }),
    (r) => setPages((p) => ({ items: [...(p?.items ?? []), ...r.approvals], nextCursor: r.nextCursor })),
  );
  const reset = useAction((pageId: string) => call('approval.reset', { pageId }), () => first.reload());

  const nameOf = useNameOf();
  // Not memoized on purpose: matching the submitter's name must re-run as names arrive.
  const needle = text.trim().toLowerCase();
  const shown = (pages?.items ?? []).filter(
    (a) =>
      (!source || a.source === source) &&
      (!needle ||
        [a.pageId, a.submittedBy, nameOf(a.submittedBy) ?? '', a.workflowSnapshot.name, a.changeSetId ?? ''].some((v) => v.toLowerCase().includes(needle))),
  );

  return (
    <div>
      <div className="toolbar" role="group" aria-label="Queue filters">
        <div className="segmented" role="radiogroup" aria-label="Whose approvals">
          <button type="button" role="radio" aria-checked={mine} className={mine ? 'selected' : ''} onClick={() => setMine(true)}>
            Waiting for me
          </button>
          <button type="button" role="radio" aria-checked={!mine} className={!mine ? 'selected' : ''} onClick={() => setMine(false)}>
            All pending
          </button>
        </div>
        <label className="field inline">
          Filter
          <input placeholder="page, submitter, workflow, change set" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label className="field inline">
          Source
          <select value={source} onChange={(e) => setSource(e.target.value as '' | 'ui' | 'api')}>
            <option value="">Any</option>
            <option value="ui">UI</option>
            <option value="api">API</option>
          </select>
        </label>
      </div>
      <ErrorBanner error={first.error ?? more.error ?? reset.error} />
      {first.loading && !pages ? (
        <Loading />
      ) : (
        <table className="grid" data-testid="queue-table">
          <thead>
            <tr>
              <th>Page</th>
              <th>Version</th>
              <th>Workflow / step</th>
              <th>Submitted</th>
              <th>Source</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  {mine ? 'Nothing is waiting for you.' : 'No pending approvals.'}
                </td>
              </tr>
            )}
            {shown.map((a) => (
              <tr key={a.id}>
                <td>
                  <code>{a.pageId}</code>
                  {a.changeSetId && <div className="muted">change set {a.changeSetId}</div>}
                </td>
                <td>{a.pageVersion}</td>
                <td>
                  {a.workflowSnapshot.name} · step {a.activeStep + 1}/{a.workflowSnapshot.steps.length}
                </td>
                <td>
                  <Person id={a.submittedBy} /> <span className="muted">{formatTime(a.submittedAt)}</span>
                </td>
                <td>{a.source === 'api' ? <Lozenge tone="info">API</Lozenge> : <Lozenge tone="neutral">UI</Lozenge>}</td>
                <td>
                  <button type="button" className="subtle" title="Space admins: cancel a stuck approval" disabled={reset.busy} onClick={() => reset.run(a.pageId)}>
                    Reset
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages?.nextCursor && (
        <button type="button" disabled={more.busy} onClick={() => more.run()}>
          Load more
        </button>
      )}
    </div>
  );
}
