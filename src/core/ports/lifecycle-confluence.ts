/**
 * The lifecycle's facet of the Confluence port (ConfluenceSite extends it; daily job, manage
 * space): the space tree one level at a time (as the user), the space admins to escalate to, and
 * whether a comment carrying a reference was already posted (so a recovering job never posts twice).
 */
export type TreeParent = { kind: 'space'; spaceId: string } | { kind: 'page' | 'folder'; id: string };

export interface TreeNode {
  id: string;
  type: 'page' | 'folder';
  title: string;
}

export interface TreeLevel {
  items: TreeNode[];
  /** opaque: pass back to get the next batch of the same level */
  nextCursor?: string;
}

/** An escalation @mentions the space admins: more than this many is noise, and a big admin group must not fail it. */
export const SPACE_ADMINS_CAP = 50;

export interface LifecycleConfluence {
  /** Direct children (pages and folders) of a space's root or of a page/folder, as `accountId` sees them. */
  listChildren(accountId: string, parent: TreeParent, cursor?: string): Promise<TreeLevel>;
  /**
   * Account ids holding the space 'administer' permission, directly or through a group: at most
   * SPACE_ADMINS_CAP (users granted directly first), so a granted group of any size answers.
   */
  spaceAdmins(spaceId: string): Promise<string[]>;
  /** Id of a footer comment on the page (a reply to `parentCommentId` when given) whose body contains `text`. */
  findComment(input: { pageId: string; parentCommentId?: string; text: string }): Promise<string | undefined>;
}
