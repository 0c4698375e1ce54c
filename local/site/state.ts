/**
 * The local Confluence site's state, permission rules and the page-edit operation. The HTTP surface
 * that answers like Confluence Cloud (rest/) reads this; site.ts joins the two.
 *
 * Permission rules follow Confluence: a user sees a page when the space grants them 'read' (directly
 * or through a group), every read restriction on the page and its ancestors lists them, and, for a
 * draft, they are its author. Editing needs the space's "add pages" permission plus the page's update
 * restriction. The app is a user like any other (its bot account): it sees what its space grants and
 * the pages' restrictions allow, and is a Confluence administrator only if the platform profile says so.
 */
import { manifestScopes } from './app-scopes';
import { DEFAULT_PLATFORM_PROFILE, type PlatformProfile } from '../../src/adapters/platform-profile';
import type {
  LocalComment,
  LocalGroup,
  LocalPage,
  LocalPageVersion,
  LocalSiteSeed,
  LocalSpace,
  LocalUser,
  PageUpdatedEvent,
  PageUpdatedListener,
  Principal,
  SpaceOperationKey,
  SpaceTargetType,
} from './model';
import { byNumericId, currentVersion } from './model';
import { buildSeed, LOCAL_APP_USER } from './seed';

export interface LocalSiteOptions {
  /** `_links.base` of every answer, e.g. "http://127.0.0.1:8787/wiki". */
  baseUrl?: string;
  /** Clock for new versions and comments. */
  now?: () => Date;
  /** Replace the §7.1 seed (tests that need an unusual site). */
  seed?: LocalSiteSeed;
  /** Where errors thrown by page-updated listeners go (an edit never fails because a listener did). */
  onListenerError?: (error: unknown, event: PageUpdatedEvent) => void;
  /** Platform facts the site must follow (whether the app user is a Confluence admin). Default: the documented profile. */
  profile?: PlatformProfile;
  /** Fault injection on the app's transport (retry and time-budget tests, `npm start -- --confluence-*`). */
  faults?: SiteFaults;
  /** OAuth scopes the app holds (its manifest's `permissions.scopes`); a call needing another is refused. Default: manifest.yml's. */
  grantedScopes?: ReadonlySet<string>;
}

export interface SiteFaults {
  /** Every Nth call through transport() answers 429 with Retry-After (0/absent = never). */
  rateLimitEvery?: number;
  /** Retry-After seconds of those 429 answers. Default 1. */
  retryAfterSeconds?: number;
  /** Added to every transport() call, in ms. */
  latencyMs?: number;
}

/** Raised by site operations called by the local runtime (not by the HTTP surface, which answers in Confluence's error shape). */
export class LocalSiteError extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    readonly code: 'INVALID' | 'FORBIDDEN' | 'NOT_FOUND',
    message: string,
  ) {
    super(message);
    this.name = 'LocalSiteError';
  }
}

/** Who is asking a permission question: a user (with their groups) or a group alone. */
export interface Subject {
  accountId?: string;
  groupIds: string[];
}

export interface CallCounts {
  total: number;
  /** by endpoint template, e.g. "GET /wiki/api/v2/pages" */
  byEndpoint: Record<string, number>;
}

export interface PageForRender {
  id: string;
  spaceId: string;
  spaceKey: string;
  spaceName: string;
  parentId: string | null;
  status: LocalPage['status'];
  title: string;
  bodyStorage: string;
  version: number;
  versionAuthorId: string;
  versionCreatedAt: string;
  versionMessage: string;
  versions: Array<Omit<LocalPageVersion, 'body'>>;
  restricted: { read: Principal[]; update: Principal[] };
  comments: LocalComment[];
}

export interface EditPageInput {
  accountId: string;
  title?: string;
  body?: string;
  message?: string;
  minorEdit?: boolean;
}

export class SiteState {
  readonly users: LocalUser[];
  readonly groups: LocalGroup[];
  readonly spaces: LocalSpace[];
  readonly pages: Map<string, LocalPage>;
  readonly comments: LocalComment[];
  readonly baseUrl: string;
  readonly appUser = LOCAL_APP_USER;
  readonly calls: CallCounts = { total: 0, byEndpoint: {} };
  readonly profile: PlatformProfile;
  readonly faults: SiteFaults;
  readonly grantedScopes: ReadonlySet<string>;

