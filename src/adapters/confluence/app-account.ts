/**
 * The app's own user on this site (the identity of asApp() calls). The identity module refuses a
 * context token whose `accountId` is this user (docs/forge-platform.md U2: a non-user invocation's
 * token also carries an `accountId`). Asked of Confluence once (`user/current` as the app) and kept
 * in the app store, read back with a strongly consistent `get`.
 */
import { z } from 'zod';
import { accountId } from '../../core/domain/fields';
import type { KeyValueStore } from '../../core/ports/store';
import { UpstreamUnavailableError } from './call-gate';
import type { ConfluenceTransport } from './transport';

const APP_ACCOUNT_KEY = 'platform:app-account';
/** The app user of an installation does not change; re-asked monthly in case of a reinstall. */
const APP_ACCOUNT_TTL_SECONDS = 30 * 24 * 3600;
/** Seconds a caller waits before retrying when the app user could not be read. */
const RETRY_SECONDS = 5;
/** How long a warm instance trusts what it read: the store's value changes only on a reinstall. */
export const APP_ACCOUNT_MEMO_MS = 10 * 60 * 1000;
/** Installations remembered per instance (oldest forgotten first). */
const MEMO_INSTALLATIONS = 1000;
const storedSchema = z.object({ accountId }).strict();
const currentUserSchema = z.object({ accountId });

/** The app user of the invocation's installation (`installation`: the platform-set installation id; none, no memory). */
export type AppAccountLookup = (installation?: string) => Promise<string>;

/** Throws when Confluence cannot say (the caller then cannot be attributed safely). */
export function appAccountLookup(transport: ConfluenceTransport, store: KeyValueStore, now: () => number): AppAccountLookup {
  const memo = new Map<string, { accountId: string; until: number }>();
  const remember = (installation: string | undefined, accountId: string): string => {
    if (installation === undefined) return accountId;
    memo.delete(installation);
    memo.set(installation, { accountId, until: now() + APP_ACCOUNT_MEMO_MS });
    const oldest = memo.keys().next();
    if (memo.size > MEMO_INSTALLATIONS && !oldest.done) memo.delete(oldest.value);
    return accountId;
  };
  return async (installation) => {
    const kept = installation === undefined ? undefined : memo.get(installation);
    if (kept && kept.until > now()) return kept.accountId;
    return remember(installation, await readOrAsk(transport, store));
  };
}

async function readOrAsk(transport: ConfluenceTransport, store: KeyValueStore): Promise<string> {
  const stored = storedSchema.safeParse((await store.get(APP_ACCOUNT_KEY))?.value);
  if (stored.success) return stored.data.accountId;
  const response = await transport.request({ method: 'GET', path: '/wiki/rest/api/user/current', actAs: 'app' });
  const me = response.status === 200 ? currentUserSchema.safeParse(response.body) : undefined;
  // Nothing is done without knowing who the app user is: a retryable 503, never a guess.
  if (!me?.success) throw new UpstreamUnavailableError(RETRY_SECONDS);
  await store.transact([{ op: 'put', key: APP_ACCOUNT_KEY, value: { accountId: me.data.accountId }, ttlSeconds: APP_ACCOUNT_TTL_SECONDS }]);
  return me.data.accountId;
}
