/** What people read in the Custom UI: durations, error labels and reasons instead of codes. */
import { humanDuration, queueEmptyText, verifyProgressText } from '../../static/src/format';
import { ApiError, invokeFailure } from '../../static/src/errors';
import { humanReason } from '../../static/src/messages';
import { ELIGIBILITY_REASONS } from '../../src/core/domain/eligibility';

// WORKFLOW_NOT_ASSIGNED is being added to the registry by "core"; the UI words it already.
const ELIGIBILITY_CODES = [...Object.keys(ELIGIBILITY_REASONS), 'WORKFLOW_NOT_ASSIGNED'];

describe('humanDuration', () => {
  it.each([
    [3 + 20 / 60, '3 h 20 min'],
    [0.01, '1 min'],
    [0.005, 'under a minute'],
    [0.75, '45 min'],
    [2, '2 h'],
    [52, '2 d 4 h'],
    [48, '2 d'],
  ])('%s hours reads "%s"', (hours, text) => {
    expect(humanDuration(hours)).toBe(text);
  });
});

describe('failed calls are labelled for what happened', () => {
  it('calls a request that never got a reply a connection problem', () => {
    const err = invokeFailure(new TypeError('Failed to fetch'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('NETWORK_ERROR');
    expect(err.message).toContain('could not be reached');
  });

  it('calls a failure while handling the request a server problem, not a network one', () => {
    const err = invokeFailure(new Error('There was an error invoking the function.'));
    expect(err.code).toBe('SERVER_ERROR');
    expect(err.message).toContain('on its side');
    expect(err.message).not.toContain('reached');
  });
});

describe('humanReason', () => {
  it('words every eligibility code for people, never showing the code itself', () => {
    for (const code of ELIGIBILITY_CODES) {
      const text = humanReason(code, undefined);
      expect(text).not.toContain(code);
      expect(text).not.toBe('Something went wrong.');
    }
  });

  it("falls back to the server's sentence for codes it does not know", () => {
    expect(humanReason('SOMETHING_NEW', 'The server explains it.')).toBe('The server explains it.');
  });
});

describe('verifyProgressText', () => {
  const job = { jobId: 'j', state: 'running' as const, stalled: false, startedBy: 'acc-alice', startedAt: 0, total: 500, recordsRead: 320 };

  it('shows the chain pass counting up, and after a problem says it is locating the record instead of starting over from 0', () => {
    expect(verifyProgressText({ ...job, phase: 'chain', naming: false, verified: 300 })).toBe('Verifying the chain… 300 of 500 records');
    expect(verifyProgressText({ ...job, phase: 'chain', naming: true, verified: 0 })).toBe('Found a problem; locating the record… 0 of 500 records checked again');
    expect(verifyProgressText({ ...job, phase: 'records', naming: true, verified: 410 })).toBe('Found a problem; locating the record… 320 read');
  });
});

describe('queueEmptyText', () => {
  it('never says nothing is waiting while more approvals follow (an empty page with a cursor)', () => {
    expect(queueEmptyText('mine', false)).toBe('Nothing is waiting for you.');
    expect(queueEmptyText('mine', true)).toBe('None on this page. More pending approvals follow: load more to keep looking.');
    expect(queueEmptyText('requestedByMe', false)).toBe('None of your requests is waiting.');
    expect(queueEmptyText('all', false)).toBe('No pending approvals in this space.');
  });
});
