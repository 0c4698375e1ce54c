/**
 * Page comments of an atomic change set (SPEC 2.5a, 6; docs/decisions.md "Issue 20"): the submission
 * comment on every member page, @mentioning the approvers only on the set's first page; a decision
 * replies on the first page; the final outcome replies on every page; a redelivered job posts nothing twice.
 */
import { createContext } from '../../src/core/services/context';
import { postSetComments } from '../../src/core/services/changesets/atomic/notify';
import { ALICE, CAROL, DAVE, commentsFromNow, mentionsIn, setup, submitAtomicSet, ui } from './helpers';

const PAGES = ['2001', '2002', '2003'];


describe('comments of an atomic change set', () => {
  it('asks the approvers once, on the first page; every page names the set; the final outcome replies on every page', async () => {
    const env = await setup();
    const fresh = commentsFromNow(env, PAGES);
    const setApprovalId = await submitAtomicSet(env, PAGES);

    const [lead, ...others] = PAGES.map((p) => fresh(p));
    expect(lead.map((c) => c.parentCommentId)).toEqual([null]);
    expect(lead[0].body).toContain('Release 12');
    expect(mentionsIn(lead[0].body)).toEqual([CAROL, DAVE].sort());
    for (const comments of others) {
      expect(comments).toHaveLength(1);
      expect(comments[0].body).toContain('<strong>Release 12</strong>');
      expect(comments[0].body).toContain('In approval');
      expect(mentionsIn(comments[0].body)).toEqual([]);
    }

    await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: PAGES });
    for (const pageId of PAGES) {
      const [submission, reply] = fresh(pageId);
      expect(reply).toMatchObject({ parentCommentId: submission.id });
      expect(reply.body).toContain('Approved');
      expect(reply.body).toContain('all 3 pages are approved as one');
    }

    // a redelivered job finds its records and posts nothing
    const ctx = createContext(env.deps, () => undefined);
    await postSetComments(ctx, setApprovalId, 0);
    await postSetComments(ctx, setApprovalId, 1);
    expect(PAGES.map((p) => fresh(p).length)).toEqual([2, 2, 2]);
  });

  it('an intermediate decision replies on the first page only, naming the next approvers', async () => {
    const env = await setup();
    await env.engine.workflows.update(ui(ALICE), 'wf-eng-review', { steps: [{ approvers: [CAROL], mode: 'any' }, { name: 'Sign-off', approvers: [DAVE], mode: 'any' }] });
    const fresh = commentsFromNow(env, PAGES);
    const setApprovalId = await submitAtomicSet(env, PAGES);
    await env.engine.changeSets.decide(ui(CAROL), { setApprovalId, decision: 'approve', pageAck: PAGES });
    const counts = PAGES.map((p) => fresh(p).length);
    expect(counts).toEqual([2, 1, 1]);
    const reply = env.site.listComments('2001').at(-1)!;
    expect(reply.body).toContain('an approval was recorded for step 1');
    expect(mentionsIn(reply.body)).toEqual([DAVE]);
  });
});
