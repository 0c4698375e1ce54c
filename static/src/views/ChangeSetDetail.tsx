/**
 * One change set: state (archived shows only Archived), per-page versions with the last approved
 * version kept after a resubmission, preflight, bulk submit (confirmed, stating how many pages and
 * comments), edit and archive (confirmed) — each offered only when the server says so.
 */
import { SetReview } from '../components/set-review';
import { ChangesSinceApproval } from '../components/changes-since-approval';
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Link from '@atlaskit/link';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import { humanReason } from '../messages';
import type { ChangeSetPageView, PreflightResult, SubmitResult } from '../../../src/core/domain/model';
import { ChangeSetLozenge, ErrorMessage, Loading, PageLink, StateLozenge, formatTime } from '../components/ui';
import { useFlag } from '../components/feedback';
import { useConfirm } from '../components/confirm';
import { Person } from '../people';
import { ChangeSetEditor } from './ChangeSetEditor';
import { DataTable } from '../components/data-table';
import { pageStateWord, staleDetail, stateInSentence, type StateWord } from '../../../src/core/domain/vocabulary';

type Preflight = { summary: { total: number; submittable: number; blocked: number }; results: PreflightResult[] };

/** The approved version, or — while a newer request is open or was rejected — the last one approved before it. */
function LastApproved({ page }: { page: ChangeSetPageView }) {
  const earlier = useAsync(async () => {
    if (page.approvedAtVersion !== null || page.approvalStatus === 'draft' || page.currentPageVersion === null) return undefined;
    const history = await call('page.history', { pageId: page.pageId });
    return history.approvals.find((a) => a.status === 'approved')?.pageVersion;
  }, [page.pageId, page.approvedAtVersion, page.approvalStatus]);
  if (page.approvedAtVersion !== null) return <Text>{page.approvedAtVersion}</Text>;
  if (earlier.data !== undefined) return <Text>{earlier.data} (before this request)</Text>;
  return <Text color="color.text.subtle">None</Text>;
}

/** Why the latest request of a page was sent back: the reviewer and their comment. */
function RejectionReason({ page }: { page: ChangeSetPageView }) {
  const reason = useAsync(async () => {
    if (page.approvalStatus !== 'changes_requested') return undefined;
    const latest = (await call('page.history', { pageId: page.pageId, limit: 1 })).approvals[0];
    return [...(latest?.decisions ?? [])].reverse().find((d) => d.decision === 'reject');
  }, [page.pageId, page.approvalStatus, page.approvalId]);
  if (!reason.data) return null;
  return (
    <Inline space="space.050" alignBlock="center" shouldWrap testId="rejection-reason">
      <Person id={reason.data.accountId} />
      {reason.data.comment && <Text as="em">“{reason.data.comment}”</Text>}
    </Inline>
  );
}

/** "2 of 4 approved · 1 in approval · 1 changes requested", in the state vocabulary. */
function progressOf(pages: ChangeSetPageView[]): string {
  const counts = new Map<StateWord, number>();
  for (const p of pages) counts.set(pageStateWord(p.approvalStatus, p.isStale), (counts.get(pageStateWord(p.approvalStatus, p.isStale)) ?? 0) + 1);
  const others = [...counts].filter(([w]) => w !== 'approved').map(([w, n]) => `${n} ${stateInSentence(w)}`);
  return [`${counts.get('approved') ?? 0} of ${pages.length} approved`, ...others].join(' · ');
}

function outcome(pf?: PreflightResult, sr?: SubmitResult) {
  if (sr) return sr.success ? <Lozenge appearance="inprogress">Submitted</Lozenge> : <Text>{humanReason(sr.code, sr.reason)}</Text>;
  if (pf) return pf.canSubmit ? <Lozenge appearance="success">Ready</Lozenge> : <Text>{humanReason(pf.code, pf.reason)}</Text>;
  return null;
}

