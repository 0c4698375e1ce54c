/**
 * A scripted Confluence Cloud for adapter tests, strict where the real one is (issue 8): the v2 page
 * list refuses `status=draft` and never lists drafts, the app user sees only pages whose restrictions
 * include it, permission/check about another user needs a Confluence admin, site admin is an
 * `administer`/`application` operation, v1 lists page by `_links.next`. Records every request.
 */
import type { ConfluenceRequest, ConfluenceResponse, ConfluenceTransport } from '../../src/adapters/confluence/transport';

export const APP_USER = 'app-user';

interface Page {
  id: string;
  spaceId: string;
  status: 'current' | 'draft' | 'archived';
  /** Who may view it (absent: everyone, the app user included); `APP_USER` stands for the app. */
  viewers?: string[];
  editors?: string[];
}

export interface StrictConfluenceOptions {
  pages?: Page[];
  confluenceAdmins?: string[];
  /** group id → members (for memberof / membersByGroupId) */
  groups?: Record<string, string[]>;
  /** v1 page size Confluence really uses, whatever `limit` asked */
  v1PageSize?: number;
}

export class StrictConfluence implements ConfluenceTransport {
  readonly requests: ConfluenceRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** answers to return before the real one (e.g. 429s), in order */
  readonly scripted: ConfluenceResponse[] = [];
  delayMs = 0;

  constructor(private readonly o: StrictConfluenceOptions = {}) {}

  async request(r: ConfluenceRequest): Promise<ConfluenceResponse> {
    this.requests.push(r);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      return this.scripted.shift() ?? this.answer(r);
    } finally {
      this.inFlight -= 1;
    }
  }

  private who(r: ConfluenceRequest): string {
    return r.actAs === undefined || r.actAs === 'app' ? APP_USER : r.actAs.accountId;
  }

  private canView(user: string, page: Page): boolean {
    return !page.viewers || page.viewers.includes(user) || (page.editors ?? []).includes(user);
  }

  private answer(r: ConfluenceRequest): ConfluenceResponse {
    const [path, query = ''] = r.path.split('?');
    const q = new URLSearchParams(query);
    const user = this.who(r);
    // a user Confluence does not know cannot be acted as
    if (user.startsWith('acc-unknown')) return { status: 401, body: { message: 'Unauthorized' } };
    const page = (id: string) => (this.o.pages ?? []).find((p) => p.id === id);
    const json = (p: Page) => ({ id: p.id, status: p.status, title: `Page ${p.id}`, spaceId: p.spaceId, version: { number: 1, authorId: 'acc-bob' } });
    if (path === '/wiki/api/v2/pages') {
      if (q.getAll('status').some((s) => !['current', 'archived', 'deleted', 'trashed'].includes(s))) {
        return { status: 400, body: { errors: [{ status: 400, code: 'INVALID_REQUEST_PARAMETER', title: 'status' }] } };
      }
      const found = q.getAll('id').map(page).filter((p): p is Page => !!p && p.status !== 'draft' && this.canView(user, p));
      return { status: 200, body: { results: found.map(json), _links: {} } };
    }
    let m = /^\/wiki\/api\/v2\/pages\/(\w+)$/.exec(path);
    if (m) {
      const p = page(m[1]);
      if (!p || !this.canView(user, p) || (p.status === 'draft' && q.get('get-draft') !== 'true')) return { status: 404, body: { errors: [] } };
      return { status: 200, body: json(p) };
    }
    m = /^\/wiki\/rest\/api\/content\/(\w+)\/permission\/check$/.exec(path);
    if (m) {
      const body = r.body as { subject: { identifier: string }; operation: string };
      const subject = body.subject.identifier;
      if (subject !== user && !(this.o.confluenceAdmins ?? []).includes(user)) return { status: 403, body: { message: 'Confluence Administrator required' } };
      const p = page(m[1]);
      if (!p || !this.canView(user, p)) return { status: 404, body: {} };
      const has = body.operation === 'read' ? this.canView(subject, p) : (p.editors ?? []).includes(subject);
      return { status: 200, body: { hasPermission: has } };
    }
    if (path === '/wiki/rest/api/user/current') {
      if (user === APP_USER) return { status: 200, body: { accountId: APP_USER, operations: [] } };
      const admin = (this.o.confluenceAdmins ?? []).includes(user);
      return { status: 200, body: { accountId: user, operations: admin ? [{ operation: 'administer', targetType: 'application' }] : [{ operation: 'use', targetType: 'application' }] } };
    }
    m = /^\/wiki\/rest\/api\/group\/([\w-]+)\/membersByGroupId$/.exec(path);
    if (m) return this.v1(path, q, (this.o.groups ?? {})[m[1]]?.map((accountId) => ({ accountId })));
    return { status: 404, body: {} };
  }

  private v1(path: string, q: URLSearchParams, items: unknown[] | undefined): ConfluenceResponse {
    if (!items) return { status: 404, body: {} };
    const size = Math.min(Number(q.get('limit') ?? 200), this.o.v1PageSize ?? 200);
    const start = Number(q.get('start') ?? 0);
    const results = items.slice(start, start + size);
    const next = start + size < items.length ? `${path.replace(/^\/wiki/, '')}?start=${start + size}&limit=${size}` : undefined;
    return { status: 200, body: { results, size: results.length, _links: next ? { next } : {} } };
  }
}
