/**
 * Admin page, "Signatures & evidence" (SPEC 5a, 2.3c): the installation's public signing key, an
 * evidence pack export (chunks joined in the browser into one file), "Verify pack" (the same
 * verifier as `npm run verify:evidence`, with WebCrypto, against the key shown here), and the reset
 * of a person's signature enrolment (site admins; the server decides).
 */
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import { Stack, Text } from '@atlaskit/primitives';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import { ErrorMessage, download } from '../components/ui';
import { useFlag } from '../components/feedback';
import { useConfirm } from '../components/confirm';
import { PeoplePicker, SinglePagePicker } from '../components/pickers';
import { assemblePack, type EvidenceChunk } from '../../../src/core/domain/evidence-pack-format';
import { verifyPack, type PackCrypto, type PackVerdict } from '../../../src/core/domain/evidence-pack-verify';

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (text: string) => hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

function pemToDer(pem: string): ArrayBuffer {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return bytes.buffer;
}

const browserCrypto: PackCrypto = {
  sha256,
  async verifyEd25519(pem, text, signature) {
    try {
      const key = await crypto.subtle.importKey('spki', pemToDer(pem), { name: 'Ed25519' }, false, ['verify']);
      const sig = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
      return await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, new TextEncoder().encode(text));
    } catch {
      return false;
    }
  },
};

export function EvidenceAdmin({ canRotateKey }: { canRotateKey: boolean }) {
  const keys = useAsync(() => call('evidence.keys', {}), []);
  const flag = useFlag();
  const confirm = useConfirm();
  const [page, setPage] = useState<{ pageId: string; title: string }>();
  const [verdict, setVerdict] = useState<PackVerdict>();
  const [resetIds, setResetIds] = useState<string[]>([]);
  const exportPack = useAction(
    async (pageId: string) => {
      const chunks: EvidenceChunk[] = [];
      let cursor: string | undefined;
      do {
        const chunk = await call('evidence.export', { scope: { pageId }, ...(cursor ? { cursor } : {}) });
        chunks.push(chunk);
        cursor = chunk.nextCursor;
      } while (cursor);
      return { pageId, bundle: await assemblePack(chunks, sha256) };
    },
    ({ pageId, bundle }) => {
      download(`evidence-page-${pageId}-${new Date().toISOString().slice(0, 10)}.json`, JSON.stringify(bundle), 'application/json');
      flag('Evidence pack downloaded', 'Verify it here or offline with npm run verify:evidence.');
    },
  );
  const verify = useAction(async (file: File) => verifyPack(await file.text(), browserCrypto, keys.data?.keys), setVerdict);
  const rotate = useAction(
    () => call('evidence.rotateKey', {}),
    (r) => {
      keys.reload();
      flag('Signing key rotated', `Key ${r.current} signs from now on; the previous key stays published so what it signed still verifies.`);
    },
  );
  const reset = useAction(
    (accountId: string) => call('signature.reset', { accountId }),
    () => {
      setResetIds([]);
      flag('Signature reset', 'The person sets a new PIN or authenticator before signing again.');
    },
  );
  return (
    <Stack space="space.300">
      {confirm.modal}
      <Stack space="space.100">
        <Heading size="small" as="h2">Installation signing key</Heading>
        <Text as="p" color="color.text.subtle">
          Approval receipts, audit checkpoints and evidence packs are signed with this Ed25519 key (also at GET /keys). Keep a copy to verify packs offline.
        </Text>
        <ErrorMessage error={keys.error} onRetry={keys.reload} />
        {keys.data?.keys.map((k) => (
          <Stack key={k.keyId} space="space.050" testId="public-key">
            <Text>
              Key {k.keyId}, valid from {k.validFrom}
              {k.validTo ? ` to ${k.validTo} (retired: verifies what it signed, signs nothing new)` : ' (signs from now on)'}
            </Text>
            <pre>{k.publicKey}</pre>
          </Stack>
        ))}
        {canRotateKey && (
          <>
            <ErrorMessage error={rotate.error} onDismiss={rotate.clearError} />
            <Button
              appearance="warning"
              testId="rotate-key"
              isDisabled={rotate.busy}
              onClick={() =>
                confirm.ask({
                  title: 'Rotate the signing key?',
                  body: 'A new key signs every receipt, checkpoint and evidence pack from now on, and the current key can never sign again. It stays published here and at GET /keys, so what it signed still verifies. Offline verifiers that pinned keys need the new key added.',
                  confirmLabel: 'Rotate key',
                  danger: true,
                  onConfirm: () => void rotate.run(),
                })
              }
            >
              Rotate signing key
            </Button>
          </>
        )}
      </Stack>
      <Stack space="space.100">
        <Heading size="small" as="h2">Evidence pack</Heading>
        <SinglePagePicker label="Page" value={page} onChange={setPage} />
        <ErrorMessage error={exportPack.error} onDismiss={exportPack.clearError} />
        <Button appearance="primary" testId="export-evidence" isDisabled={!page || exportPack.busy} onClick={() => page && void exportPack.run(page.pageId)}>
          Export evidence pack
        </Button>
      </Stack>
      <Stack space="space.100">
        <Heading size="small" as="h2">Verify pack</Heading>
        <label htmlFor="verify-pack-file"><Text>Evidence pack file (.json)</Text></label>
        <input
          id="verify-pack-file"
          data-testid="verify-pack-file"
          type="file"
          accept="application/json,.json"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) void verify.run(file);
          }}
        />
        <ErrorMessage error={verify.error} onDismiss={verify.clearError} />
        {verdict && (
          <SectionMessage appearance={verdict === 'ok' ? 'success' : 'error'} testId="verify-verdict">
            <Text>{verdict === 'ok' ? 'ok: every part, record and link checks out, signed by this installation.' : verdict}</Text>
          </SectionMessage>
        )}
      </Stack>
      <Stack space="space.100">
        <Heading size="small" as="h2">Reset a signature</Heading>
        <Text as="p" color="color.text.subtle">Clears a person's signing PIN, authenticator and lock. No secret is shown; they enrol again themselves.</Text>
        <PeoplePicker label="Person" value={resetIds} onChange={(ids) => setResetIds(ids.slice(-1))} testId="reset-person" />
        <ErrorMessage error={reset.error} onDismiss={reset.clearError} />
        <Button
          appearance="warning"
          testId="reset-signature"
          isDisabled={resetIds.length === 0 || reset.busy}
          onClick={() =>
            confirm.ask({
              title: 'Reset this signature?',
              body: 'Their PIN and authenticator stop working at once; they must enrol again before they can sign.',
              confirmLabel: 'Reset signature',
              danger: true,
              onConfirm: () => void reset.run(resetIds[0]),
            })
          }
        >
          Reset signature
        </Button>
      </Stack>
    </Stack>
  );
}
