/**
 * What a CI pipeline does with ApprovalFlow: group the Confluence pages a change touched into a change
 * set, preflight it, submit it, and wait until every submitted page is decided. It waits by following
 * the event feed (GET /events, scope read:event:custom) and re-reads a page's status only when an
 * event names it; a token without that scope falls back to polling each page. Plain fetch, no SDK.
 *
 *   APPROVALFLOW_BASE_URL=https://api.atlassian.com/svc/confluence/<cloudId>/apps/<appId>_<envId> \
 *   APPROVALFLOW_TOKEN=<3LO access token> SPACE_ID=1001 PAGE_IDS=2001,2002 TITLE="PR #42" \
 *   REFERENCE_URL=https://git.example.com/pr/42 npx tsx examples/ci-client.ts
 *
 * Exit code 0 when every page is approved, 1 when something is rejected, blocked or still pending.
 *
 * Gate a publish on the signed approval receipt (SPEC 5a), offline-verifiable with the installation key:
 *
 *   APPROVALFLOW_BASE_URL=... APPROVALFLOW_TOKEN=... VERIFY_PAGE_ID=2001 PUBLISHED_VERSION=12 \
 *   [KEYS_FILE=keys.json] npx tsx examples/ci-client.ts
 *
 * Exit code 0 only when the receipt verifies and names exactly the version being published. Pin the
 * keys (KEYS_FILE = a saved GET /keys answer) so a compromised endpoint cannot swap them.
 */
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ClientOptions {
  /** Either base URL form, without a trailing slash. */
  baseUrl: string;
  /** 3LO access token carrying the custom scopes and read:forge-app:confluence. */
  token: string;
  /** Attempts for throttled (429) or failed (5xx / network) calls; writes retry with the same idempotency key. */
  maxAttempts?: number;
}

type Json = Record<string, unknown>;

export class ApprovalFlowClient {
  constructor(private readonly options: ClientOptions) {}

  async get(path: string, query: Record<string, string>): Promise<Json> {
    return this.send('GET', `${path}?${new URLSearchParams(query).toString()}`, undefined, undefined);
  }

  /** A writing POST: one idempotency key per logical operation, reused by every retry of it. */
  async write(path: string, body: Json, idempotencyKey = randomUUID()): Promise<Json> {
    return this.send('POST', path, body, idempotencyKey);
  }

  async read(path: string, body: Json): Promise<Json> {
    return this.send('POST', path, body, undefined);
  }

