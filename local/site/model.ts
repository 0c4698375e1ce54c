/**
 * The local Confluence site's data model: the subset of Confluence the app and the Custom UI see
 * (users, groups, spaces with permissions, pages with versions and restrictions, footer comments),
 * plus two tiny helpers shared by the site and its HTTP surface.
 */

export interface LocalUser {
  accountId: string;
  displayName: string;
  email: string;
}

export interface LocalGroup {
  id: string;
  name: string;
  /** account ids */
  members: string[];
}

export interface Principal {
  type: 'user' | 'group';
  id: string;
}

/** Confluence v2 space permission operation keys used here. 'create' on 'page' is Confluence's "add/edit pages". */
export type SpaceOperationKey = 'read' | 'administer' | 'create' | 'delete' | 'export' | 'restrict_content';
export type SpaceTargetType = 'space' | 'page' | 'blogpost' | 'comment' | 'attachment';

export interface SpacePermission {
  id: string;
  principal: Principal;
  operation: { key: SpaceOperationKey; targetType: SpaceTargetType };
}

export interface LocalSpace {
  id: string;
  key: string;
  name: string;
  authorId: string;
  createdAt: string;
  permissions: SpacePermission[];
}

export interface LocalPageVersion {
  number: number;
  authorId: string;
  /** everyone who edited this version (Confluence v2 version details `collaborators`); the author when absent */
  collaborators?: string[];
  createdAt: string;
  message: string;
  minorEdit: boolean;
  title: string;
  /** storage-format XHTML */
  body: string;
}

/** An empty list means "not restricted" for that operation (Confluence semantics). */
export interface PageRestrictions {
  read: Principal[];
  update: Principal[];
}

export type LocalPageStatus = 'current' | 'draft' | 'archived';

export interface LocalPage {
  id: string;
  spaceId: string;
  parentId: string | null;
  status: LocalPageStatus;
  /** creator of the page */
  authorId: string;
  createdAt: string;
  /** oldest first; the last one is the current version */
  versions: LocalPageVersion[];
  restrictions: PageRestrictions;
  /** global labels (Confluence labels do not make a page version) */
  labels?: string[];
}

export interface LocalComment {
  id: string;
  pageId: string;
  parentCommentId: string | null;
  authorId: string;
  createdAt: string;
  /** storage-format XHTML */
  body: string;
}

export interface LocalSiteSeed {
  users: LocalUser[];
  groups: LocalGroup[];
  spaces: LocalSpace[];
  pages: LocalPage[];
  comments: LocalComment[];
}

/** Payload of the page-updated event, fired after a new version of a published page is written. */
export interface PageUpdatedEvent {
  pageId: string;
  spaceId: string;
  spaceKey: string;
  title: string;
  version: number;
  authorId: string;
  message: string;
  createdAt: string;
}

export type PageUpdatedListener = (event: PageUpdatedEvent) => void | Promise<void>;

export function currentVersion(page: LocalPage): LocalPageVersion {
  return page.versions[page.versions.length - 1];
}

/** Confluence lists by id; ids are numeric strings here. */
export function byNumericId(a: { id: string }, b: { id: string }): number {
  const d = Number(a.id) - Number(b.id);
  return Number.isNaN(d) || d === 0 ? a.id.localeCompare(b.id) : d;
}
