/**
 * Confluence port: what the core needs to know about the Confluence site, the ONE port approvals,
 * the lifecycle (its facet LifecycleConfluence) and the pickers (its facet Directory) all use.
 * Implemented once over Confluence REST (src/adapters/confluence/rest-confluence.ts: one call gate,
 * one paging helper, one 429/5xx policy) with a transport per environment: @forge/api
 * requestConfluence on Forge, the local site in-process.
 *
 * Batching is part of the contract: getPages takes any number of ids and MUST issue ⌈N/250⌉ calls.
 */
import type { PageInfo } from '../domain/model';
import type { LifecycleConfluence } from './lifecycle-confluence';
import type { Directory } from './directory';

/** The page facts the domain's rules read live in the domain model; the port answers with them. */
export type { PageInfo, PageStatus } from '../domain/model';

/** A new version to write: `version` is the current number + 1. */
export interface PageVersionInput {
  pageId: string;
  title: string;
  bodyStorage: string;
  version: number;
  message: string;
}

export interface SpaceInfo {
  id: string;
  key: string;
  name: string;
}

export interface UserInfo {
  accountId: string;
  displayName: string;
  /** Confluence v2 `accountStatus`; `inactive` = deactivated, `closed` = deleted; absent when Confluence did not say */
  accountStatus?: 'active' | 'inactive' | 'closed' | 'unknown';
}

export type PageOperation = 'read' | 'update';

/**
 * A page as getPages read it. `editable`: whether `update` is among the READER's permitted
 * operations (readerAccountId), present only when the batched read stated them (U24).
 */
export interface PageRead extends PageInfo {
  editable?: boolean;
}

/** One version of a page with its storage body: read transiently for a hash or a diff, never stored (SPEC 2.4a). */
export interface PageContent {
  pageId: string;
  version: number;
  title: string;
  bodyStorage: string;
}

export interface ConfluenceSite extends LifecycleConfluence, Directory {
  /**
   * The account whose view getPages answers with (the invocation's acting user, when the app can
   * act as them); absent: the app's view. When it is the caller, the pages getPages returns are
   * exactly the ones the caller can read, so no permission check is needed to prove it.
   */
  readonly readerAccountId?: string;
  /** Whether getPages asks for the reader's permitted operations (PageRead.editable); edit checks then wait for that read. */
  readonly pageReadsStateEdit: boolean;
  /**
   * Confluence calls this invocation may still make (the platform's per-invocation cap, U25);
   * undefined when no cap is known. Operations that know their call count ask before calling.
   */
  callsLeft(): number | undefined;
  /** Pages visible to the app, by id, batched ⌈N/250⌉ calls; drafts included. Unknown ids are absent. */
  getPages(pageIds: string[]): Promise<Map<string, PageRead>>;
  /** Can this user perform the operation on the page (site, space and page restrictions)? One call per (user,page); callers run them in parallel. */
  checkPagePermission(accountId: string, pageId: string, operation: PageOperation): Promise<boolean>;
  /**
   * Which of these pages the user can read, from ONE batched page read made as them (⌈N/250⌉
   * calls; restrictions and space permissions apply as Confluence applies them to that user).
   * undefined when the app cannot act as that user: ask checkPagePermission per page instead.
   */
  pagesReadableBy(accountId: string, pageIds: string[]): Promise<Set<string> | undefined>;
  getSpace(spaceId: string): Promise<SpaceInfo | undefined>;
  /** Whether the user holds the space's 'administer' permission (directly or through a group). */
  isSpaceAdmin(accountId: string, spaceId: string): Promise<boolean>;
  /**
   * Does this user hold the space's "view" permission ('read' on 'space', directly or through a
   * group)? Answered from the space's permission list, so it works for any user (the caller, or an
   * approver in a warning) without impersonation or an admin-only endpoint. False for a space that
   * does not exist. Space admins and site admins are NOT implied here: the engine's access module
   * combines the answers (services/access.ts).
   */
  canViewSpace(accountId: string, spaceId: string): Promise<boolean>;
  /** The space's "create page" permission (directly or through a group): who may edit pages there, page restrictions aside. */
  canCreatePagesIn(accountId: string, spaceId: string): Promise<boolean>;
  /** Which of these Confluence group ids exist (unknown ids are absent). One call per id, callers batch. */
  existingGroups(groupIds: string[]): Promise<Set<string>>;
  /** Name of each of these Confluence group ids (unknown ids are absent). One call per id, callers batch. */
  groupNames(groupIds: string[]): Promise<Map<string, string>>;
  /** Whether the user may administer the Confluence site, from their own Confluence permissions (never from group names). */
  isSiteAdmin(accountId: string): Promise<boolean>;
  /**
   * The ids of the groups this user belongs to: one question per user that answers "is U in G" for
   * every G (decisions and their previews ask it instead of listing a group's members).
   */
  groupIdsOf(accountId: string): Promise<Set<string>>;
  /** Members of a group (by group id), every page: only where the whole list is needed ("all" groups, an "unreachable" step's decision, the workflow editor's size check). */
  getGroupMembers(groupId: string): Promise<string[]>;
  /**
   * At most `cap` members of a group from position `start` (Confluence's order), ⌈cap/200⌉ calls at
   * most; `more`: the group has members after them. Where names are shown ("and more") or enough of
   * them answer the question (eligibility), so a group of any size answers.
   */
  groupMembersCapped(groupId: string, cap: number, start?: number): Promise<{ members: string[]; more: boolean }>;
  getUsers(accountIds: string[]): Promise<Map<string, UserInfo>>;
  /**
   * SPEC 2.3a: the editors (`authorId` and `collaborators`) of the page's versions `afterVersion`+1
   * ..`upToVersion`, read as the acting user (one version-details call per version). A page or
   * version the reader cannot see counts as unverifiable, never as "no editors".
   */
  pageVersionEditors(pageId: string, afterVersion: number, upToVersion: number): Promise<{ editors: string[]; verified: boolean }>;
  /**
   * A published version (the current one when `version` is omitted) with its storage body, read as
   * the acting user (the app when there is none). undefined when that identity cannot see the page
   * or the version does not exist: the two look the same.
   */
  getPageContent(pageId: string, version?: number): Promise<PageContent | undefined>;
  /**
   * Writes a new version as the acting user (restore to approved, SPEC 2.4a). `version` is the new
   * version number (current + 1); returns it. A page that moved on meanwhile is 409 PAGE_CHANGED.
   */
  writePageVersion(input: PageVersionInput): Promise<number>;
  /**
   * The page's global labels and its ancestor ids, as the engine's reader (the acting user) sees
   * them (SPEC 2.2a routing). undefined when they cannot all be read (a refusal or an unexpected
   * answer): routing is then incomplete, never guessed.
   */
  routingFacts(pageId: string): Promise<{ labels: Set<string>; ancestorIds: Set<string> } | undefined>;
  /**
   * The page's global labels as the app sees them (the Automation label bridge, SPEC 3a). undefined
   * when the app cannot read them (a refusal or an unexpected answer).
   */
  appPageLabels(pageId: string): Promise<Set<string> | undefined>;
  /**
   * Adds and removes global labels as the app, after the engine decided which (the label bridge).
   * false when Confluence refuses the app (it may not edit the page); a label already absent is removed.
   */
  changePageLabels(pageId: string, change: { add: string[]; remove: string[] }): Promise<boolean>;
  /** Footer comment on a page; with parentCommentId it is a reply. Storage-format body. Returns the comment id. */
  createPageComment(input: { pageId: string; bodyStorage: string; parentCommentId?: string }): Promise<string>;
}