  private enabled = true;
  private licensed = true;
  private nextCommentId: number;
  private readonly listeners = new Set<PageUpdatedListener>();
  private readonly now: () => Date;
  private readonly onListenerError: (error: unknown, event: PageUpdatedEvent) => void;

  constructor(options: LocalSiteOptions = {}) {
    const seed = options.seed ?? buildSeed();
    this.users = seed.users;
    this.groups = seed.groups;
    this.spaces = seed.spaces;
    this.pages = new Map(seed.pages.map((p) => [p.id, p]));
    this.comments = seed.comments;
    this.baseUrl = options.baseUrl ?? 'http://127.0.0.1:8787/wiki';
    this.now = options.now ?? (() => new Date());
    this.onListenerError =
      options.onListenerError ??
      ((error, event) => console.error(`page-updated listener failed for page ${event.pageId}:`, error));
    this.profile = options.profile ?? DEFAULT_PLATFORM_PROFILE;
    this.faults = options.faults ?? {};
    this.grantedScopes = options.grantedScopes ?? manifestScopes();
    this.nextCommentId = Math.max(6000, ...seed.comments.map((c) => Number(c.id) || 0)) + 1;
  }

  // ---- App REST APIs switch (read by the local gateway) ----

  get appRestApisEnabled(): boolean {
    return this.enabled;
  }

  setAppRestApisEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  // ---- the app's licence on this site (Forge passes it as context.license.isActive) ----

  get licenseActive(): boolean {
    return this.licensed;
  }

  setLicenseActive(active: boolean): void {
    this.licensed = active;
  }

  // ---- lookups ----

  getUser(accountId: string): LocalUser | undefined {
    if (accountId === LOCAL_APP_USER.accountId) return LOCAL_APP_USER;
    return this.users.find((u) => u.accountId === accountId);
  }

  getGroup(groupId: string): LocalGroup | undefined {
    return this.groups.find((g) => g.id === groupId);
  }

  getSpace(spaceId: string): LocalSpace | undefined {
    return this.spaces.find((s) => s.id === spaceId);
  }

  getPage(pageId: string): LocalPage | undefined {
    return this.pages.get(pageId);
  }

  groupsOf(accountId: string): LocalGroup[] {
    return this.groups.filter((g) => g.members.includes(accountId));
  }

  /** Every page of a space, any status, by id. */
  listSpacePages(spaceId: string): LocalPage[] {
    return [...this.pages.values()].filter((p) => p.spaceId === spaceId).sort(byNumericId);
  }

  listComments(pageId: string): LocalComment[] {
    return this.comments.filter((c) => c.pageId === pageId);
  }

  // ---- permissions ----

  subjectOfUser(accountId: string): Subject {
    return { accountId, groupIds: this.groupsOf(accountId).map((g) => g.id) };
  }

  spaceGrants(spaceId: string, subject: Subject, key: SpaceOperationKey, targetType: SpaceTargetType): boolean {
    const space = this.getSpace(spaceId);
    if (!space) return false;
    return space.permissions.some(
      (p) => p.operation.key === key && p.operation.targetType === targetType && principalMatches(p.principal, subject),
    );
  }

  canViewSpaceAs(subject: Subject, spaceId: string): boolean {
    return this.spaceGrants(spaceId, subject, 'read', 'space');
  }

  canViewAs(subject: Subject, pageId: string): boolean {
    const page = this.pages.get(pageId);
    if (!page || !this.canViewSpaceAs(subject, page.spaceId)) return false;
    if (page.status === 'draft' && page.authorId !== subject.accountId) return false;
    // read restrictions are inherited from every ancestor
    for (let p: LocalPage | undefined = page; p; p = p.parentId ? this.pages.get(p.parentId) : undefined) {
      if (!restrictionAllows(p.restrictions.read, subject)) return false;
    }
    return true;
  }

  canEditAs(subject: Subject, pageId: string): boolean {
    const page = this.pages.get(pageId);
    if (!page || page.status === 'archived' || !this.canViewAs(subject, pageId)) return false;
    return this.spaceGrants(page.spaceId, subject, 'create', 'page') && restrictionAllows(page.restrictions.update, subject);
  }

  canView(accountId: string, pageId: string): boolean {
    return this.getUser(accountId) !== undefined && this.canViewAs(this.subjectOfUser(accountId), pageId);
  }

