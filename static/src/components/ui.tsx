/** Shared ADS building blocks: lozenges, messages with Retry, loading, links, formatting. */
import { createContext, useContext, type ReactNode } from 'react';
import { router } from '@forge/bridge';
import Lozenge, { type ThemeAppearance } from '@atlaskit/lozenge';
import SectionMessage, { SectionMessageAction } from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import Link from '@atlaskit/link';
import Button from '@atlaskit/button/new';
import { Box, Inline, Text } from '@atlaskit/primitives';
import { errorText } from '../api';
import { humanReason } from '../messages';

export { humanDuration } from '../format';
import type { ApprovalStatus, PageApprovalState, ReviewState, RollupState } from '../../../src/core/domain/model';
import { STATE_LABEL, approvalStatusWord, pageStateWord, reviewStateWord, type StateWord } from '../../../src/core/domain/vocabulary';

/** Where the view runs: the site (for link addresses), the space of the view, who is signed in. */
export interface Site {
  siteUrl: string;
  accountId: string;
  spaceKey?: string;
  moduleKey: string;
}
export const SiteContext = createContext<Site>({ siteUrl: '', accountId: '', moduleKey: '' });
export const useSite = (): Site => useContext(SiteContext);

const WORD_APPEARANCE: Record<StateWord, ThemeAppearance> = {
  not_requested: 'default',
  in_approval: 'inprogress',
  approved: 'success',
  changes_requested: 'removed',
  cancelled: 'default',
  // A stale approval is not shown green: the current version is not the approved one.
  stale: 'moved',
  review_due: 'moved',
  review_expired: 'removed',
};

/** A state in the one vocabulary (SPEC §6), as a lozenge. */
export function StateWordLozenge({ word, testId }: { word: StateWord; testId?: string }) {
  return (
    <Lozenge appearance={WORD_APPEARANCE[word]} isBold={word !== 'not_requested' && word !== 'cancelled'} testId={testId}>
      {STATE_LABEL[word]}
    </Lozenge>
  );
}

export function StateLozenge({ state, stale = false, testId }: { state: PageApprovalState; stale?: boolean; testId?: string }) {
  return <StateWordLozenge word={pageStateWord(state, stale)} testId={testId} />;
}

export const ROLLUP_LABEL: Record<RollupState, string> = {
  stale: 'Stale',
  has_rejections: 'Has rejections',
  all_approved: 'All approved',
  partially_approved: 'Partially approved',
  in_review: 'In review',
  open: 'Open',
};

const ROLLUP_APPEARANCE: Record<RollupState, ThemeAppearance> = {
  stale: 'moved',
  has_rejections: 'removed',
  all_approved: 'success',
  partially_approved: 'new',
  in_review: 'inprogress',
  open: 'default',
};

/** An archived change set shows only ARCHIVED: its roll-up no longer matters. */
export function ChangeSetLozenge({ state, archived }: { state: RollupState; archived: boolean }) {
  if (archived) return <Lozenge appearance="default">Archived</Lozenge>;
  return <Lozenge appearance={ROLLUP_APPEARANCE[state]}>{ROLLUP_LABEL[state]}</Lozenge>;
}

export function ApprovalStatusLozenge({ status }: { status: ApprovalStatus }) {
  return <StateWordLozenge word={approvalStatusWord(status)} />;
}

/**
 * An error as a person reads it: a sentence (never a bare code), field details, and Retry when
 * trying again can help (the server or the connection failed, or the view is out of date).
 */
export function ErrorMessage({ error, onRetry, onDismiss, title }: { error: unknown; onRetry?: () => void; onDismiss?: () => void; title?: string }) {
  if (!error) return null;
  const { code, message, details } = errorText(error);
  const actions = [
    ...(onRetry ? [<SectionMessageAction key="retry" onClick={onRetry}>Retry</SectionMessageAction>] : []),
    ...(onDismiss ? [<SectionMessageAction key="dismiss" onClick={onDismiss}>Dismiss</SectionMessageAction>] : []),
  ];
  return (
    <Box paddingBlock="space.100" testId="error-message" role="alert">
      <SectionMessage appearance={code === 'FORBIDDEN' ? 'warning' : 'error'} title={title} actions={actions}>
        <Text as="p">{humanReason(code, message)}</Text>
        {details.length > 0 && (
          <ul>
            {details.map((d, i) => (
              <li key={i}>{humanReason(d.code, d.reason)}</li>
            ))}
          </ul>
        )}
      </SectionMessage>
    </Box>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Box paddingBlock="space.100" role="status" aria-live="polite">
      <Inline space="space.100" alignBlock="center">
        <Spinner size="small" label={label || 'Loading'} />
        {label && <Text color="color.text.subtle">{label}</Text>}
      </Inline>
    </Box>
  );
}

