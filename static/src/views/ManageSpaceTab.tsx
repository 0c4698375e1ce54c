/**
 * Space page → Manage (space admins, SPEC 2.9): the space's page tree (@atlaskit/table-tree), one
 * level at a time, with each page's approval state, review state, workflow (with routing drift for
 * pages a rule bound) and last change; a level with no pages says so. Row actions (change
 * assignment, clear assignment, reset approval) confirm their consequence in a modal, end with a
 * flag and reload the level they changed.
 */
import { useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import DropdownMenu, { DropdownItem, DropdownItemGroup } from '@atlaskit/dropdown-menu';
import Lozenge from '@atlaskit/lozenge';
import VisuallyHidden from '@atlaskit/visually-hidden';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import type { TreeRow } from '../../../src/core/lifecycle/types';
import { STATE_LABEL, approvalStatusWord } from '../../../src/core/domain/vocabulary';
import { ErrorMessage, NoAccess, PageLink, ReviewLozenge, StateLozenge, formatTime } from '../components/ui';
import { useConfirm } from '../components/confirm';
import { useFlag } from '../components/feedback';
import type { SpaceTabProps } from './space-tab';
import TableTree, { Cell, Header, Headers, Row, Rows } from '@atlaskit/table-tree';
import FolderIcon from '@atlaskit/icon/core/folder-closed';
import { AssignWorkflowModal } from './AssignWorkflowModal';

interface Level {
  rows: TreeRow[];
  nextCursor?: string;
}

type Parent = { kind: 'page' | 'folder'; id: string };

/** One table-tree row: a page or folder, or a level's "no pages" note or "Load more" (of `more.parent`'s level). */
interface TreeItem {
  id: string;
  row?: TreeRow;
  children?: TreeItem[];
  note?: string;
  more?: { parent?: Parent; cursor: string };
}

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

  /** A loaded level as table-tree items: its rows, then "no pages" when empty, or "Load more". */
  const itemsOf = (parent?: Parent): TreeItem[] | undefined => {
    const key = parent?.id ?? '';
    const level = levels[key];
    if (!level) return undefined; // table-tree shows its loading row meanwhile
    const rows: TreeItem[] = level.rows.map((row) => ({ id: row.id, row, ...(open[row.id] ? { children: itemsOf({ kind: row.type, id: row.id }) } : {}) }));
    if (key !== '' && level.rows.length === 0) rows.push({ id: `${key}-empty`, note: 'No pages under this one.' });
    if (level.nextCursor) rows.push({ id: `${key}-more`, more: { parent, cursor: level.nextCursor } });
    return rows;
  };

  const renderItem = (item: TreeItem) => {
    if (!item.row) {
      return (
        <Row itemId={item.id} hasChildren={false}>
          <Cell>
            {item.more ? (
              <Button spacing="compact" testId="manage-more" onClick={() => void loadLevel(item.more?.parent, item.more?.cursor)}>
                Load more
              </Button>
            ) : (
              <Text color="color.text.subtle">{item.note}</Text>
            )}
          </Cell>
          <Cell>{''}</Cell>
          <Cell>{''}</Cell>
          <Cell>{''}</Cell>
          <Cell>{''}</Cell>
          <Cell>{''}</Cell>
        </Row>
      );
    }
    const row = item.row;
    const a = row.approval;
    return (
      <Row
        itemId={row.id}
        items={item.children}
        hasChildren
        isExpanded={!!open[row.id]}
        onExpand={() => void toggle(row)}
        onCollapse={() => void toggle(row)}
        expandLabel={`Expand ${row.title}`}
        collapseLabel={`Collapse ${row.title}`}
      >
        <Cell singleLine={false}>
          {row.type === 'folder' ? (
            <Inline space="space.050" alignBlock="center">
              <FolderIcon label="Folder" size="small" color="currentColor" />
              <Text weight="medium">{row.title}</Text>
            </Inline>
          ) : (
            <PageLink pageId={row.id} title={row.title} />
          )}
        </Cell>
        <Cell>
          {a ? (
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
          )}
        </Cell>
        <Cell>{a ? <ReviewLozenge state={a.reviewState} dueAt={a.reviewDueAt} /> : ''}</Cell>
        <Cell>
          {a ? (
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
          )}
        </Cell>
        <Cell>{a?.lastChange ? `${STATE_LABEL[approvalStatusWord(a.lastChange.status)]} · ${formatTime(a.lastChange.at)}` : ''}</Cell>
        <Cell>{a ? menu(row) : ''}</Cell>
      </Row>
    );
  };

  return (
    <Stack space="space.200">
      <ErrorMessage error={root.error} onRetry={root.reload} />
      <ErrorMessage error={act.error} onDismiss={act.clearError} />
      {root.error ? null : levels['']?.rows.length === 0 ? (
        <Text as="p">This space has no pages.</Text>
      ) : (
        <TableTree label="Pages of this space">
          <Headers>
            <Header width="32%">Page</Header>
            <Header width="16%">Approval</Header>
            <Header width="14%">Review</Header>
            <Header width="16%">Workflow</Header>
            <Header width="16%">Last change</Header>
            <Header width="6%">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Header>
          </Headers>
          <Rows items={itemsOf()} render={renderItem} loadingLabel="Loading pages" />
        </TableTree>
      )}
      {confirm.modal}
      {assigning && <AssignWorkflowModal pageTitle={assigning.title} workflows={workflows.data ?? []} onClose={() => setAssigning(undefined)} onAssign={(workflowId) => void act.run('assign', assigning, workflowId)} />}
    </Stack>
  );
}