  canEdit(accountId: string, pageId: string): boolean {
    return this.getUser(accountId) !== undefined && this.canEditAs(this.subjectOfUser(accountId), pageId);
  }

  canComment(accountId: string, pageId: string): boolean {
    const page = this.pages.get(pageId);
    if (!page || !this.canView(accountId, pageId)) return false;
    return this.spaceGrants(page.spaceId, this.subjectOfUser(accountId), 'create', 'comment');
  }

  isSpaceAdmin(accountId: string, spaceId: string): boolean {
    return this.spaceGrants(spaceId, this.subjectOfUser(accountId), 'administer', 'space');
  }

  /** Holds the global "Confluence Administrator" permission (the app user only when the profile says so). */
  isSiteAdmin(accountId: string): boolean {
    if (accountId === LOCAL_APP_USER.accountId) return this.profile.appUserIsConfluenceAdmin;
    return this.groupsOf(accountId).some((g) => g.name === 'site-admins' || g.name === 'confluence-administrators');
  }

  // ---- page render (local runtime) ----

  /** Everything the local page view shows, whoever looks; the caller checks canView first. */
  getPageForRender(pageId: string): PageForRender | undefined {
    const page = this.pages.get(pageId);
    const space = page && this.getSpace(page.spaceId);
    if (!page || !space) return undefined;
    const current = currentVersion(page);
    return {
      id: page.id,
      spaceId: space.id,
      spaceKey: space.key,
      spaceName: space.name,
      parentId: page.parentId,
      status: page.status,
      title: current.title,
      bodyStorage: current.body,
      version: current.number,
      versionAuthorId: current.authorId,
      versionCreatedAt: current.createdAt,
      versionMessage: current.message,
      versions: page.versions.map(({ body: _body, ...rest }) => ({ ...rest })),
      restricted: { read: [...page.restrictions.read], update: [...page.restrictions.update] },
      comments: this.listComments(page.id).map((c) => ({ ...c })),
    };
  }

  // ---- writes ----

  /**
   * A new version of the page written by `accountId`, then the page-updated listeners (published
   * pages only: Confluence fires no page-updated event for draft saves). Resolves once every
   * listener has settled; a failing listener is reported, never undoes the edit.
   */
  async editPage(pageId: string, input: EditPageInput): Promise<PageUpdatedEvent> {
    const { event, published } = this.appendVersion(pageId, input);
    if (published) await this.emit(event);
    return event;
  }

  /**
   * The REST write (PUT /wiki/api/v2/pages/{id}): the same new version, answered at once; the
   * page-updated listeners run afterwards, as Confluence delivers product events asynchronously.
   */
  writeVersion(pageId: string, input: EditPageInput): { event: PageUpdatedEvent; delivered: Promise<void> } {
    const { event, published } = this.appendVersion(pageId, input);
    return { event, delivered: published ? this.emit(event) : Promise.resolve() };
  }

  private appendVersion(pageId: string, input: EditPageInput): { event: PageUpdatedEvent; published: boolean } {
    const page = this.pages.get(pageId);
    if (!page) throw new LocalSiteError(404, 'NOT_FOUND', `Page ${pageId} does not exist.`);
    if (!this.getUser(input.accountId)) throw new LocalSiteError(400, 'INVALID', `Unknown user ${input.accountId}.`);
    if (!this.canEdit(input.accountId, pageId)) {
      throw new LocalSiteError(403, 'FORBIDDEN', `${input.accountId} is not allowed to edit page ${pageId}.`);
    }
    if (input.title !== undefined && input.title.trim() === '') {
      throw new LocalSiteError(400, 'INVALID', 'A page title cannot be empty.');
    }
    const current = currentVersion(page);
    const version: LocalPageVersion = {
      number: current.number + 1,
      authorId: input.accountId,
      collaborators: [input.accountId],
      createdAt: this.now().toISOString(),
      message: input.message ?? '',
      minorEdit: input.minorEdit ?? false,
      title: input.title ?? current.title,
      body: input.body ?? current.body,
    };
    page.versions.push(version);
    const space = this.getSpace(page.spaceId);
    const event: PageUpdatedEvent = {
      pageId,
      spaceId: page.spaceId,
      spaceKey: space?.key ?? '',
      title: version.title,
      version: version.number,
      authorId: version.authorId,
      message: version.message,
      createdAt: version.createdAt,
    };
    return { event, published: page.status === 'current' };
  }