export function ChangeSetDetail({ changeSetId, onBack }: { changeSetId: string; onBack: () => void }) {
  const flag = useFlag();
  const confirm = useConfirm();
  const detail = useAsync(() => call('changeSet.get', { changeSetId }), [changeSetId]);
  const caps = useAsync(() => call('ui.changeSetCapabilities', { changeSetId }), [changeSetId]);
  const [editing, setEditing] = useState(false);
  const [preflight, setPreflight] = useState<Preflight>();
  const [submitted, setSubmitted] = useState<{ submittedCount: number; skippedCount: number; results: SubmitResult[] }>();
  const reload = () => {
    detail.reload();
    caps.reload();
  };
  const closeEditorAndReload = () => {
    setEditing(false);
    reload();
  };
  const check = useAction(() => call('changeSet.preflight', { changeSetId }), (r) => {
    setSubmitted(undefined);
    setPreflight(r);
  });
  const submit = useAction(
    () => call('changeSet.submit', { changeSetId }),
    (r) => {
      setSubmitted(r);
      setPreflight(undefined);
      flag(`Submitted ${r.submittedCount} page${r.submittedCount === 1 ? '' : 's'}`, r.skippedCount ? `${r.skippedCount} could not be submitted; the table says why.` : 'Approvers were notified on each page.');
      reload();
    },
  );
  const archive = useAction(
    () => call('changeSet.archive', { changeSetId }),
    () => {
      flag('Change set archived', 'It is now read-only.');
      reload();
    },
  );
  const askSubmit = async () => {
    const r = await check.run();
    if (!r) return;
    const n = r.summary.submittable;
    if (n === 0) return;
    confirm.ask({
      title: `Submit ${n} page${n === 1 ? '' : 's'} for approval?`,
      body: (
        <Text as="p">
          Submit {n} page{n === 1 ? '' : 's'}; {n} comment{n === 1 ? '' : 's'} will be posted to notify the approvers.
          {r.summary.blocked > 0 ? ` ${r.summary.blocked} page${r.summary.blocked === 1 ? '' : 's'} cannot be submitted and will be skipped.` : ''}
        </Text>
      ),
      confirmLabel: `Submit ${n} page${n === 1 ? '' : 's'}`,
      onConfirm: () => void submit.run(),
    });
  };

  const cs = detail.data?.changeSet;
  const can = caps.data;
  if (!cs) {
    return (
      <Stack space="space.100">
        <Inline>
          <Button appearance="subtle" onClick={onBack}>
            ← All change sets
          </Button>
        </Inline>
        {detail.loading ? <Loading /> : <ErrorMessage error={detail.error} onRetry={detail.reload} />}
      </Stack>
    );
  }
  const rows = cs.pages.map((p) => ({
    key: p.pageId,
    testId: 'changeset-page-row',
    cells: [
      { key: 'page', content: p.currentPageVersion === null ? <Text color="color.text.subtle">A page you cannot see</Text> : <PageLink pageId={p.pageId} title={p.title} /> },
      {
        key: 'state',
        content: (
          <Inline space="space.050" shouldWrap>
            <StateLozenge state={p.approvalStatus} stale={p.isStale} />
            {p.isStale && <Text color="color.text.subtle">{staleDetail(p.versionDelta)}</Text>}
            {p.currentPageVersion !== null && <RejectionReason page={p} />}
          </Inline>
        ),
      },
      { key: 'current', content: p.currentPageVersion ?? '–' },
      {
        key: 'approved',
        content: (
          <Stack space="space.050">
            <LastApproved page={p} />
            {p.currentPageVersion !== null && p.approvedAtVersion !== null && p.versionDelta > 0 && <ChangesSinceApproval pageId={p.pageId} label="Changes" />}
          </Stack>
        ),
      },
      { key: 'result', content: outcome(preflight?.results.find((r) => r.pageId === p.pageId), submitted?.results.find((r) => r.pageId === p.pageId)) },
    ],
  }));
  return (
    <Stack space="space.200" testId="changeset-detail">
      <Inline>
        <Button appearance="subtle" onClick={onBack}>
          ← All change sets
        </Button>
      </Inline>
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Heading size="medium" as="h2">
          {cs.title}
        </Heading>
        <ChangeSetLozenge state={cs.rollupState} archived={cs.status === 'archived'} />
      </Inline>
      <Text as="p" testId="changeset-progress">
        {progressOf(cs.pages)}
      </Text>
      {cs.summary && <Text as="p">{cs.summary}</Text>}
      {cs.referenceUrl && (
        <Text as="p">
          Reference: <Link href={cs.referenceUrl} target="_blank">{cs.referenceUrl}</Link>
        </Text>
      )}
      <Inline space="space.050" alignBlock="center" shouldWrap>
        <Text color="color.text.subtle">Created by</Text>
        <Person id={cs.createdBy} />
        <Text color="color.text.subtle">
          {formatTime(cs.createdAt)} · updated {formatTime(cs.updatedAt)}
        </Text>
      </Inline>
      {cs.status === 'archived' && (
        <SectionMessage appearance="information">
          <Text as="p">This change set is archived: it is kept for the record and can no longer be changed or submitted.</Text>
        </SectionMessage>
      )}
      {can && (can.submit || can.update || can.archive) && (
        <Inline space="space.100" shouldWrap>
          {can.submit && (
            <>
              <Button appearance="primary" testId="submit-changeset" isDisabled={submit.busy || check.busy} onClick={() => void askSubmit()}>
                Submit eligible pages…
              </Button>
              <Button testId="preflight-changeset" isDisabled={check.busy} onClick={() => void check.run()}>
                Check pages
              </Button>
            </>
          )}
          {can.update && <Button onClick={() => setEditing(true)}>Edit</Button>}
          {can.archive && (
            <Button
              appearance="subtle"
              testId="archive-changeset"
              isDisabled={archive.busy}
              onClick={() =>
                confirm.ask({
                  title: 'Archive this change set?',
                  body: <Text as="p">“{cs.title}” becomes read-only: it can no longer be edited or submitted. Approvals already running continue.</Text>,
                  confirmLabel: 'Archive',
                  danger: true,
                  onConfirm: () => void archive.run(),
                })
              }
            >
              Archive…
            </Button>
          )}
        </Inline>
      )}
      {check.busy && <Loading label="Checking the pages…" />}
      <ErrorMessage error={check.error ?? submit.error ?? archive.error} onDismiss={() => [check, submit, archive].forEach((a) => a.clearError())} />
      {preflight && (
        <SectionMessage appearance={preflight.summary.blocked ? 'warning' : 'success'}>
          <Text as="p" testId="changeset-preflight">
            {preflight.summary.submittable} of {preflight.summary.total} pages can be submitted
            {preflight.summary.blocked ? `; ${preflight.summary.blocked} cannot (see the table).` : '.'}
          </Text>
        </SectionMessage>
      )}
      {cs.setApproval?.status === 'invalidated' && (
        <SectionMessage appearance="warning" title="The set approval was invalidated" testId="set-invalidated">
          <Text as="p">A page of this change set was edited during its review, so the decisions recorded no longer count. Submit the change set again to pin the new versions; the pages say which edit it was.</Text>
        </SectionMessage>
      )}
      {cs.setApproval?.status === 'pending' && <SetReview setApproval={cs.setApproval} pages={cs.pages} onDecided={detail.reload} />}
      <DataTable
        label="Pages in this change set"
        columns={{ page: 'Page', state: 'Approval', current: 'Current version', approved: 'Approved version', result: 'Check / submit' }}
        rows={rows}
      />
      {editing && (
        <ChangeSetEditor existing={cs} onClose={() => setEditing(false)} onSaved={closeEditorAndReload} />
      )}
      {confirm.modal}
    </Stack>
  );
}
