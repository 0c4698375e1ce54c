/** Space page → Workflows: list, create/edit (steps, approvers, mode), enable, duplicate, delete, import, page assignment. */
import { useState } from 'react';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { StepMode, Workflow } from '../../../src/core/domain/model';
import { ErrorBanner, Loading, Lozenge, formatTime, parseIds } from '../components/ui';
import { PersonList } from '../people';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';

interface StepDraft {
  name: string;
  approvers: string;
  mode: StepMode;
}

interface WorkflowDraft {
  id?: string;
  version?: number;
  name: string;
  steps: StepDraft[];
  owners: string;
  allowSelfApproval: boolean;
}

const emptyDraft = (): WorkflowDraft => ({ name: '', steps: [{ name: '', approvers: '', mode: 'any' }], owners: '', allowSelfApproval: false });

function draftOf(w: Workflow): WorkflowDraft {
  return {
    id: w.id,
    version: w.version,
    name: w.name,
    steps: w.steps.map((s) => ({ name: s.name ?? '', approvers: s.approvers.join(', '), mode: s.mode })),
    owners: w.owners.join(', '),
    allowSelfApproval: w.allowSelfApproval,
  };
}

export function WorkflowsTab() {
  const list = useAsync(() => call('workflow.list', {}), []);
  const [draft, setDraft] = useState<WorkflowDraft>();
  const [confirmDelete, setConfirmDelete] = useState<string>();
  const act = useAction((op: () => Promise<unknown>) => op(), () => list.reload());

  return (
    <div>
      <div className="toolbar">
        <button type="button" className="primary" data-testid="new-workflow-button" onClick={() => setDraft(emptyDraft())}>
          New workflow
        </button>
      </div>
      <ErrorBanner error={list.error ?? act.error} onDismiss={act.error ? act.clearError : undefined} />
      {draft && (
        <WorkflowEditor
          draft={draft}
          onClose={() => setDraft(undefined)}
          onSaved={() => {
            setDraft(undefined);
            list.reload();
          }}
        />
      )}
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <table className="grid" data-testid="workflow-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Steps</th>
              <th>Owners</th>
              <th>Updated</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data?.workflows.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No workflows in this space yet.
                </td>
              </tr>
            )}
            {list.data?.workflows.map((w) => (
              <tr key={w.id}>
                <td>
                  <strong>{w.name}</strong>
                  <div className="muted">
                    <code>{w.id}</code>
                  </div>
                </td>
                <td>{w.enabled ? <Lozenge tone="success">Enabled</Lozenge> : <Lozenge tone="neutral">Disabled</Lozenge>}</td>
                <td>
                  <ol className="steps">
                    {w.steps.map((s, i) => (
                      <li key={i}>
                        {s.name ? <strong>{s.name}: </strong> : null}
                        {s.mode === 'all' ? 'all of ' : 'any of '}
                        <PersonList ids={s.approvers} />
                      </li>
                    ))}
                  </ol>
                </td>
                <td>
                  <PersonList ids={w.owners} />
                </td>
                <td className="muted">{formatTime(w.updatedAt)}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => setDraft(draftOf(w))}>
                    Edit
                  </button>
                  <button type="button" disabled={act.busy} onClick={() => act.run(() => call('workflow.setEnabled', { workflowId: w.id, enabled: !w.enabled }))}>
                    {w.enabled ? 'Disable' : 'Enable'}
                  </button>
                  <button type="button" disabled={act.busy} onClick={() => act.run(() => call('workflow.duplicate', { workflowId: w.id }))}>
                    Duplicate
                  </button>
                  {confirmDelete === w.id ? (
                    <button
                      type="button"
                      className="danger"
                      disabled={act.busy}
                      onClick={() => {
                        setConfirmDelete(undefined);
                        void act.run(() => call('workflow.delete', { workflowId: w.id }));
                      }}
                    >
                      Confirm delete
                    </button>
                  ) : (
                    <button type="button" className="subtle" onClick={() => setConfirmDelete(w.id)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ImportWorkflow onImported={list.reload} />
      <AssignPage workflows={list.data?.workflows ?? []} />
    </div>
  );
}

function WorkflowEditor({ draft: initial, onClose, onSaved }: { draft: WorkflowDraft; onClose: () => void; onSaved: () => void }) {
  const [d, setD] = useState(initial);
  const save = useAction(async () => {
    const steps = d.steps.map((s) => ({ ...(s.name.trim() ? { name: s.name.trim() } : {}), approvers: parseIds(s.approvers), mode: s.mode }));
    const owners = parseIds(d.owners);
    const fields = { name: d.name.trim(), steps, allowSelfApproval: d.allowSelfApproval, ...(owners.length ? { owners } : {}) };
    return d.id ? call('workflow.update', { workflowId: d.id, expectedVersion: d.version, ...fields }) : call('workflow.create', fields);
  }, onSaved);
  const setStep = (i: number, patch: Partial<StepDraft>) => setD({ ...d, steps: d.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) });

  return (
    <form
      className="card"
      aria-label={d.id ? 'Edit workflow' : 'New workflow'}
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <h3>{d.id ? `Edit ${initial.name}` : 'New workflow'}</h3>
      <label className="field">
        Name
        <input required maxLength={FIELD_LIMITS.workflowName.max} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} />
      </label>
      {d.steps.map((s, i) => (
        <fieldset key={i} className="step">
          <legend>Step {i + 1}</legend>
          <label className="field">
            Step name (optional)
            <input maxLength={FIELD_LIMITS.stepName.max} value={s.name} onChange={(e) => setStep(i, { name: e.target.value })} />
          </label>
          <label className="field">
            Approvers (account ids or group:&lt;groupId&gt;, comma separated)
            <input required value={s.approvers} onChange={(e) => setStep(i, { approvers: e.target.value })} />
          </label>
          <label className="field inline">
            Mode
            <select value={s.mode} onChange={(e) => setStep(i, { mode: e.target.value as StepMode })}>
              <option value="any">Any one approver</option>
              <option value="all">All approvers</option>
            </select>
          </label>
          {d.steps.length > 1 && (
            <button type="button" className="subtle" onClick={() => setD({ ...d, steps: d.steps.filter((_, j) => j !== i) })}>
              Remove step
            </button>
          )}
        </fieldset>
      ))}
      {d.steps.length < FIELD_LIMITS.steps.max && (
        <button type="button" onClick={() => setD({ ...d, steps: [...d.steps, { name: '', approvers: '', mode: 'any' }] })}>
          Add step
        </button>
      )}
      <label className="field">
        Owners (account ids; you by default)
        <input value={d.owners} onChange={(e) => setD({ ...d, owners: e.target.value })} />
      </label>
      <label className="field inline">
        <input type="checkbox" checked={d.allowSelfApproval} onChange={(e) => setD({ ...d, allowSelfApproval: e.target.checked })} />
        Allow the submitter to approve their own request
      </label>
      <ErrorBanner error={save.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy}>
          {d.id ? 'Save changes' : 'Create workflow'}
        </button>
        <button type="button" className="subtle" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ImportWorkflow({ onImported }: { onImported: () => void }) {
  const [sourceSpace, setSourceSpace] = useState('');
  const [sourceWorkflows, setSourceWorkflows] = useState<Workflow[]>();
  const load = useAction(() => call('workflow.list', { spaceId: sourceSpace.trim() }), (r) => setSourceWorkflows(r.workflows));
  const imp = useAction((id: string) => call('workflow.import', { sourceWorkflowId: id }), onImported);
  return (
    <section className="card" aria-labelledby="import-title">
      <h3 id="import-title">Import from another space</h3>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void load.run();
        }}
      >
        <label className="field inline">
          Source space id
          <input value={sourceSpace} required onChange={(e) => setSourceSpace(e.target.value)} />
        </label>
        <button type="submit" disabled={load.busy}>
          Show workflows
        </button>
      </form>
      <ErrorBanner error={load.error ?? imp.error} />
      {sourceWorkflows && sourceWorkflows.length === 0 && <p className="muted">That space has no workflows.</p>}
      <ul className="plain">
        {sourceWorkflows?.map((w) => (
          <li key={w.id}>
            {w.name} <span className="muted">({w.steps.length} steps)</span>{' '}
            <button type="button" disabled={imp.busy} onClick={() => imp.run(w.id)}>
              Import copy
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function AssignPage({ workflows }: { workflows: Workflow[] }) {
  const [pageId, setPageId] = useState('');
  const [workflowId, setWorkflowId] = useState('');
  const [done, setDone] = useState<string>();
  const assign = useAction(
    () => call('assignment.set', { pageId: pageId.trim(), workflowId: workflowId || null }),
    (r) => setDone(r.workflowId ? `Page ${r.pageId} now uses ${r.workflowId}.` : `Page ${r.pageId} has no explicit workflow now.`),
  );
  return (
    <section className="card" aria-labelledby="assign-title">
      <h3 id="assign-title">Assign a page to a workflow</h3>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(undefined);
          void assign.run();
        }}
      >
        <label className="field inline">
          Page id
          <input value={pageId} required onChange={(e) => setPageId(e.target.value)} />
        </label>
        <label className="field inline">
          Workflow
          <select value={workflowId} onChange={(e) => setWorkflowId(e.target.value)}>
            <option value="">None (clear assignment)</option>
            {workflows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={assign.busy}>
          Save assignment
        </button>
      </form>
      <ErrorBanner error={assign.error} />
      {done && <p className="banner banner-ok">{done}</p>}
    </section>
  );
}
