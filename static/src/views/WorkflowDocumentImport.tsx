/**
 * Workflows tab → "Import a workflow document" (SPEC 2.1b): pick an exported JSON file, see the
 * server's preview (each person or group resolved on this site or not), map the unresolved ones to
 * people here, then import. The document's checks (format, checksum, settings) are the server's.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction } from '../hooks';
import { ErrorMessage } from '../components/ui';
import { useFlag } from '../components/feedback';
import { PeoplePicker } from '../components/pickers';

type Preview = Awaited<ReturnType<typeof call<'workflow.import.preview'>>>;

/** The JSON text of a file; a file that is not JSON is reported as such (the server judges the rest). */
async function readJson(file: File): Promise<Record<string, unknown>> {
  const parsed: unknown = JSON.parse(await file.text());
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('The file is not a workflow document (a JSON object).');
  return parsed as Record<string, unknown>;
}

export function WorkflowDocumentImport({ onImported }: { onImported: () => void }) {
  const flag = useFlag();
  const [document, setDocument] = useState<Record<string, unknown>>();
  const [preview, setPreview] = useState<Preview>();
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [fileError, setFileError] = useState<unknown>();
  const previewAction = useAction((doc: Record<string, unknown>, map: Record<string, string>) => call('workflow.import.preview', { document: doc, principalMap: map }), setPreview);
  const importAction = useAction(
    () => call('workflow.import', { document: document ?? {}, principalMap: mapping }),
    (r) => {
      flag(`${r.workflow.name} imported`, 'It starts disabled: enable it when it is ready.');
      setDocument(undefined);
      setPreview(undefined);
      setMapping({});
      onImported();
    },
  );
  const pick = async (file: File | undefined) => {
    setFileError(undefined);
    setPreview(undefined);
    setMapping({});
    if (!file) return;
    try {
      const doc = await readJson(file);
      setDocument(doc);
      await previewAction.run(doc, {});
    } catch (error) {
      setFileError(error);
    }
  };
  const remap = (ref: string, id: string | undefined) => {
    const next = { ...mapping };
    if (id) next[ref] = id;
    else delete next[ref];
    setMapping(next);
    if (document) void previewAction.run(document, next);
  };
  const unresolved = preview?.principals.filter((p) => p.status === 'unresolved') ?? [];
  return (
    <Box as="section" aria-labelledby="document-import-title">
      <Stack space="space.100">
        <Heading size="small" as="h2" id="document-import-title">
          Import a workflow document
        </Heading>
        <label htmlFor="workflow-document-file">
          <Text weight="medium">Exported workflow (JSON)</Text>
        </label>
        <input id="workflow-document-file" data-testid="workflow-document-file" type="file" accept="application/json,.json" onChange={(e) => void pick(e.currentTarget.files?.[0])} />
        <ErrorMessage error={fileError ?? previewAction.error ?? importAction.error} onDismiss={importAction.clearError} />
        {preview && (
          <Stack space="space.100" testId="workflow-import-preview">
            <Text as="p">
              {`“${preview.name}” from space ${preview.exportedFrom.spaceKey}`}
              {preview.principals.length === 0 ? ', with no people or groups to map.' : ':'}
            </Text>
            <Stack as="ul" space="space.050">
              {preview.principals.map((p) => (
                <Inline as="li" key={p.ref} space="space.100" alignBlock="center">
                  <Text>{p.displayName ?? p.id}</Text>
                  {p.status === 'resolved' ? <Lozenge appearance="success">Found here</Lozenge> : <Lozenge appearance="removed">Not on this site</Lozenge>}
                  {(p.status === 'unresolved' || mapping[p.ref]) && p.type === 'user' && (
                    <PeoplePicker label={`Map ${p.displayName ?? p.ref} to`} value={mapping[p.ref] ? [mapping[p.ref]] : []} onChange={(ids) => remap(p.ref, ids.at(-1))} />
                  )}
                </Inline>
              ))}
            </Stack>
            <Inline>
              <Button appearance="primary" testId="workflow-import-document" isDisabled={unresolved.length > 0 || importAction.busy || previewAction.busy} onClick={() => void importAction.run()}>
                Import (disabled)
              </Button>
            </Inline>
            {unresolved.length > 0 && <Text color="color.text.subtle">Map everyone who is not on this site before importing.</Text>}
          </Stack>
        )}
      </Stack>
    </Box>
  );
}
