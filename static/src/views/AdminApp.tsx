/** Global admin page: audit trail (filters, paging, export, chain verification) and REST API help. */
import { useState } from 'react';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import { AUDIT_ACTIONS, type AuditAction, type AuditRecord } from '../../../src/core/domain/model';
import type { ResolverPayload } from '../../../src/transport/resolvers/schemas';
import { ErrorBanner, Loading, Lozenge, download, formatTime } from '../components/ui';
import { Person } from '../people';

type Filters = Omit<ResolverPayload<'audit.list'>, 'cursor' | 'limit'>;


const TEXT_FILTERS = [
  ['spaceId', 'Space id'],
  ['pageId', 'Page id'],
  ['changeSetId', 'Change set id'],
  ['actor', 'Actor (account id)'],
  ['clientId', 'OAuth client id'],
] as const;

interface FormState {
  from: string;
  to: string;
  spaceId: string;
  pageId: string;
  changeSetId: string;
  actor: string;
  clientId: string;
  action: string;
  source: string;
}

const emptyForm: FormState = { from: '', to: '', spaceId: '', pageId: '', changeSetId: '', actor: '', clientId: '', action: '', source: '' };

function filtersOf(f: FormState): Filters {
  const out: Filters = {};
  if (f.from) out.from = new Date(f.from).getTime();
  if (f.to) out.to = new Date(f.to).getTime();
  for (const [key] of TEXT_FILTERS) if (f[key].trim()) out[key] = f[key].trim();
  if (f.action) out.action = f.action as AuditAction;
  if (f.source) out.source = f.source as 'ui' | 'api';
  return out;
}

export function AdminApp() {
  const [tab, setTab] = useState<'audit' | 'api'>('audit');
  return (
    <div className="app">
      <h1>ApprovalFlow administration</h1>
      <nav className="tabs" role="tablist" aria-label="Administration">
        <button type="button" role="tab" aria-selected={tab === 'audit'} className={tab === 'audit' ? 'selected' : ''} onClick={() => setTab('audit')}>
          Audit trail
        </button>
        <button type="button" role="tab" aria-selected={tab === 'api'} className={tab === 'api' ? 'selected' : ''} onClick={() => setTab('api')}>
          REST API
        </button>
      </nav>
      <div role="tabpanel">{tab === 'audit' ? <AuditTrail /> : <ApiHelp />}</div>
    </div>
  );
}

