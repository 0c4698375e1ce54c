/**
 * Directory over Confluence Cloud REST, every call made as the searching user (actAs), so results
 * are what that user may see: people (v1 user search by CQL), groups (v1 group picker), pages of a
 * space and spaces (v1 CQL content search). Queries go only inside quoted, escaped CQL strings.
 */
import { z } from 'zod';
import { DomainError } from '../../core/domain/errors';
import type { Directory, DirectoryEntry, DirectoryKind } from '../../core/ports/directory';
import type { ConfluenceRequest, ConfluenceTransport } from './transport';

const SPACE_ID = /^[0-9]{1,20}$/;

const userResults = z.object({ results: z.array(z.object({ user: z.object({ accountId: z.string(), displayName: z.string(), accountType: z.string().optional() }) })) });
const groupResults = z.object({ results: z.array(z.object({ id: z.string(), name: z.string() })) });
const pageResults = z.object({ results: z.array(z.object({ content: z.object({ id: z.string(), title: z.string(), type: z.string() }) })) });
const spaceResults = z.object({ results: z.array(z.object({ space: z.object({ id: z.union([z.string(), z.number()]).transform(String), key: z.string(), name: z.string() }) })) });

/** A CQL string literal: backslash and double quote escaped, control characters dropped. */
export function cqlString(text: string): string {
  const printable = [...text].map((c) => (c.charCodeAt(0) < 32 ? ' ' : c)).join('');
  return `"${printable.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function unavailable(): DomainError {
  return new DomainError('UPSTREAM_UNAVAILABLE', 'Confluence search is not available right now; try again shortly.', undefined, 5);
}

function unexpected(): DomainError {
  return new DomainError('CONFLUENCE_ERROR', 'Confluence search answered unexpectedly.');
}

export class RestDirectory implements Directory {
  constructor(private readonly transport: ConfluenceTransport) {}

  async search(asAccountId: string, kind: DirectoryKind, query: string, options: { limit: number; spaceId?: string }): Promise<DirectoryEntry[]> {
    const limit = Math.min(Math.max(options.limit, 1), 50);
    const q = query.trim();
    switch (kind) {
      case 'user': {
        const cql = `user.fullname~${cqlString(q)}`;
        const body = await this.get(asAccountId, `/wiki/rest/api/search/user?cql=${encodeURIComponent(cql)}&limit=${limit}`, userResults);
        return body.results.filter((r) => (r.user.accountType ?? 'atlassian') === 'atlassian').map((r) => ({ id: r.user.accountId, label: r.user.displayName }));
      }
      case 'group': {
        const body = await this.get(asAccountId, `/wiki/rest/api/group/picker?query=${encodeURIComponent(q)}&limit=${limit}`, groupResults);
        return body.results.map((g) => ({ id: g.id, label: g.name }));
      }
      case 'page': {
        if (!options.spaceId || !SPACE_ID.test(options.spaceId)) throw new DomainError('SPACE_ID_REQUIRED', 'Pages are searched within one space.');
        const cql = `type=page AND space.id=${options.spaceId} AND title~${cqlString(q)}`;
        const body = await this.get(asAccountId, `/wiki/rest/api/search?cql=${encodeURIComponent(cql)}&limit=${limit}`, pageResults);
        return body.results.filter((r) => r.content.type === 'page').map((r) => ({ id: r.content.id, label: r.content.title }));
      }
      case 'space': {
        // A space is found by its name or its exact key ("DOCS").
        const cql = `type=space AND (title~${cqlString(q)} OR space=${cqlString(q.toUpperCase())})`;
        const body = await this.get(asAccountId, `/wiki/rest/api/search?cql=${encodeURIComponent(cql)}&limit=${limit}`, spaceResults);
        return body.results.map((r) => ({ id: r.space.id, label: r.space.name, detail: r.space.key }));
      }
    }
  }

  private async get<T extends z.ZodTypeAny>(asAccountId: string, path: string, schema: T): Promise<z.infer<T>> {
    const request: ConfluenceRequest = { method: 'GET', path, actAs: { accountId: asAccountId } };
    let response;
    try {
      response = await this.transport.request(request);
    } catch {
      throw unavailable();
    }
    if (response.status === 429) throw new DomainError('CONFLUENCE_RATE_LIMITED', 'Confluence is busy; try again shortly.');
    // Searching as a user who may see nothing (401/403) finds nothing, as Confluence would show them.
    if (response.status === 401 || response.status === 403) return schema.parse({ results: [] });
    if (response.status >= 500) throw unavailable();
    if (response.status < 200 || response.status >= 300) throw unexpected();
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw unexpected();
    return parsed.data;
  }
}
