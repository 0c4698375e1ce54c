/**
 * Directory search over Confluence Cloud REST, for RestConfluenceSite (the one client: its call gate
 * retries 429/5xx and answers UPSTREAM_UNAVAILABLE when they outlast the budget). Every call is made
 * as the searching user (actAs), so results are what that user may see: people (v1 user search by
 * CQL), groups (v1 group picker), pages of a space and spaces (v1 CQL content search). Queries go
 * only inside quoted, escaped CQL strings.
 */
import { z } from 'zod';
import { DomainError } from '../../core/domain/errors';
import { confluenceId } from '../../core/domain/fields';
import type { DirectoryEntry, DirectoryKind } from '../../core/ports/directory';
import type { ConfluenceRequest, ConfluenceResponse } from './transport';
import { parseOk } from './paging';

type Send = (request: ConfluenceRequest) => Promise<ConfluenceResponse>;

const userResults = z.object({ results: z.array(z.object({ user: z.object({ accountId: z.string(), displayName: z.string(), accountType: z.string().optional() }) })) });
const groupResults = z.object({ results: z.array(z.object({ id: z.string(), name: z.string() })) });
const pageResults = z.object({ results: z.array(z.object({ content: z.object({ id: z.string(), title: z.string(), type: z.string() }) })) });
const spaceResults = z.object({ results: z.array(z.object({ space: z.object({ id: z.union([z.string(), z.number()]).transform(String), key: z.string(), name: z.string() }) })) });

/** A CQL string literal: backslash and double quote escaped, control characters dropped. */
export function cqlString(text: string): string {
  const printable = [...text].map((c) => (c.charCodeAt(0) < 32 ? ' ' : c)).join('');
  return `"${printable.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** `spaceId` narrows page searches to one space (required for 'page'). */
export async function searchDirectory(send: Send, asAccountId: string, kind: DirectoryKind, query: string, options: { limit: number; spaceId?: string }): Promise<DirectoryEntry[]> {
  const get = async <T extends z.ZodTypeAny>(path: string, schema: T): Promise<z.infer<T>> => {
    const response = await send({ method: 'GET', path, actAs: { accountId: asAccountId } });
    // Searching as a user who may see nothing (401/403) finds nothing, as Confluence would show them.
    return response.status === 401 || response.status === 403 ? schema.parse({ results: [] }) : parseOk(response, schema);
  };
  const limit = Math.min(Math.max(options.limit, 1), 50);
  const q = query.trim();
  switch (kind) {
    case 'user': {
      const cql = `user.fullname~${cqlString(q)}`;
      const body = await get(`/wiki/rest/api/search/user?cql=${encodeURIComponent(cql)}&limit=${limit}`, userResults);
      return body.results.filter((r) => (r.user.accountType ?? 'atlassian') === 'atlassian').map((r) => ({ id: r.user.accountId, label: r.user.displayName }));
    }
    case 'group': {
      const body = await get(`/wiki/rest/api/group/picker?query=${encodeURIComponent(q)}&limit=${limit}`, groupResults);
      return body.results.map((g) => ({ id: g.id, label: g.name }));
    }
    case 'page': {
      if (!options.spaceId || !confluenceId.safeParse(options.spaceId).success) throw new DomainError('SPACE_ID_REQUIRED', 'Pages are searched within one space.');
      const cql = `type=page AND space.id=${options.spaceId} AND title~${cqlString(q)}`;
      const body = await get(`/wiki/rest/api/search?cql=${encodeURIComponent(cql)}&limit=${limit}`, pageResults);
      return body.results.filter((r) => r.content.type === 'page').map((r) => ({ id: r.content.id, label: r.content.title }));
    }
    case 'space': {
      // A space is found by its name or its exact key ("DOCS").
      const cql = `type=space AND (title~${cqlString(q)} OR space=${cqlString(q.toUpperCase())})`;
      const body = await get(`/wiki/rest/api/search?cql=${encodeURIComponent(cql)}&limit=${limit}`, spaceResults);
      return body.results.map((r) => ({ id: r.space.id, label: r.space.name, detail: r.space.key }));
    }
  }
}