function AuditTrail() {
  const [form, setForm] = useState<FormState>(emptyForm);
  const [filters, setFilters] = useState<Filters>({});
  const [records, setRecords] = useState<{ items: AuditRecord[]; nextCursor?: string }>();
  const first = useAsync(async () => {
    const r = await call('audit.list', { ...filters, limit: 50 });
    setRecords({ items: r.records, nextCursor: r.nextCursor });
    return r;
  }, [JSON.stringify(filters)]);
  const more = useAction(
    () => call('audit.list', { ...filters, limit: 50, cursor: records?.nextCursor }),
    (r) => setRecords((p) => ({ items: [...(p?.items ?? []), ...r.records], nextCursor: r.nextCursor })),
  );
  const [verified, setVerified] = useState<{ ok: boolean; checked: number; firstBadSeq?: number; headHash: string }>();
  const verify = useAction(() => call('audit.verify', {}), setVerified);
  const exporter = useAction(
    (format: 'csv' | 'ndjson') => call('audit.export', { format, filters }),
    (r) =>
      download(
        `approvalflow-audit-${new Date().toISOString().slice(0, 10)}.${r.format}`,
        r.content,
        r.format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      ),
  );

  return (
    <div>
      <form
        className="filters"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(filtersOf(form));
        }}
      >
        <label className="field">
          From
          <input type="datetime-local" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
        </label>
        <label className="field">
          To
          <input type="datetime-local" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </label>
        {TEXT_FILTERS.map(([key, label]) => (
          <label className="field" key={key}>
            {label}
            <input value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
          </label>
        ))}
        <label className="field">
          Action
          <select value={form.action} onChange={(e) => setForm({ ...form, action: e.target.value })}>
            <option value="">Any</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Source
          <select value={form.source} onChange={(e) => setForm({ ...form, source: e.target.value })}>
            <option value="">Any</option>
            <option value="ui">UI</option>
            <option value="api">API</option>
          </select>
        </label>
        <div className="actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button
            type="button"
            className="subtle"
            onClick={() => {
              setForm(emptyForm);
              setFilters({});
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <div className="toolbar">
        <button type="button" data-testid="verify-chain-button" disabled={verify.busy} onClick={() => verify.run()}>
          Verify chain
        </button>
        <button type="button" disabled={exporter.busy} onClick={() => exporter.run('csv')}>
          Export CSV
        </button>
        <button type="button" disabled={exporter.busy} onClick={() => exporter.run('ndjson')}>
          Export NDJSON
        </button>
        {verify.busy && <Loading label="Verifying…" />}
      </div>
      {verified && (
        <div className={`banner ${verified.ok ? 'banner-ok' : 'banner-error'}`} data-testid="verify-result" role="status">
          {verified.ok ? (
            <>
              <strong>Chain OK</strong>: {verified.checked} records checked.
            </>
          ) : (
            <>
              <strong>Chain BROKEN</strong> at record #{verified.firstBadSeq} ({verified.checked} records checked).
            </>
          )}{' '}
          Head hash <code className="hash">{verified.headHash}</code>
        </div>
      )}
      <ErrorBanner error={first.error ?? more.error ?? verify.error ?? exporter.error} />
      {first.loading && !records ? (
        <Loading />
      ) : (
        <table className="grid" data-testid="audit-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Space</th>
              <th>Page</th>
              <th>Source</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {records?.items.length === 0 && (
              <tr>
                <td colSpan={8} className="muted">
                  No audit records match.
                </td>
              </tr>
            )}
            {records?.items.map((r) => (
              <tr key={r.id} data-testid="audit-row">
                <td>{r.seq}</td>
                <td className="nowrap">{formatTime(r.at)}</td>
                <td>
                  <Person id={r.actor} />
                </td>
                <td>{r.action}</td>
                <td>{r.spaceId}</td>
                <td>
                  {r.pageId}
                  {r.pageVersion !== undefined && <span className="muted"> v{r.pageVersion}</span>}
                </td>
                <td>
                  {r.source === 'api' ? (
                    <>
                      <Lozenge tone="info">API</Lozenge> <code className="muted">{r.clientId}</code>
                    </>
                  ) : (
                    <Lozenge tone="neutral">UI</Lozenge>
                  )}
                </td>
                <td className="details">{Object.keys(r.details).length > 0 ? JSON.stringify(r.details) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {records?.nextCursor && (
        <button type="button" disabled={more.busy} onClick={() => more.run()}>
          Load more
        </button>
      )}
    </div>
  );
}

function ApiHelp() {
  const info = useAsync(() => call('api.info', {}), []);
  if (info.loading && !info.data) return <Loading />;
  if (!info.data) return <ErrorBanner error={info.error} />;
  const i = info.data;
  return (
    <div className="help">
      <h2>REST API</h2>
      <p>External systems call ApprovalFlow through Forge app REST APIs, authenticated with an Atlassian OAuth 2.0 (3LO) bearer token. Base URLs:</p>
      <ul>
        {i.baseUrls.map((u) => (
          <li key={u}>
            <code>{u}</code>
          </li>
        ))}
      </ul>
      <h3>Scopes</h3>
      <p>
        Every token needs <code>{i.platformScope}</code> plus the scope of the route it calls:
      </p>
      <ul>
        {i.scopes.map((s) => (
          <li key={s.name}>
            <code>{s.name}</code>: {s.description}
          </li>
        ))}
      </ul>
      <h3>Enable App REST APIs</h3>
      <ol>
        {i.enableSteps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
      <p className="muted">While App REST APIs are off for the site, every API call is refused with 403.</p>
    </div>
  );
}
