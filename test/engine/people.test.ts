/** Display names for account ids (engine.people), over the local Confluence site's §7.1 users. */
import { ALICE, BOB, CAROL, DAVE, ERIN, codeOf, setup, ui } from './helpers';

describe('people.displayNames', () => {
  test('resolves the seeded users to their display names for any signed-in caller', async () => {
    const env = await setup();
    // Erin can see only ENG, yet sees everyone's name: Confluence shows names to all its users.
    expect(await env.engine.people.displayNames(ui(ERIN), [CAROL, DAVE, BOB, ALICE])).toEqual({
      [CAROL]: 'Carol Reviewer',
      [DAVE]: 'Dave Reviewer',
      [BOB]: 'Bob Author',
      [ALICE]: 'Alice Admin',
    });
  });

  test('leaves unknown ids out and asks Confluence once for a batch with duplicates', async () => {
    const env = await setup();
    env.site.resetCalls();
    const names = await env.engine.people.displayNames(ui(BOB), [CAROL, 'acc-nobody', CAROL, 'system', 'user@example.com']);
    expect(names).toEqual({ [CAROL]: 'Carol Reviewer' });
    expect(env.site.calls.total).toBe(1);
  });

  test('makes no Confluence call when no id can name a user', async () => {
    const env = await setup();
    env.site.resetCalls();
    expect(await env.engine.people.displayNames(ui(BOB), [])).toEqual({});
    expect(await env.engine.people.displayNames(ui(BOB), ['a.b@c'])).toEqual({});
    expect(env.site.calls.total).toBe(0);
  });

  test('accepts 250 ids and refuses 251, empty or over-long ids', async () => {
    const env = await setup();
    const many = Array.from({ length: 250 }, (_, i) => `acc-x${i}`);
    expect(await env.engine.people.displayNames(ui(BOB), [...many.slice(1), CAROL])).toEqual({ [CAROL]: 'Carol Reviewer' });
    expect(await codeOf(env.engine.people.displayNames(ui(BOB), [...many, CAROL]))).toBe('TOO_MANY_IDS');
    expect(await codeOf(env.engine.people.displayNames(ui(BOB), [CAROL, '']))).toBe('INVALID_ACCOUNT_ID');
    expect(await codeOf(env.engine.people.displayNames(ui(BOB), ['a'.repeat(129)]))).toBe('INVALID_ACCOUNT_ID');
    const err = await env.engine.people.displayNames(ui(BOB), [CAROL, '']).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, details: [{ field: 'accountIds.1' }] });
  });
});
