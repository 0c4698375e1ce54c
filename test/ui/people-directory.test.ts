/** The Custom UI's name cache: batched lookups, page-lifetime caching, failures fall back to ids. */
import { PeopleDirectory } from '../../static/src/people-directory';

function harness(reply: (ids: string[]) => Promise<Record<string, string>>) {
  const calls: string[][] = [];
  const pending: (() => void)[] = [];
  const directory = new PeopleDirectory(
    (ids) => {
      calls.push(ids);
      return reply(ids);
    },
    (run) => pending.push(run),
  );
  /** Run the scheduled flushes (the "next tick") and let the lookups settle. */
  const tick = async () => {
    for (const run of pending.splice(0)) run();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { directory, calls, tick };
}

const known: Record<string, string> = { 'acc-carol': 'Carol Reviewer', 'acc-dave': 'Dave Reviewer' };
const siteLookup = async (ids: string[]) => Object.fromEntries(ids.filter((id) => id in known).map((id) => [id, known[id]]));

describe('PeopleDirectory', () => {
  it('collects the ids of one render into one lookup and notifies once names arrive', async () => {
    const { directory, calls, tick } = harness(siteLookup);
    let notified = 0;
    directory.subscribe(() => notified++);
    directory.request('acc-carol');
    directory.request('acc-dave');
    directory.request('acc-carol');
    directory.request('acc-ghost');
    expect(directory.nameOf('acc-carol')).toBeUndefined();
    await tick();
    expect(calls).toEqual([['acc-carol', 'acc-dave', 'acc-ghost']]);
    expect(notified).toBe(1);
    expect(directory.nameOf('acc-carol')).toBe('Carol Reviewer');
    expect(directory.nameOf('acc-ghost')).toBeUndefined();
  });

  it('caches for the page life: known and unknown ids are not looked up again', async () => {
    const { directory, calls, tick } = harness(siteLookup);
    directory.request('acc-carol');
    directory.request('acc-ghost');
    await tick();
    directory.request('acc-carol');
    directory.request('acc-ghost');
    directory.request('acc-dave');
    await tick();
    expect(calls).toEqual([['acc-carol', 'acc-ghost'], ['acc-dave']]);
  });

  it('splits more than 250 ids into calls of at most 250', async () => {
    const { directory, calls, tick } = harness(siteLookup);
    for (let i = 0; i < 600; i++) directory.request(`acc-${i}`);
    await tick();
    expect(calls.map((c) => c.length)).toEqual([250, 250, 100]);
  });

  it('keeps showing ids after a failed lookup and retries on a later request', async () => {
    let fail = true;
    const { directory, calls, tick } = harness(async (ids) => {
      if (fail) throw new Error('network down');
      return siteLookup(ids);
    });
    directory.request('acc-carol');
    await tick();
    expect(directory.nameOf('acc-carol')).toBeUndefined();
    fail = false;
    directory.request('acc-carol');
    await tick();
    expect(calls).toEqual([['acc-carol'], ['acc-carol']]);
    expect(directory.nameOf('acc-carol')).toBe('Carol Reviewer');
  });
});
