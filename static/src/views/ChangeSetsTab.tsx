/** Space page → Change Sets: list with roll-up, detail with per-page versions, create/edit, preflight, submit, archive. */
import { useState } from 'react';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { ChangeSetView, PreflightResult, SubmitResult } from '../../../src/core/domain/model';
import { ErrorBanner, Loading, Lozenge, RollupLozenge, STATE_LABEL, formatTime, parseIds } from '../components/ui';
import { Person } from '../people';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';

export function ChangeSetsTab() {
  const [status, setStatus] = useState<'open' | 'archived'>('open');
  const [selected, setSelected] = useState<string>();
  const [editing, setEditing] = useState<ChangeSetView | 'new'>();
  const list = useAsync(() => call('changeSet.list', { status, limit: 100 }), [status]);

  if (selected) {
    return (
      <ChangeSetDetail
        changeSetId={selected}
        onBack={() => {
          setSelected(undefined);
          list.reload();
        }}
      />
    );
  }
  return (
    <div>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          New change set
        </button>
        <label className="field inline">
          Show
          <select value={status} onChange={(e) => setStatus(e.target.value as 'open' | 'archived')}>
            <option value="open">Open</option>
            <option value="archived">Archived</option>
          </select>
        </label>
      </div>
      {editing && (
        <ChangeSetEditor
          existing={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={(cs) => {
            setEditing(undefined);
            setSelected(cs.id);
          }}
        />
      )}
      <ErrorBanner error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <table className="grid" data-testid="changeset-table">
          <thead>
            <tr>
              <th>Title</th>
              <th>Roll-up</th>
              <th>Pages</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.changeSets.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  No {status} change sets.
                </td>
              </tr>
            )}
            {list.data?.changeSets.map((cs) => (
              <tr key={cs.id}>
                <td>
                  <button type="button" className="link" onClick={() => setSelected(cs.id)}>
                    {cs.title}
                  </button>
                </td>
                <td>
                  <RollupLozenge state={cs.rollupState} />
                </td>
                <td>{cs.pageRefs.length}</td>
                <td className="muted">{formatTime(cs.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ChangeSetEditor({ existing, onClose, onSaved }: { existing?: ChangeSetView; onClose: () => void; onSaved: (cs: ChangeSetView) => void }) {
  const [title, setTitle] = useState(existing?.title ?? '');
  const [summary, setSummary] = useState(existing?.summary ?? '');
  const [referenceUrl, setReferenceUrl] = useState(existing?.referenceUrl ?? '');
  const [pages, setPages] = useState(existing?.pageRefs.map((p) => p.pageId).join(', ') ?? '');
  const save = useAction(async () => {
    const fields = {
      title: title.trim(),
      summary,
      ...(referenceUrl.trim() ? { referenceUrl: referenceUrl.trim() } : {}),
      pageRefs: parseIds(pages).map((pageId) => ({ pageId })),
    };
    const r = existing
      ? await call('changeSet.update', { changeSetId: existing.id, expectedVersion: existing.version, ...fields })
      : await call('changeSet.create', fields);
    return r.changeSet;
  }, onSaved);
  return (
    <form
      className="card"
      aria-label={existing ? 'Edit change set' : 'New change set'}
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <h3>{existing ? 'Edit change set' : 'New change set'}</h3>
      <label className="field">
        Title
        <input required maxLength={FIELD_LIMITS.changeSetTitle.max} value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="field">
        Summary
        <textarea maxLength={FIELD_LIMITS.changeSetSummary.max} rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} />
      </label>
      <label className="field">
        Reference URL (e.g. a pull request)
        <input type="url" maxLength={FIELD_LIMITS.referenceUrl.max} value={referenceUrl} onChange={(e) => setReferenceUrl(e.target.value)} />
      </label>
      <label className="field">
        Page ids (comma separated, same space, up to 100)
        <input required value={pages} onChange={(e) => setPages(e.target.value)} />
      </label>
      <ErrorBanner error={save.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy}>
          {existing ? 'Save' : 'Create'}
        </button>
        <button type="button" className="subtle" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ChangeSetDetail({ changeSetId, onBack }: { changeSetId: string; onBack: () => void }) {
  const detail = useAsync(() => call('changeSet.get', { changeSetId }), [changeSetId]);
  const [editing, setEditing] = useState(false);
  const [preflight, setPreflight] = useState<{ summary: { total: number; submittable: number; blocked: number }; results: PreflightResult[] }>();
  const [submitted, setSubmitted] = useState<{ submittedCount: number; skippedCount: number; results: SubmitResult[] }>();
  const check = useAction(() => call('changeSet.preflight', { changeSetId }), setPreflight);
  const submit = useAction(
    () => call('changeSet.submit', { changeSetId }),
    (r) => {
      setSubmitted(r);
      setPreflight(undefined);
      detail.reload();
    },
  );
  const archive = useAction(() => call('changeSet.archive', { changeSetId }), () => detail.reload());

  const cs = detail.data?.changeSet;
  return (
    <div>
      <button type="button" className="link" onClick={onBack}>
        ← All change sets
      </button>
      <ErrorBanner error={detail.error ?? check.error ?? submit.error ?? archive.error} />
      {!cs ? (
        detail.loading && <Loading />
      ) : editing ? (
        <ChangeSetEditor
          existing={cs}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            detail.reload();
          }}
        />
      ) : (
        <>
          <h2>
            {cs.title} <RollupLozenge state={cs.rollupState} /> {cs.status === 'archived' && <Lozenge tone="neutral">Archived</Lozenge>}
          </h2>
          {cs.summary && <p>{cs.summary}</p>}
          {cs.referenceUrl && (
            <p>
              Reference:{' '}
              <a href={cs.referenceUrl} target="_blank" rel="noreferrer noopener">
                {cs.referenceUrl}
              </a>
            </p>
          )}
          <p className="muted">
            Created by <Person id={cs.createdBy} /> {formatTime(cs.createdAt)} · version {cs.version}
          </p>
          {cs.status === 'open' && (
            <div className="actions">
              <button type="button" onClick={() => check.run()} disabled={check.busy}>
                Preflight
              </button>
              <button type="button" className="primary" onClick={() => submit.run()} disabled={submit.busy}>
                Submit all eligible pages
              </button>
              <button type="button" onClick={() => setEditing(true)}>
                Edit
              </button>
              <button type="button" className="subtle" onClick={() => archive.run()} disabled={archive.busy}>
                Archive
              </button>
            </div>
          )}
          {preflight && (
            <div className="banner banner-info" data-testid="changeset-preflight">
              {preflight.summary.submittable} of {preflight.summary.total} pages can be submitted, {preflight.summary.blocked} blocked.
            </div>
          )}
          {submitted && (
            <div className="banner banner-ok">
              Submitted {submitted.submittedCount} page(s), skipped {submitted.skippedCount}.
            </div>
          )}
          <table className="grid">
            <thead>
              <tr>
                <th>Page</th>
                <th>State</th>
                <th>Current version</th>
                <th>Approved version</th>
                <th>Preflight / submit</th>
              </tr>
            </thead>
            <tbody>
              {cs.pages.map((p) => {
                const pf = preflight?.results.find((r) => r.pageId === p.pageId);
                const sr = submitted?.results.find((r) => r.pageId === p.pageId);
                return (
                  <tr key={p.pageId}>
                    <td>
                      {p.title || <span className="muted">(unknown)</span>} <code className="muted">{p.pageId}</code>
                    </td>
                    <td>
                      {p.approvalStatus === 'not_found' ? <Lozenge tone="danger">Not found</Lozenge> : STATE_LABEL[p.approvalStatus]}
                      {p.isStale && (
                        <>
                          {' '}
                          <Lozenge tone="warning">Stale +{p.versionDelta}</Lozenge>
                        </>
                      )}
                    </td>
                    <td>{p.currentPageVersion ?? '–'}</td>
                    <td>{p.approvedAtVersion ?? '–'}</td>
                    <td>
                      {pf && (pf.canSubmit ? <Lozenge tone="success">Ready</Lozenge> : <span><code>{pf.code}</code> {pf.reason}</span>)}
                      {sr && (sr.success ? <Lozenge tone="progress">Submitted</Lozenge> : <span><code>{sr.code}</code> {sr.reason}</span>)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
