/**
 * `workflow.import.preview` (SPEC 2.1b): what importing a document would resolve to. Writes
 * nothing; reports each principal resolved or unresolved on this site, so the importer can map them.
 */
import type { Caller } from '../../domain/caller';
import type { EngineContext } from '../context';
import { defineOperation } from '../operation';
import { parseDocument, type ImportPreview } from './document';
import { requireImporter, resolvePrincipals, type PrincipalMap } from './import-principals';

export const previewImport = defineOperation({
  rights: 'A space admin of the target space (FORBIDDEN 403, audited); a space the caller cannot view answers SPACE_NOT_FOUND.',
  async execute(ctx: EngineContext, caller: Caller, spaceId: string, raw: unknown, map: PrincipalMap = {}): Promise<ImportPreview> {
    await requireImporter(ctx, caller, spaceId, 'workflow.import.preview');
    const doc = parseDocument(raw);
    return { name: doc.name, sha256: doc.sha256, exportedFrom: doc.exportedFrom, principals: await resolvePrincipals(ctx, doc, map) };
  },
});
