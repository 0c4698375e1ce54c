/**
 * What the caller may do in a space, asked of Confluence at most once per (space, question) in a
 * request. SPEC 2.1: site admins count as space admins of every space, and an admin can view the
 * space. "Can view a space" is the space's view permission as Confluence grants it to the user
 * (ConfluenceSite.canViewSpace; docs/storage.md "Who can see what").
 */
import type { EngineContext } from './context';

export class SpaceAccess {
  private siteAdmin: Promise<boolean> | undefined;
  private readonly admin = new Map<string, Promise<boolean>>();
  private readonly viewer = new Map<string, Promise<boolean>>();

  constructor(
    private readonly ctx: EngineContext,
    readonly accountId: string,
  ) {}

  isAdmin(spaceId: string): Promise<boolean> {
    let answer = this.admin.get(spaceId);
    if (!answer) {
      this.siteAdmin ??= this.ctx.confluence.isSiteAdmin(this.accountId);
      const site = this.siteAdmin;
      answer = site.then(async (yes) => yes || this.ctx.confluence.isSpaceAdmin(this.accountId, spaceId));
      this.admin.set(spaceId, answer);
    }
    return answer;
  }

  canView(spaceId: string): Promise<boolean> {
    let answer = this.viewer.get(spaceId);
    if (!answer) {
      answer = this.ctx.confluence.canViewSpace(this.accountId, spaceId).then(async (yes) => yes || this.isAdmin(spaceId));
      this.viewer.set(spaceId, answer);
    }
    return answer;
  }
}
