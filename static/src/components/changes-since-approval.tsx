/**
 * "Changes since approval" (SPEC 2.4a): Confluence's own compare view, and an in-app text diff from
 * `page.diff` (text lines from the server, rendered as text: never HTML). Diffs load on demand; a
 * shared limiter keeps at most 5 in flight per view (the change-set detail opens many).
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Link from '@atlaskit/link';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { router } from '@forge/bridge';
import { call } from '../api';
import type { ResolverData } from '../../../src/transport/resolvers/registry';
import { ErrorMessage, Loading, useSite } from './ui';

type PageDiff = ResolverData['page.diff']['diff'];

const MAX_IN_FLIGHT = 5;
let inFlight = 0;
const waiting: Array<() => void> = [];

/** Run `task` when fewer than MAX_IN_FLIGHT diffs are loading. */
async function limited<T>(task: () => Promise<T>): Promise<T> {
  if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
  inFlight += 1;
  try {
    return await task();
  } finally {
    inFlight -= 1;
    waiting.shift()?.();
  }
}

export function ChangesSinceApproval({ pageId, from, to, label = 'Changes since approval' }: { pageId: string; from?: number; to?: number; label?: string }) {
  const site = useSite();
  const [state, setState] = useState<{ loading: boolean; diff?: PageDiff; error?: unknown }>({ loading: false });
  const load = () => {
    setState({ loading: true });
    limited(() => call('page.diff', { pageId, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) })).then(
      (r) => setState({ loading: false, diff: r.diff }),
      (error: unknown) => setState({ loading: false, error }),
    );
  };
  const diff = state.diff;
  return (
    <Stack space="space.075" testId="changes-since-approval">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Button spacing="compact" onClick={load} isDisabled={state.loading} testId="show-diff">
          {diff ? 'Refresh changes' : label}
        </Button>
        {diff && (
          <Link
            href={`${site.siteUrl}${diff.nativeCompareUrl}`}
            testId="native-compare"
            onClick={(e) => {
              e.preventDefault();
              void router.open(`${site.siteUrl}${diff.nativeCompareUrl}`);
            }}
          >
            Compare v{diff.from} with v{diff.to} in Confluence
          </Link>
        )}
      </Inline>
      {state.loading && <Loading label="Loading changes…" />}
      {state.error !== undefined && <ErrorMessage error={state.error} onRetry={load} />}
      {diff && <DiffView diff={diff} />}
    </Stack>
  );
}

function DiffView({ diff }: { diff: PageDiff }) {
  const titleChanged = diff.fromTitle !== diff.toTitle;
  return (
    <Box testId="diff-view" backgroundColor="color.background.neutral.subtle" padding="space.100">
      <Stack space="space.050">
        {diff.reason === 'NO_APPROVED_VERSION' && <Text color="color.text.subtle">This page was never approved: showing the changes of the latest version.</Text>}
        {titleChanged && <Text testId="diff-title">Title: “{diff.fromTitle}” → “{diff.toTitle}”</Text>}
        {diff.diff.hunks.length === 0 && !titleChanged && <Text testId="diff-empty">No text changes between version {diff.from} and version {diff.to}.</Text>}
        {diff.diff.hunks.map((hunk, i) => (
          <Box key={i} as="ul" testId="diff-hunk">
            {hunk.lines.map((line, j) => (
              <Box as="li" key={j} backgroundColor={line.op === '+' ? 'color.background.success' : line.op === '-' ? 'color.background.danger' : undefined}>
                <Text as="span" color={line.op === ' ' ? 'color.text.subtle' : 'color.text'}>
                  {line.op === '+' ? '+ ' : line.op === '-' ? '− ' : '  '}
                  {line.text}
                </Text>
              </Box>
            ))}
          </Box>
        ))}
        {diff.diff.truncated && <Text color="color.text.subtle">The diff is cut short (very large page); open the Confluence compare view for the rest.</Text>}
      </Stack>
    </Box>
  );
}