  /**
   * A new published page beside `pageId` (same space and parent, its current title and body), created
   * by `accountId`, who must be able to edit the original. Ids continue after the highest page id.
   */
  copyPage(pageId: string, input: { accountId: string; title?: string }): LocalPage {
    const page = this.pages.get(pageId);
    if (!page) throw new LocalSiteError(404, 'NOT_FOUND', `Page ${pageId} does not exist.`);
    if (!this.canEdit(input.accountId, pageId)) throw new LocalSiteError(403, 'FORBIDDEN', `${input.accountId} is not allowed to copy page ${pageId}.`);
    const current = currentVersion(page);
    const id = String(Math.max(...[...this.pages.keys()].map(Number)) + 1);
    const createdAt = this.now().toISOString();
    const copy: LocalPage = {
      id,
      spaceId: page.spaceId,
      parentId: page.parentId,
      status: 'current',
      authorId: input.accountId,
      createdAt,
      versions: [{ number: 1, authorId: input.accountId, createdAt, message: '', minorEdit: false, title: input.title ?? `${current.title} (copy ${id})`, body: current.body }],
      restrictions: { read: [], update: [] },
    };
    this.pages.set(id, copy);
    return copy;
  }

  /**
   * Adds and removes global labels as `accountId` (who must be able to edit the page, as in
   * Confluence); returns the labels actually added and removed (an existing label is not re-added).
   */
  changeLabels(pageId: string, accountId: string, change: { add: string[]; remove: string[] }): { added: string[]; removed: string[]; labels: string[] } {
    const page = this.pages.get(pageId);
    if (!page) throw new LocalSiteError(404, 'NOT_FOUND', `Page ${pageId} does not exist.`);
    if (!this.canEdit(accountId, pageId)) throw new LocalSiteError(403, 'FORBIDDEN', `${accountId} is not allowed to label page ${pageId}.`);
    return this.applyLabels(page, change);
  }

  /** The label change itself, once the caller's right to edit the page was checked (users above, REST callers in rest/labels.ts). */
  applyLabels(page: LocalPage, change: { add: string[]; remove: string[] }): { added: string[]; removed: string[]; labels: string[] } {
    const labels = new Set(page.labels ?? []);
    const added = [...new Set(change.add)].filter((l) => !labels.has(l));
    const removed = [...new Set(change.remove)].filter((l) => labels.has(l));
    for (const l of added) labels.add(l);
    for (const l of removed) labels.delete(l);
    page.labels = [...labels].sort();
    return { added, removed, labels: page.labels };
  }

  /** Subscribe to page updates; returns the unsubscribe function. */
  onPageUpdated(listener: PageUpdatedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A footer comment (used by the HTTP surface; `authorId` is the app user for asApp writes). */
  addComment(input: { pageId: string; parentCommentId: string | null; authorId: string; body: string }): LocalComment {
    const comment: LocalComment = {
      id: String(this.nextCommentId++),
      pageId: input.pageId,
      parentCommentId: input.parentCommentId,
      authorId: input.authorId,
      createdAt: this.now().toISOString(),
      body: input.body,
    };
    this.comments.push(comment);
    return comment;
  }

  countCall(endpoint: string): void {
    this.calls.total += 1;
    this.calls.byEndpoint[endpoint] = (this.calls.byEndpoint[endpoint] ?? 0) + 1;
  }

  resetCalls(): void {
    this.calls.total = 0;
    for (const key of Object.keys(this.calls.byEndpoint)) delete this.calls.byEndpoint[key];
  }

  private async emit(event: PageUpdatedEvent): Promise<void> {
    const results = await Promise.allSettled(
      [...this.listeners].map(async (listener) => listener({ ...event })),
    );
    for (const result of results) {
      if (result.status === 'rejected') this.onListenerError(result.reason, event);
    }
  }
}

function principalMatches(principal: Principal, subject: Subject): boolean {
  return principal.type === 'user' ? principal.id === subject.accountId : subject.groupIds.includes(principal.id);
}

function restrictionAllows(restriction: Principal[], subject: Subject): boolean {
  return restriction.length === 0 || restriction.some((p) => principalMatches(p, subject));
}

