/** Space page → Analytics: counts, 30-day trend, mean time to decision, CSV/HTML export. */
import { call } from '../api';
import { useAsync } from '../hooks';
import type { AnalyticsSummary } from '../../../src/transport/resolvers/contract';
import { ErrorBanner, Loading, RollupLozenge, download } from '../components/ui';
import type { RollupState } from '../../../src/core/domain/model';

function toCsv(a: AnalyticsSummary): string {
  const lines = ['day,submitted,approved,rejected', ...a.perDay.map((d) => `${d.day},${d.submitted},${d.approved},${d.rejected}`)];
  return lines.join('\n') + '\n';
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function toHtml(a: AnalyticsSummary): string {
  const rows = a.perDay.map((d) => `<tr><td>${escapeHtml(d.day)}</td><td>${d.submitted}</td><td>${d.approved}</td><td>${d.rejected}</td></tr>`).join('');
  const c = a.counts;
  return `<!doctype html><html><head><meta charset="utf-8"><title>ApprovalFlow analytics, space ${escapeHtml(a.spaceId)}</title></head><body>
<h1>ApprovalFlow analytics, space ${escapeHtml(a.spaceId)}</h1>
<p>Last ${a.windowDays} days. Pending ${c.pending}, submitted ${c.submitted}, approved ${c.approved}, rejected ${c.rejected}, cancelled ${c.cancelled}.
Mean time to decision: ${a.meanHoursToDecision === null ? 'n/a' : `${a.meanHoursToDecision} h`}.</p>
<table border="1" cellpadding="4"><thead><tr><th>Day</th><th>Submitted</th><th>Approved</th><th>Rejected</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>`;
}

export function AnalyticsTab() {
  const summary = useAsync(() => call('analytics.summary', {}), []);
  if (summary.loading && !summary.data) return <Loading label="Computing analytics…" />;
  if (!summary.data) return <ErrorBanner error={summary.error} />;
  const a = summary.data;
  const max = Math.max(1, ...a.perDay.map((d) => d.submitted + d.approved + d.rejected));
  const cards: [string, number | string][] = [
    ['Pending now', a.counts.pending],
    ['Submitted', a.counts.submitted],
    ['Approved', a.counts.approved],
    ['Rejected', a.counts.rejected],
    ['Cancelled', a.counts.cancelled],
    ['Mean time to decision', a.meanHoursToDecision === null ? 'n/a' : `${a.meanHoursToDecision} h`],
  ];
  return (
    <div>
      <div className="toolbar">
        <button type="button" onClick={() => download(`approvalflow-analytics-${a.spaceId}.csv`, toCsv(a), 'text/csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => download(`approvalflow-analytics-${a.spaceId}.html`, toHtml(a), 'text/html')}>
          Export HTML
        </button>
        <button type="button" className="subtle" onClick={summary.reload}>
          Refresh
        </button>
      </div>
      {!a.auditAvailable && (
        <p className="banner banner-info">Only pending counts are shown: the approval history of this space is visible to space and site admins.</p>
      )}
      <div className="cards" data-testid="analytics-counts">
        {cards.map(([label, value]) => (
          <div className="stat" key={label}>
            <div className="stat-value">{value}</div>
            <div className="muted">{label}</div>
          </div>
        ))}
      </div>
      <h3>Last {a.windowDays} days</h3>
      <div className="chart" role="img" aria-label="Approvals per day: submitted, approved, rejected">
        {a.perDay.map((d) => (
          <div className="bar" key={d.day} title={`${d.day}: ${d.submitted} submitted, ${d.approved} approved, ${d.rejected} rejected`}>
            <span className="seg seg-rejected" style={{ height: `${(d.rejected / max) * 100}%` }} />
            <span className="seg seg-approved" style={{ height: `${(d.approved / max) * 100}%` }} />
            <span className="seg seg-submitted" style={{ height: `${(d.submitted / max) * 100}%` }} />
          </div>
        ))}
      </div>
      <p className="legend muted">
        <span className="key seg-submitted" /> submitted <span className="key seg-approved" /> approved <span className="key seg-rejected" /> rejected
      </p>
      <h3>Open change sets by roll-up</h3>
      {Object.keys(a.changeSetsByRollup).length === 0 ? (
        <p className="muted">No open change sets.</p>
      ) : (
        <ul className="plain">
          {Object.entries(a.changeSetsByRollup).map(([state, n]) => (
            <li key={state}>
              <RollupLozenge state={state as RollupState} /> {n}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
