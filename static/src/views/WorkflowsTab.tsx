/**
 * Space page → Workflows: list; create/edit in a modal with people/group pickers; enable, duplicate,
 * delete (confirmed) from a "•••" menu; export as a JSON document (anyone who can read it); import from
 * another space picked by name or from a document; page assignment with a page picker. Only what the server's capabilities allow is offered.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import DropdownMenu, { DropdownItem, DropdownItemGroup } from '@atlaskit/dropdown-menu';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import Select from '@atlaskit/select';
import VisuallyHidden from '@atlaskit/visually-hidden';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { Workflow } from '../../../src/core/domain/model';
import { FIELD_LIMITS } from '../../../src/core/domain/limits';
import { ErrorMessage, download, formatTime } from '../components/ui';
import { useFlag } from '../components/feedback';
import { useConfirm } from '../components/confirm';
import { SinglePagePicker, SpacePicker } from '../components/pickers';
import { StepSummary } from './StepSummary';
import { PersonList } from '../people';
import type { SpaceTabProps } from './space-tab';
import { WorkflowEditor } from './WorkflowEditor';
import { DataTable } from '../components/data-table';
import { WorkflowDocumentImport } from './WorkflowDocumentImport';

export function WorkflowsTab({ caps, refreshCaps }: SpaceTabProps) {
  const flag = useFlag();
  const confirm = useConfirm();
  const list = useAsync(() => call('workflow.list', {}), []);
  const [editing, setEditing] = useState<Workflow | 'new'>();
  const act = useAction(
    (op: () => Promise<unknown>, done: string) => op().then(() => done),
    (done) => {
      flag(done);
      list.reload();
      refreshCaps();
    },
  );
  const exportDoc = useAction(
    (w: Workflow) => call('workflow.export', { workflowId: w.id }),
    (r) => download(`${r.document.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.approvalflow.json`, `${JSON.stringify(r.document, null, 2)}\n`, 'application/json'),
  );
  const configurable = new Set(caps.configureWorkflowIds);
  // Delete is offered only where the server would accept it (space admin, nothing pending under it).
  const deletable = new Set(caps.deleteWorkflowIds);
  const workflows = list.data?.workflows ?? [];

  const rows = workflows.map((w) => ({
    key: w.id,
    testId: 'workflow-row',
    cells: [
      { key: 'name', content: <Text weight="medium">{w.name}</Text> },
      { key: 'status', content: w.enabled ? <Lozenge appearance="success">Enabled</Lozenge> : <Lozenge>Disabled</Lozenge> },
      {
        key: 'steps',
        content: (
          <Stack as="ol" space="space.050">
            {w.steps.map((s, i) => (
              <Box as="li" key={i}>
                <StepSummary step={s} />
              </Box>
            ))}
          </Stack>
        ),
      },
      { key: 'owners', content: <PersonList ids={w.owners} /> },
      { key: 'review', content: <ReviewSettings workflow={w} /> },
      { key: 'updated', content: <Text color="color.text.subtle">{formatTime(w.updatedAt)}</Text> },
      {
        key: 'export',
        content: (
          <Button spacing="compact" appearance="subtle" testId="workflow-export" isDisabled={exportDoc.busy} onClick={() => void exportDoc.run(w)}>
            Export
          </Button>
        ),
      },
      {
        key: 'actions',
        content: configurable.has(w.id) && (
          <DropdownMenu trigger="•••" label={`Actions for ${w.name}`} testId="workflow-menu" shouldRenderToParent>
            <DropdownItemGroup>
              <DropdownItem onClick={() => setEditing(w)}>Edit…</DropdownItem>
              <DropdownItem onClick={() => void act.run(() => call('workflow.setEnabled', { workflowId: w.id, enabled: !w.enabled }), w.enabled ? `${w.name} disabled` : `${w.name} enabled`)}>
                {w.enabled ? 'Disable' : 'Enable'}
              </DropdownItem>
              <DropdownItem onClick={() => void act.run(() => call('workflow.duplicate', { workflowId: w.id }), `Copy of ${w.name} created (disabled)`)}>Duplicate</DropdownItem>
              {deletable.has(w.id) && (
                <DropdownItem
                  onClick={() =>
                    confirm.ask({
                      title: `Delete ${w.name}?`,
                      body: <Text as="p">The workflow is removed from this space. Pages assigned to it fall back to the space's other workflows. This cannot be undone.</Text>,
                      confirmLabel: 'Delete workflow',
                      danger: true,
                      onConfirm: () => void act.run(() => call('workflow.delete', { workflowId: w.id }), `${w.name} deleted`),
                    })
                  }
                >
                  Delete…
                </DropdownItem>
              )}
            </DropdownItemGroup>
          </DropdownMenu>
        ),
      },
    ],
  }));

  return (
    <Stack space="space.300">
      {caps.createWorkflow && (
        <Inline>
          <Button appearance="primary" testId="new-workflow-button" onClick={() => setEditing('new')}>
            New workflow
          </Button>
        </Inline>
      )}
      <ErrorMessage error={list.error} onRetry={list.reload} />
      <ErrorMessage error={act.error} onDismiss={act.clearError} />
      <ErrorMessage error={exportDoc.error} onDismiss={exportDoc.clearError} title="The workflow could not be exported" />
      <DataTable
        testId="workflow-table"
        label="Workflows of this space"
        isLoading={list.loading && !list.data}
        columns={{ name: 'Name', status: 'Status', steps: 'Steps', owners: 'Owners', review: 'Review and reminders', updated: 'Updated', export: <VisuallyHidden>Export</VisuallyHidden>, actions: <VisuallyHidden>Actions</VisuallyHidden> }}
        rows={rows}
        emptyView={<Text as="p">No workflows in this space yet.</Text>}
      />
      {!caps.createWorkflow && configurable.size === 0 && (
        <Text as="p" color="color.text.subtle" testId="workflows-readonly">
          Space admins and workflow owners manage workflows; you can see which ones apply here.
        </Text>
      )}
      {caps.importWorkflow && (
        <ImportWorkflow
          onImported={() => {
            list.reload();
            refreshCaps();
          }}
        />
      )}
      {caps.importWorkflow && (
        <WorkflowDocumentImport
          onImported={() => {
            list.reload();
            refreshCaps();
          }}
        />
      )}
      {(caps.isSpaceAdmin || configurable.size > 0) && <AssignPage workflows={workflows.filter((w) => caps.isSpaceAdmin || configurable.has(w.id))} />}
      {editing && (
        <WorkflowEditor
          existing={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={(w) => {
            flag(editing === 'new' ? `${w.name} created` : `${w.name} saved`);
            setEditing(undefined);
            list.reload();
            refreshCaps();
          }}
        />
      )}
      {confirm.modal}
    </Stack>
  );
}

function ImportWorkflow({ onImported }: { onImported: () => void }) {
  const flag = useFlag();
  const [space, setSpace] = useState<{ spaceId: string; label: string }>();
  const source = useAsync(async () => (space ? (await call('workflow.list', { spaceId: space.spaceId })).workflows : undefined), [space?.spaceId]);
  const imp = useAction(
    (w: Workflow) => call('workflow.import', { sourceWorkflowId: w.id }),
    (r) => {
      flag(`${r.workflow.name} imported`, 'It starts disabled: enable it when it is ready.');
      onImported();
    },
  );
  return (
    <Box as="section" aria-labelledby="import-title">
      <Stack space="space.100">
        <Heading size="small" as="h2" id="import-title">
          Import from another space
        </Heading>
        <SpacePicker label="Space" value={space} onChange={setSpace} testId="import-space" />
        <ErrorMessage error={source.error ?? imp.error} onDismiss={imp.clearError} />
        {source.data && source.data.length === 0 && <Text as="p">{space?.label} has no workflows.</Text>}
        <Stack as="ul" space="space.050">
          {source.data?.map((w) => (
            <Inline as="li" key={w.id} space="space.100" alignBlock="center">
              <Text>
                {w.name} ({w.steps.length} step{w.steps.length === 1 ? '' : 's'})
              </Text>
              <Button spacing="compact" isDisabled={imp.busy} onClick={() => void imp.run(w)}>
                Import a copy
              </Button>
            </Inline>
          ))}
        </Stack>
      </Stack>
    </Box>
  );
}

type WorkflowOption = { label: string; value: string | null };

function AssignPage({ workflows }: { workflows: Workflow[] }) {
  const flag = useFlag();
  const [page, setPage] = useState<{ pageId: string; title: string }>();
  const options: WorkflowOption[] = [{ label: 'No explicit workflow', value: null }, ...workflows.map((w) => ({ label: w.name, value: w.id }))];
  const [choice, setChoice] = useState<WorkflowOption>(options[0]);
  const assign = useAction(
    () => call('assignment.set', { pageId: page!.pageId, workflowId: choice.value }),
    () => flag(choice.value ? `“${page?.title}” now uses ${choice.label}` : `“${page?.title}” has no explicit workflow now`),
  );
  return (
    <Box as="section" aria-labelledby="assign-title">
      <Stack space="space.100">
        <Heading size="small" as="h2" id="assign-title">
          Assign a page to a workflow
        </Heading>
        <SinglePagePicker label="Page" value={page} onChange={setPage} />
        <Stack space="space.050">
          <label htmlFor="assign-workflow">
            <Text weight="medium">Workflow</Text>
          </label>
          <Select<WorkflowOption> inputId="assign-workflow" options={options} value={choice} onChange={(o) => o && setChoice(o)} />
        </Stack>
        <ErrorMessage error={assign.error} onDismiss={assign.clearError} />
        <Inline>
          <Button isDisabled={!page || assign.busy} onClick={() => void assign.run()}>
            Save assignment
          </Button>
        </Inline>
      </Stack>
    </Box>
  );
}

/** The review period, due window and reminder cadence (SPEC 2.7, 2.8) in words. */
function ReviewSettings({ workflow: w }: { workflow: Workflow }) {
  return (
    <Stack space="space.025" testId="workflow-review">
      <Text>{w.reviewPeriodDays ? `Review every ${w.reviewPeriodDays} days, due ${w.reminderWindowDays ?? FIELD_LIMITS.reminderWindowDays.default} days before` : 'No periodic review'}</Text>
      <Text color="color.text.subtle">{w.remindAfterDays ? `Reminders every ${w.remindAfterDays} days` : 'No reminders'}</Text>
    </Stack>
  );
}
