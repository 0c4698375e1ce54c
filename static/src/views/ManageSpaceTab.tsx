/**
 * Space page → Manage (space admins, SPEC 2.9): the space's page tree, one level at a time, with
 * each page's approval state, review state, workflow (with routing drift for pages a rule bound) and last change. Row actions (change
 * assignment, clear assignment, reset approval) confirm their consequence in a modal, end with a
 * flag and reload the level they changed.
 */
import { useRef, useState, type ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import DropdownMenu, { DropdownItem, DropdownItemGroup } from '@atlaskit/dropdown-menu';
import Lozenge from '@atlaskit/lozenge';
import VisuallyHidden from '@atlaskit/visually-hidden';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { TreeRow } from '../../../src/core/lifecycle/types';
import { STATE_LABEL, approvalStatusWord } from '../../../src/core/domain/vocabulary';
import { ErrorMessage, NoAccess, PageLink, ReviewLozenge, StateLozenge, formatTime } from '../components/ui';
import { useConfirm } from '../components/confirm';
import { useFlag } from '../components/feedback';
import type { SpaceTabProps } from './space-tab';
import { DataTable } from '../components/data-table';
import { AssignWorkflowModal } from './AssignWorkflowModal';

interface Level {
  rows: TreeRow[];
  nextCursor?: string;
}

type Parent = { kind: 'page' | 'folder'; id: string };
const indent = (depth: number) => xcss({ paddingInlineStart: depth === 0 ? 'space.0' : depth === 1 ? 'space.300' : depth === 2 ? 'space.600' : 'space.800' });

export function ManageSpaceTab({ caps }: SpaceTabProps) {
  const flag = useFlag();
  const confirm = useConfirm();
  // one loaded level per expanded parent; '' is the space root
  const [levels, setLevels] = useState<Record<string, Level>>({});
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const [assigning, setAssigning] = useState<TreeRow>();
  const workflows = useAsync(async () => (await call('workflow.list', { limit: 100 })).workflows, []);

  const loadLevel = async (parent?: Parent, cursor?: string) => {
    const r = await call('manage.tree', { ...(parent ? { parentId: parent.id, parentType: parent.kind } : {}), ...(cursor ? { cursor } : {}) });
    const key = parent?.id ?? '';
    for (const row of r.items) parents.current.set(row.id, parent);
    setLevels((l) => ({ ...l, [key]: { rows: [...(cursor ? (l[key]?.rows ?? []) : []), ...r.items], nextCursor: r.nextCursor } }));
  };
  const root = useAsync(() => loadLevel(), []);
  const toggle = async (row: TreeRow) => {
    const next = !open[row.id];
    setOpen((o) => ({ ...o, [row.id]: next }));
    if (next && !levels[row.id]) await loadLevel({ kind: row.type, id: row.id });
  };
  const parents = useRef(new Map<string, Parent | undefined>());
  const refresh = (pageId: string) => void loadLevel(parents.current.get(pageId));
  const act = useAction(
    async (what: 'clear' | 'reset' | 'assign', row: TreeRow, workflowId?: string) => {
      if (what === 'clear') await call('manage.clearAssignment', { pageId: row.id });
      else if (what === 'reset') await call('approval.reset', { pageId: row.id });
      else await call('assignment.set', { pageId: row.id, workflowId: workflowId ?? null });
      return { what, row };
    },
    ({ what, row }) => {
      flag(
        what === 'clear' ? 'Assignment cleared' : what === 'reset' ? 'Approval reset' : 'Workflow assigned',
        what === 'assign' ? `“${row.title}” now uses the chosen workflow.` : `“${row.title}” is back to “not requested”; its history is kept.`,
      );
      refresh(row.id);
    },
  );

  if (!caps.isSpaceAdmin) return <NoAccess>Only space admins can manage the pages of this space.</NoAccess>;

  const menu = (row: TreeRow) => (
    <DropdownMenu trigger="•••" label={`Actions for ${row.title}`} testId="manage-row-menu" shouldRenderToParent>
      <DropdownItemGroup>
        <DropdownItem onClick={() => setAssigning(row)}>Change assignment…</DropdownItem>
        {row.approval?.workflow?.explicit && (
          <DropdownItem
            onClick={() =>
              confirm.ask({
                title: 'Clear the assignment?',
                body: `“${row.title}” loses its assigned workflow and goes back to “not requested”; a pending approval is cancelled. Its history and audit records are kept.`,
                confirmLabel: 'Clear assignment',
                danger: true,
                onConfirm: () => void act.run('clear', row),
              })
            }
          >
            Clear assignment…
          </DropdownItem>
        )}
        {row.approval?.state === 'in_approval' && (
          <DropdownItem
            onClick={() =>
              confirm.ask({
                title: 'Reset the approval state?',
                body: `A pending approval of “${row.title}” is cancelled and the page goes back to “not requested”. Decisions already made stay in the history.`,
                confirmLabel: 'Reset approval',
                danger: true,
                onConfirm: () => void act.run('reset', row),
              })
            }
          >
            Reset approval…
          </DropdownItem>
        )}
      </DropdownItemGroup>
    </DropdownMenu>
  );

  const rowsOf = (key: string, depth: number): { key: string; testId: string; cells: { key: string; content: ReactNode }[] }[] =>
    (levels[key]?.rows ?? []).flatMap((row) => {
      const a = row.approval;
      const own = {
        key: row.id,
        testId: 'manage-row',
        cells: [
          {
            key: 'title',
            content: (
              <Box xcss={indent(depth)}>
                <Inline space="space.050" alignBlock="center">
                  <Button spacing="compact" appearance="subtle" aria-expanded={!!open[row.id]} aria-label={`${open[row.id] ? 'Collapse' : 'Expand'} ${row.title}`} onClick={() => void toggle(row)}>
                    {open[row.id] ? '▾' : '▸'}
                  </Button>
                  {row.type === 'folder' ? <Text weight="medium">📁 {row.title}</Text> : <PageLink pageId={row.id} title={row.title} />}
                </Inline>
              </Box>
            ),
          },
          {
            key: 'state',
            content: a ? (
              <Inline space="space.050" alignBlock="center">
                <StateLozenge state={a.state} stale={a.isStale} />
                {a.stuck && (
                  <span data-testid="manage-stuck" title={`Step ${a.stuck.step} cannot complete since ${formatTime(a.stuck.since)}: ${a.stuck.groups.join(', ')}`}>
                    <Lozenge appearance="removed">Stuck</Lozenge>
                  </span>
                )}
              </Inline>
            ) : (
              ''
            ),
          },
          { key: 'review', content: a ? <ReviewLozenge state={a.reviewState} dueAt={a.reviewDueAt} /> : '' },
          {
            key: 'workflow',
            content: a ? (
              a.workflow ? (
                <Inline space="space.050" alignBlock="center" shouldWrap>
                  <Text>{`${a.workflow.name}${a.workflow.boundByRule ? ' (assigned by a rule)' : a.workflow.explicit ? ' (assigned)' : ' (space default)'}`}</Text>
                  {a.workflow.drift && (
                    <Lozenge appearance="moved" testId="manage-routing-drift">
                      Routing drift
                    </Lozenge>
                  )}
                </Inline>
              ) : (
                'None'
              )
            ) : (
              ''
            ),
          },
          { key: 'last', content: a?.lastChange ? `${STATE_LABEL[approvalStatusWord(a.lastChange.status)]} · ${formatTime(a.lastChange.at)}` : '' },
          { key: 'actions', content: a ? menu(row) : '' },
        ],
      };
      const children = open[row.id] ? rowsOf(row.id, depth + 1) : [];
      const more = levels[row.id]?.nextCursor
        ? [{ key: `${row.id}-more`, testId: 'manage-more', cells: [{ key: 'title', content: <Button spacing="compact" onClick={() => void loadLevel({ kind: row.type, id: row.id }, levels[row.id].nextCursor)}>Load more</Button> }] }]
        : [];
      return [own, ...children, ...more];
    });

  return (
    <Stack space="space.200">
      <ErrorMessage error={root.error} onRetry={root.reload} />
      <ErrorMessage error={act.error} onDismiss={act.clearError} />
      <DataTable
        testId="manage-table"
        label="Pages of this space"
        isLoading={root.loading && !levels['']}
        columns={{ title: 'Page', state: 'Approval', review: 'Review', workflow: 'Workflow', last: 'Last change', actions: <VisuallyHidden>Actions</VisuallyHidden> }}
        rows={rowsOf('', 0)}
        emptyView={<Text as="p">This space has no pages.</Text>}
      />
      {levels['']?.nextCursor && (
        <Inline>
          <Button onClick={() => void loadLevel(undefined, levels[''].nextCursor)}>Load more</Button>
        </Inline>
      )}
      {confirm.modal}
      {assigning && <AssignWorkflowModal pageTitle={assigning.title} workflows={workflows.data ?? []} onClose={() => setAssigning(undefined)} onAssign={(workflowId) => void act.run('assign', assigning, workflowId)} />}
    </Stack>
  );
}
