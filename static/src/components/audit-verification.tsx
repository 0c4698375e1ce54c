/**
 * "Verify chain" on the admin page (issue 23 item 6): starts the verification job (or joins the one
 * running), polls its status while it runs, and shows its progress and then its result. The last
 * job's result shows when the page opens, with when it finished and who started it.
 */
import { useEffect, useState } from 'react';
import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import type { ResolverData } from '../../../src/transport/resolvers/registry';
import { useAction, useAsync } from '../hooks';
import { ErrorMessage, formatTime } from './ui';
import { verifyProgressText } from '../format';
import { Person } from '../people';

type Job = ResolverData['audit.verifyJob.start'];
type VerifyResult = NonNullable<Job['result']>;

/** How often a running job's status is asked for: progress moves a slice (about 15 s of work) at a time. */
const POLL_MS = 3_000;

export function AuditVerification() {
  const [job, setJob] = useState<Job | null>();
  const [pollError, setPollError] = useState<unknown>();
  const latest = useAsync(async () => {
    const { job: last } = await call('audit.verifyJob.status', {});
    // A job the admin started while this answer was in flight wins: it is newer, and it is the one polled.
    setJob((cur) => (cur === undefined ? last : cur));
    return last;
  }, []);
  const start = useAction(() => call('audit.verifyJob.start', {}), setJob);
  const running = job?.state === 'running' && !job.stalled;
  useEffect(() => {
    if (!running) return undefined;
    const timer = setTimeout(() => {
      call('audit.verifyJob.status', {}).then(
        ({ job: next }) => setJob(next),
        (error: unknown) => setPollError(error),
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [running, job]);

  return (
    <Stack space="space.100">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Button testId="verify-chain-button" isDisabled={start.busy || running} onClick={() => void start.run()}>
          {job?.stalled ? 'Resume verification' : 'Verify chain'}
        </Button>
        {job?.state === 'running' && (
          <Text testId="verify-progress" aria-live="polite">
            {verifyProgressText(job)}
          </Text>
        )}
      </Inline>
      {job?.result && (
        <Box testId="verify-result" role="status">
          <SectionMessage appearance={job.result.ok ? 'success' : 'error'} title={job.result.ok ? 'Chain OK' : 'Chain broken'}>
            <Text as="p">
              {verifyMessage(job.result)} Head hash{' '}
              <Text as="span" size="small">
                {job.result.headHash}
              </Text>
            </Text>
            <Text as="p" size="small">
              Verified {formatTime(job.finishedAt)}, started by <Person id={job.startedBy} avatar={false} />.
            </Text>
          </SectionMessage>
        </Box>
      )}
      <ErrorMessage error={latest.error ?? start.error ?? pollError} onDismiss={() => [start.clearError(), setPollError(undefined)]} />
    </Stack>
  );
}

/** What the admin reads after "Verify chain": which record broke it, and how many recent ones are not linked yet. */
function verifyMessage(v: VerifyResult): string {
  const pending = v.unsequenced.count > 0 ? ` ${v.unsequenced.count} recent record(s) are not linked into the chain yet; they are checked when linked.` : '';
  if (v.ok) return `All ${v.checked} records are intact.${pending}`;
  if (v.firstBadSeq !== undefined) return `Record #${v.firstBadSeq} does not match the chain (${v.reason ?? 'altered'}; ${v.checked} records checked).`;
  return `A record outside the chain is not valid (${v.reason ?? 'altered'}: ${v.badRecord ?? 'unknown'}; ${v.checked} records checked).`;
}
