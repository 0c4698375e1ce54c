/**
 * SPEC 2.3a: the editors of a page's versions (after, upTo] from v2 version details
 * (GET /wiki/api/v2/pages/{id}/versions/{n}: `authorId` and `collaborators`), one call per
 * version through the caller's CallGate. A version the reader cannot see makes the answer unverified.
 */
import type { ConfluenceResponse } from './transport';
import { parseOk } from './paging';
import { versionDetailsSchema } from './rest-schemas';

const NOT_VISIBLE = [401, 403, 404];

export async function readVersionEditors(get: (path: string) => Promise<ConfluenceResponse>, pageId: string, afterVersion: number, upToVersion: number): Promise<{ editors: string[]; verified: boolean }> {
  const numbers = Array.from({ length: Math.max(0, upToVersion - afterVersion) }, (_, i) => afterVersion + 1 + i);
  const details = await Promise.all(
    numbers.map(async (n) => {
      const response = await get(`/wiki/api/v2/pages/${pageId}/versions/${n}`);
      return NOT_VISIBLE.includes(response.status) ? undefined : parseOk(response, versionDetailsSchema);
    }),
  );
  const editors = new Set<string>();
  for (const d of details) {
    if (!d) return { editors: [], verified: false };
    if (d.authorId) editors.add(d.authorId);
    for (const c of d.collaborators ?? []) editors.add(c);
  }
  return { editors: [...editors], verified: true };
}