/** One clear sentence when the person cannot use this surface (SPEC §6). */
export function NoAccess({ children }: { children: ReactNode }) {
  return (
    <Box padding="space.200" testId="no-access">
      <SectionMessage appearance="information">
        <Text as="p">{children}</Text>
      </SectionMessage>
    </Box>
  );
}

export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '';
  return new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** Triggers a browser download of generated content. */
export function download(filename: string, content: string, type: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "Load more" under a paged list while the server has a next cursor; disabled while a page loads. */
export function LoadMore({ cursor, more }: { cursor?: string | null; more: { busy: boolean; run(): Promise<unknown> } }) {
  if (!cursor) return null;
  return (
    <Inline>
      <Button isDisabled={more.busy} onClick={() => void more.run()}>
        Load more
      </Button>
    </Inline>
  );
}

/** A link the host navigates (Custom UI cannot navigate the top window); `href` keeps open-in-new-tab working. */
function HostLink({ href, testId, navigate, children }: { href: string; testId: string; navigate: () => Promise<void> | void; children: ReactNode }) {
  return (
    <Link
      href={href}
      testId={testId}
      onClick={(e) => {
        e.preventDefault();
        void navigate();
      }}
    >
      {children}
    </Link>
  );
}

/** A page reference: its title, linking to the page in Confluence (router: the host navigates). */
export function PageLink({ pageId, title, spaceKey }: { pageId: string; title?: string; spaceKey?: string }) {
  const site = useSite();
  const key = spaceKey ?? site.spaceKey;
  const href = key ? `${site.siteUrl}/wiki/spaces/${encodeURIComponent(key)}/pages/${encodeURIComponent(pageId)}` : `${site.siteUrl}/wiki/pages/viewpage.action?pageId=${encodeURIComponent(pageId)}`;
  return (
    <HostLink href={href} testId="page-link" navigate={() => router.navigate({ target: 'contentView', contentId: pageId })}>
      {title || 'Untitled page'}
    </HostLink>
  );
}

/** A change set reference: opens it on the space page (in place when already there). */
export function ChangeSetLink({ changeSetId, title, spaceKey, onOpen }: { changeSetId: string; title: string; spaceKey?: string; onOpen?: (id: string) => void }) {
  const site = useSite();
  const key = spaceKey ?? site.spaceKey;
  const path = `changesets/${encodeURIComponent(changeSetId)}`;
  const href = key ? `${site.siteUrl}/wiki/spaces/${encodeURIComponent(key)}/apps/approvals?path=${encodeURIComponent(path)}` : '#';
  const navigate = () => {
    if (onOpen) onOpen(changeSetId);
    else if (key) return router.navigate({ target: 'module', moduleKey: 'approvalflow-space', spaceKey: key, path });
  };
  return (
    <HostLink href={href} testId="changeset-link" navigate={navigate}>
      {title}
    </HostLink>
  );
}

/** Recertification state (SPEC 2.7) with the day the approval expires; a current review is a date, not a state. */
export function ReviewLozenge({ state, dueAt }: { state: ReviewState | null; dueAt: number | null }) {
  if (!state) return <Text color="color.text.subtle">No review period</Text>;
  const word = reviewStateWord(state);
  return (
    <Inline space="space.075" alignBlock="center" shouldWrap>
      {word && <StateWordLozenge word={word} testId="review-lozenge" />}
      {dueAt !== null && (
        <Text size="small" color="color.text.subtle">
          {state === 'expired' ? 'expired' : state === 'current' ? 'next review by' : 'expires'} {formatTime(dueAt)}
        </Text>
      )}
    </Inline>
  );
}
