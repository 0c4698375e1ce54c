/**
 * Macro (and expanded byline) panel: state, versions, pending step, role-based actions, history and
 * change sets of one page. The page id comes from the extension context on the server side; the
 * server re-checks every right, the UI only hides actions that cannot apply.
 */
import { useState } from 'react';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import { announcePageChanged, useOnPageChanged } from '../page-events';
import type { PageApproval, PageStateView, PreflightResult, Workflow } from '../../../src/core/domain/model';
import { ErrorBanner, Loading, Lozenge, RollupLozenge, STATE_LABEL, STATE_TONE, formatTime } from '../components/ui';
import { Person } from '../people';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';

const MIN_REJECT_COMMENT = FIELD_LIMITS.rejectionComment.min;
const MAX_COMMENT = FIELD_LIMITS.comment.max;

export function StateLozenge({ status }: { status: PageStateView }) {
  return (
    <span className="state">
      <Lozenge tone={STATE_TONE[status.state]} testId="approval-state">
        {STATE_LABEL[status.state]}
      </Lozenge>
      {status.isStale && (
        <Lozenge tone="warning" testId="stale-warning">
          Stale: {status.versionDelta} version{status.versionDelta === 1 ? '' : 's'} since approval
        </Lozenge>
      )}
    </span>
  );
}

