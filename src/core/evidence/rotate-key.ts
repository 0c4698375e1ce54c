/**
 * evidence.rotateKey (SPEC 5a, issue 21): a site admin replaces the installation's signing key. The
 * new key signs from now on; the old one gets its `validTo` and stays published at GET /keys, on the
 * admin page and in every pack, so receipts, checkpoints and packs it signed still verify. Its private
 * half is deleted once the rotation is committed: a retired key never signs again.
 */
import type { Caller } from '../domain/caller';
import { DomainError } from '../domain/errors';
import { INSTALLATION_SPACE } from '../audit/purge';
import { StoreError } from '../ports/store';
import { auditEntry, commitWithAudit } from '../services/commit';
import type { EngineContext } from '../services/context';
import { defineOperation } from '../services/operation';
import { requireSiteAdmin } from '../services/denials';
import { KEYS_KEY, deletePrivateKey, publishedKeys, readVersionedKeySet, storeNewKeyPair, type PublishedKey } from './installation-key';

export const rotateSigningKey = defineOperation({
  rights: 'Site admins only (FORBIDDEN 403, audited).',
  execute: rotate,
});

async function rotate(ctx: EngineContext, caller: Caller): Promise<{ keys: PublishedKey[]; current: string }> {
  await requireSiteAdmin(ctx, caller, 'evidence.rotateKey');
  await publishedKeys(ctx); // a first rotation on a fresh installation retires a real first key
  const read = await readVersionedKeySet(ctx);
  if (!read) throw new StoreError('UNAVAILABLE', 'The installation signing key is not readable.');
  const { set, version } = read;
  const fresh = await storeNewKeyPair(ctx);
  const keys = [...set.keys.map((k) => (k.keyId === set.current && !k.validTo ? { ...k, validTo: fresh.validFrom } : k)), fresh];
  try {
    await commitWithAudit(
      ctx,
      [{ op: 'put', key: KEYS_KEY, value: { current: fresh.keyId, keys }, condition: { kind: 'version', version } }],
      [auditEntry(caller, 'evidence.key_rotated', INSTALLATION_SPACE, { details: { previousKeyId: set.current, keyId: fresh.keyId } })],
    );
  } catch (err) {
    await deletePrivateKey(ctx, fresh.keyId); // nothing published it
    if (err instanceof StoreError && err.code === 'CONDITION_FAILED') {
      throw new DomainError('CONCURRENT_MODIFICATION', 'The signing key changed meanwhile (another rotation); read the keys again.');
    }
    throw err;
  }
  await deletePrivateKey(ctx, set.current);
  return { keys, current: fresh.keyId };
}
