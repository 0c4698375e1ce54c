/** Spaces (v2): list, get and permissions; a space the caller cannot view is absent / 404. */
import { byNumericId } from '../model';
import type { LocalSpace } from '../model';
import type { Ctx, LocalHttpResponse } from './common';
import { canSeeSpace, json, multi, notFound, numericId, numericIds, pageV2 } from './common';

function spaceJson(space: LocalSpace): unknown {
  return {
    id: space.id,
    key: space.key,
    name: space.name,
    type: 'global',
    status: 'current',
    authorId: space.authorId,
    createdAt: space.createdAt,
    homepageId: null,
    description: null,
    icon: null,
    _links: { webui: `/spaces/${space.key}` },
  };
}

export function listSpaces(ctx: Ctx): LocalHttpResponse {
  const ids = numericIds(multi(ctx.query, 'ids'), 'ids');
  const keys = multi(ctx.query, 'keys');
  const spaces = ctx.site.spaces
    .filter((s) => (ids.length === 0 || ids.includes(s.id)) && (keys.length === 0 || keys.includes(s.key)))
    .filter((s) => canSeeSpace(ctx, s))
    .sort(byNumericId)
    .map(spaceJson);
  return pageV2(ctx, spaces, 25, 250);
}

function visibleSpace(ctx: Ctx): LocalSpace {
  const space = ctx.site.getSpace(numericId(ctx.params[0], 'id'));
  if (!space || !canSeeSpace(ctx, space)) throw notFound();
  return space;
}

export function getSpace(ctx: Ctx): LocalHttpResponse {
  return json(200, spaceJson(visibleSpace(ctx)));
}

export function listSpacePermissions(ctx: Ctx): LocalHttpResponse {
  const space = visibleSpace(ctx);
  const permissions = space.permissions.map((p) => ({
    id: p.id,
    principal: { type: p.principal.type, id: p.principal.id },
    operation: { key: p.operation.key, targetType: p.operation.targetType },
  }));
  return pageV2(ctx, permissions, 25, 250);
}