export function PagePanel({ accountId, compact = false }: { accountId: string; compact?: boolean }) {
  const overview = useAsync(() => call('page.overview', {}), []);
  useOnPageChanged(overview.reload);
  const changed = () => {
    overview.reload();
    announcePageChanged();
  };
  if (overview.loading && !overview.data) return <Loading label="Loading approval status…" />;
  if (!overview.data) return <ErrorBanner error={overview.error} />;
  const { status, history, changeSets, workflows } = overview.data;
  return (
    <div className={compact ? 'panel compact' : 'panel'} aria-busy={overview.loading}>
      <ErrorBanner error={overview.error} />
      <header className="panel-head">
        <StateLozenge status={status} />
        <span className="muted" data-testid="versions">
          Current version {status.currentPageVersion}
          {status.approvedAtVersion !== null && <> · approved at version {status.approvedAtVersion}</>}
        </span>
      </header>
      {status.isStale && (
        <p className="banner banner-warning">
          This page changed after it was approved ({status.versionDelta} newer version{status.versionDelta === 1 ? '' : 's'}). Request approval
          again to approve the current version.
        </p>
      )}
      {status.pending ? (
        <PendingApproval status={status} accountId={accountId} onChanged={changed} />
      ) : status.state === 'approved' && !status.isStale ? null : (
        <RequestApproval workflows={workflows.filter((w) => w.enabled)} onSubmitted={changed} />
      )}
      {!compact && (
        <>
          <History approvals={history} />
          <section aria-labelledby="cs-title">
            <h3 id="cs-title">Change sets</h3>
            {changeSets.length === 0 ? (
              <p className="muted">This page is not in any change set.</p>
            ) : (
              <ul className="plain">
                {changeSets.map((cs) => (
                  <li key={cs.id}>
                    <RollupLozenge state={cs.rollupState} /> {cs.title} {cs.status === 'archived' && <span className="muted">(archived)</span>}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}

function PendingApproval({ status, accountId, onChanged }: { status: PageStateView; accountId: string; onChanged: () => void }) {
  const pending = status.pending!;
  const approval = pending.approval;
  const steps = approval.workflowSnapshot.steps;
  const decidedThisStep = approval.decisions.some((d) => d.step === pending.activeStep && d.accountId === accountId);
  const canDecide = pending.approvers.includes(accountId) && !decidedThisStep;
  const isSubmitter = approval.submittedBy === accountId;
  const [rejecting, setRejecting] = useState(false);
  const [comment, setComment] = useState('');
  const decide = useAction(
    (decision: 'approve' | 'reject') =>
      call('approval.decide', { approvalId: approval.id, decision, ...(comment.trim() ? { comment: comment.trim() } : {}) }),
    () => {
      setRejecting(false);
      setComment('');
      onChanged();
    },
  );
  const cancel = useAction(() => call('approval.cancel', { approvalId: approval.id }), onChanged);
  const rejectTooShort = comment.trim().length < MIN_REJECT_COMMENT;

  return (
    <section className="card" aria-labelledby="pending-title">
      <h3 id="pending-title">Pending approval</h3>
      <p>
        Workflow <strong>{approval.workflowSnapshot.name}</strong>, version {approval.pageVersion}, submitted by <Person id={approval.submittedBy} />{' '}
        on {formatTime(approval.submittedAt)}.
      </p>
      <p data-testid="active-step">
        Step {pending.activeStep + 1} of {steps.length}
        {pending.stepName ? ` (${pending.stepName})` : ''}: {pending.mode === 'all' ? 'all of' : 'any one of'}{' '}
        {pending.approvers.map((a, i) => (
          <span key={a} data-testid="pending-approver">
            {i > 0 && ', '}
            <Person id={a} />
          </span>
        ))}
      </p>
      <ErrorBanner error={decide.error ?? cancel.error} />
      {(canDecide || isSubmitter) && (
        <div className="actions">
          {canDecide && (
            <>
              <button type="button" className="primary" data-testid="approve-button" disabled={decide.busy} onClick={() => decide.run('approve')}>
                Approve
              </button>
              <button type="button" data-testid="reject-button" disabled={decide.busy} onClick={() => setRejecting((r) => !r)} aria-expanded={rejecting}>
                Reject…
              </button>
            </>
          )}
          {isSubmitter && (
            <button type="button" className="subtle" data-testid="cancel-button" disabled={cancel.busy} onClick={() => cancel.run()}>
              Cancel request
            </button>
          )}
        </div>
      )}
      {canDecide && (
        <label className="field">
          Comment {rejecting ? `(required, at least ${MIN_REJECT_COMMENT} characters)` : '(optional)'}
          <textarea
            data-testid="decision-comment"
            value={comment}
            maxLength={MAX_COMMENT}
            rows={2}
            onChange={(e) => setComment(e.target.value)}
          />
          <span className="muted">
            {comment.length}/{MAX_COMMENT}
          </span>
        </label>
      )}
      {rejecting && (
        <div className="actions">
          <button
            type="button"
            className="danger"
            data-testid="confirm-reject-button"
            disabled={decide.busy || rejectTooShort}
            onClick={() => decide.run('reject')}
          >
            Reject with comment
          </button>
          {rejectTooShort && <span className="muted">Explain what needs to change ({MIN_REJECT_COMMENT - comment.trim().length} more characters).</span>}
        </div>
      )}
    </section>
  );
}

function RequestApproval({ workflows, onSubmitted }: { workflows: Workflow[]; onSubmitted: () => void }) {
  const [open, setOpen] = useState(false);
  const [workflowId, setWorkflowId] = useState('');
  const [preflight, setPreflight] = useState<PreflightResult>();
  const check = useAction(() => call('page.preflight', {}), (r) => setPreflight(r.result));
  const submit = useAction(
    () => call('page.submit', workflowId ? { workflowId } : {}),
    () => {
      setOpen(false);
      setPreflight(undefined);
      onSubmitted();
    },
  );
  // Preflight resolves the workflow automatically; an explicit choice also settles NO_WORKFLOW
  // (several enabled workflows and no assignment) and the server checks the choice on submit.
  const submittable = preflight && (preflight.canSubmit || (preflight.code === 'NO_WORKFLOW' && workflowId !== ''));

  if (!open) {
    return (
      <div className="actions">
        <button
          type="button"
          className="primary"
          data-testid="request-approval-button"
          onClick={() => {
            setOpen(true);
            void check.run();
          }}
        >
          Request approval
        </button>
      </div>
    );
  }
  return (
    <section className="card" aria-labelledby="request-title">
      <h3 id="request-title">Request approval</h3>
      {workflows.length > 0 && (
        <label className="field">
          Workflow
          <select data-testid="workflow-select" value={workflowId} onChange={(e) => setWorkflowId(e.target.value)}>
            <option value="">Automatic (page assignment or the space's only workflow)</option>
            {workflows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({w.steps.length} step{w.steps.length === 1 ? '' : 's'})
              </option>
            ))}
          </select>
        </label>
      )}
      {check.busy && <Loading label="Checking eligibility…" />}
      <ErrorBanner error={check.error ?? submit.error} />
      {preflight && (
        <div className={`banner ${preflight.canSubmit ? 'banner-ok' : 'banner-warning'}`} data-testid="preflight-result">
          {preflight.canSubmit ? (
            <>Ready to submit{preflight.workflowId ? <> with workflow <code>{preflight.workflowId}</code></> : null}.</>
          ) : (
            <>
              <code>{preflight.code}</code> {preflight.reason}
            </>
          )}
          {preflight.warnings && preflight.warnings.length > 0 && (
            <ul>
              {preflight.warnings.map((w, i) => (
                <li key={i}>
                  <code>{w.code}</code> {w.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="actions">
        <button type="button" className="primary" data-testid="submit-approval-button" disabled={!submittable || submit.busy} onClick={() => submit.run()}>
          Submit for approval
        </button>
        <button type="button" className="subtle" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </section>
  );
}

const STATUS_TONE = { pending: 'progress', approved: 'success', rejected: 'danger', cancelled: 'neutral' } as const;

function History({ approvals }: { approvals: PageApproval[] }) {
  return (
    <section aria-labelledby="history-title">
      <h3 id="history-title">History</h3>
      {approvals.length === 0 ? (
        <p className="muted">No approval requests yet.</p>
      ) : (
        <ol className="history" data-testid="history">
          {approvals.map((a) => (
            <li key={a.id}>
              <Lozenge tone={STATUS_TONE[a.status]}>{a.status}</Lozenge> version {a.pageVersion} · {a.workflowSnapshot.name} · by <Person id={a.submittedBy} />{' '}
              {formatTime(a.submittedAt)} {a.source === 'api' && <Lozenge tone="info">API</Lozenge>}
              {a.decisions.length > 0 && (
                <ul>
                  {a.decisions.map((d, i) => (
                    <li key={i}>
                      step {d.step + 1}: <Person id={d.accountId} /> {d.decision === 'approve' ? 'approved' : 'rejected'} {formatTime(d.at)}
                      {d.comment && <q>{d.comment}</q>}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