  private async send(method: string, path: string, body: Json | undefined, idempotencyKey: string | undefined): Promise<Json> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}`, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      // the query form: it reaches the app whether or not the platform forwards request headers (docs/api.md)
      const url = idempotencyKey ? `${this.options.baseUrl}${path}?idempotencyKey=${encodeURIComponent(idempotencyKey)}` : this.options.baseUrl + path;
      let res: Response | undefined;
      try {
        res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (err) {
        if (attempt >= maxAttempts) throw err;
      }
      if (res) {
        const text = await res.text();
        const payload = parseJson(text);
        if (res.ok && payload?.success === true) return payload;
        const retryable = res.status === 429 || res.status >= 500 || (res.status === 409 && payload?.code === 'IDEMPOTENCY_IN_PROGRESS');
        if (!retryable || attempt >= maxAttempts) {
          // the app answers {error, code}; the gateway in front of it {code: <status>, message} (docs/api.md "Gateway errors")
          const code = typeof payload?.code === 'string' ? payload.code : 'HTTP_ERROR';
          const message = typeof payload?.error === 'string' ? payload.error : typeof payload?.message === 'string' ? `gateway: ${payload.message}` : `HTTP ${res.status}`;
          throw new ApiError(res.status, code, message, payload?.details);
        }
        // the body's retryAfter: response headers may not reach an app REST API caller
        await sleep(retryDelayMs(typeof payload?.retryAfter === 'number' ? payload.retryAfter : null, attempt));
      } else {
        await sleep(retryDelayMs(null, attempt));
      }
    }
  }
}

function parseJson(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

function retryDelayMs(retryAfterSeconds: number | null, attempt: number): number {
  if (retryAfterSeconds !== null && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) return Math.min(retryAfterSeconds, 30) * 1000;
  return Math.random() * Math.min(8000, 250 * 2 ** attempt); // full jitter
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CiRunInput {
  spaceId: string;
  pageIds: string[];
  title: string;
  summary?: string;
  referenceUrl?: string;
  /** Poll interval for /events (or /pages/status without the feed scope). */
  pollIntervalMs?: number;
  /** Give up waiting after this long (the result is then 'pending'). */
  timeoutMs?: number;
  /** Progress callback (CI log lines; tests use it to act as approvers). */
  onProgress?: (event: { phase: 'created' | 'preflight' | 'submitted' | 'polled' | 'event'; data: Json }) => void | Promise<void>;
}

export type PageOutcome = { pageId: string; state: string; isStale?: boolean; code?: string; reason?: string };

export interface CiRunResult {
  changeSetId: string;
  outcome: 'approved' | 'rejected' | 'blocked' | 'pending';
  pages: PageOutcome[];
}

/** Events after which a watched page's state may have changed. */
const DECISION_EVENTS = ['approval.approved', 'approval.rejected', 'approval.cancelled', 'approval.stale'];

/** A cursor at the end of the space's feed, or undefined when the token lacks read:event:custom. */
async function feedHead(client: ApprovalFlowClient, spaceId: string): Promise<string | undefined> {
  let cursor: string | undefined;
  try {
    for (;;) {
      const page = await client.get('/events', { spaceId, types: DECISION_EVENTS.join(','), limit: '100', ...(cursor ? { cursor } : {}) });
      cursor = String(page.nextCursor);
      if ((page.events as unknown[]).length === 0) return cursor;
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return undefined;
    throw err;
  }
}

/** The whole pipeline step. 'blocked' = some page could not be submitted (see its code and reason). */
export async function runCiApproval(client: ApprovalFlowClient, input: CiRunInput): Promise<CiRunResult> {
  const created = await client.write('/changeSets/create', {
    spaceId: input.spaceId,
    title: input.title,
    ...(input.summary !== undefined ? { summary: input.summary } : {}),
    ...(input.referenceUrl !== undefined ? { referenceUrl: input.referenceUrl } : {}),
    pageRefs: input.pageIds.map((pageId) => ({ pageId })),
  });
  const changeSetId = String((created.changeSet as Json).id);
  await input.onProgress?.({ phase: 'created', data: created });

  const preflight = await client.read('/changeSets/preflight', { changeSetId });
  await input.onProgress?.({ phase: 'preflight', data: preflight });

  // The feed position before the submit, so no decision on these pages can be missed.
  const feed = await feedHead(client, input.spaceId);
  const submitted = await client.write('/changeSets/submit', { changeSetId });
  await input.onProgress?.({ phase: 'submitted', data: submitted });
  const results = submitted.results as { pageId: string; success: boolean; code?: string; reason?: string }[];
  const skipped: PageOutcome[] = results
    .filter((r) => !r.success && r.code !== 'ALREADY_APPROVED')
    .map((r) => ({ pageId: r.pageId, state: 'not_submitted', code: r.code, reason: r.reason }));
  const watched = results.filter((r) => r.success || r.code === 'ALREADY_APPROVED').map((r) => r.pageId);

  const deadline = Date.now() + (input.timeoutMs ?? 60 * 60 * 1000);
  const pollMs = input.pollIntervalMs ?? 15_000;
  const current = new Map<string, PageOutcome>();
  const refresh = async (pageId: string) => {
    const status = await client.get('/pages/status', { pageId });
    current.set(pageId, { pageId, state: String(status.state), isStale: status.isStale === true });
  };
  for (const pageId of watched) await refresh(pageId);
  await input.onProgress?.({ phase: 'polled', data: { pages: [...current.values()] } });
  const undecided = () => [...current.values()].some((s) => s.state === 'in_approval');
  let cursor = feed;
  while (undecided() && Date.now() < deadline) {
    if (cursor === undefined) {
      // no feed scope: poll every page
      await sleep(pollMs);
      for (const pageId of watched) await refresh(pageId);
      await input.onProgress?.({ phase: 'polled', data: { pages: [...current.values()] } });
      continue;
    }
    const page = await client.get('/events', { spaceId: input.spaceId, types: DECISION_EVENTS.join(','), cursor });
    cursor = String(page.nextCursor);
    const events = page.events as { type: string; pageId?: string }[];
    for (const event of events) {
      if (event.pageId === undefined || !current.has(event.pageId)) continue;
      await input.onProgress?.({ phase: 'event', data: event });
      await refresh(event.pageId);
    }
    if (events.length === 0) await sleep(pollMs);
  }
  const states = [...current.values()];

  const pages = [...states, ...skipped];
  const outcome: CiRunResult['outcome'] = states.some((s) => s.state === 'changes_requested' || s.state === 'draft')
    ? 'rejected'
    : skipped.length > 0
      ? 'blocked'
      : states.some((s) => s.state === 'in_approval' || s.isStale)
        ? 'pending'
        : 'approved';
  return { changeSetId, outcome, pages };
}

export interface SigningKey {
  keyId: string;
  publicKey: string;
}

export interface ReceiptCheck {
  ok: boolean;
  reason: string;
  approvedVersion?: number;
}

/** Does `receipt` carry a valid installation signature (Ed25519 over the payload's UTF-8 bytes) from one of `keys`? */
export function receiptSignatureValid(receipt: { payload: string; signature: string; keyId: string }, keys: SigningKey[]): boolean {
  const key = keys.find((k) => k.keyId === receipt.keyId);
  if (!key) return false;
  try {
    return verify(null, Buffer.from(receipt.payload, 'utf8'), createPublicKey(key.publicKey), Buffer.from(receipt.signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * "Published == approved": the page's receipt from /pages/status must verify against the keys (pinned,
 * or fetched from GET /keys) and name this page and exactly the version about to be published.
 */
export async function checkPublishedVersion(client: ApprovalFlowClient, pageId: string, publishedVersion: number, pinnedKeys?: SigningKey[]): Promise<ReceiptCheck> {
  const keys = pinnedKeys ?? ((await client.get('/keys', {})).keys as SigningKey[]);
  const status = await client.get('/pages/status', { pageId });
  const receipt = status.approvalReceipt as { payload: string; signature: string; keyId: string } | undefined;
  if (!receipt) return { ok: false, reason: `page ${pageId} has no completed approval (state ${String(status.state)})` };
  if (!receiptSignatureValid(receipt, keys)) return { ok: false, reason: 'the approval receipt does not verify against the installation key' };
  const payload = JSON.parse(receipt.payload) as { pageId?: string; pageVersion?: number };
  if (payload.pageId !== pageId) return { ok: false, reason: 'the receipt is for another page' };
  if (payload.pageVersion !== publishedVersion) {
    return { ok: false, reason: `version ${publishedVersion} is being published, but version ${String(payload.pageVersion)} was approved`, approvedVersion: payload.pageVersion };
  }
  return { ok: true, reason: `version ${publishedVersion} is the approved version`, approvedVersion: payload.pageVersion };
}

async function main(): Promise<void> {
  const env = (name: string, fallback?: string): string => {
    const value = process.env[name] ?? fallback;
    if (value === undefined || value === '') throw new Error(`set ${name}`);
    return value;
  };
  const client = new ApprovalFlowClient({ baseUrl: env('APPROVALFLOW_BASE_URL').replace(/\/$/, ''), token: env('APPROVALFLOW_TOKEN') });
  if (process.env.VERIFY_PAGE_ID) {
    const pinned = process.env.KEYS_FILE ? ((JSON.parse(readFileSync(process.env.KEYS_FILE, 'utf8')) as { keys: SigningKey[] }).keys) : undefined;
    const check = await checkPublishedVersion(client, process.env.VERIFY_PAGE_ID, Number(env('PUBLISHED_VERSION')), pinned);
    console.log(`[approvalflow] page ${process.env.VERIFY_PAGE_ID}: ${check.ok ? 'ok' : 'FAIL'}: ${check.reason}`);
    process.exitCode = check.ok ? 0 : 1;
    return;
  }
  const result = await runCiApproval(client, {
    spaceId: env('SPACE_ID'),
    pageIds: env('PAGE_IDS').split(',').map((id) => id.trim()),
    title: env('TITLE'),
    referenceUrl: process.env.REFERENCE_URL,
    pollIntervalMs: Number(process.env.POLL_INTERVAL_MS ?? 15_000),
    timeoutMs: Number(process.env.TIMEOUT_MS ?? 60 * 60 * 1000),
    onProgress: ({ phase, data }) => console.log(`[approvalflow] ${phase}: ${JSON.stringify(data)}`),
  });
  console.log(`[approvalflow] change set ${result.changeSetId}: ${result.outcome}`);
  for (const page of result.pages) console.log(`[approvalflow]   page ${page.pageId}: ${page.state}${page.reason ? ` (${page.reason})` : ''}`);
  process.exitCode = result.outcome === 'approved' ? 0 : 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`[approvalflow] ${err instanceof ApiError ? `${err.status} ${err.code}: ${err.message}` : String(err)}`);
    process.exitCode = 1;
  });
}
