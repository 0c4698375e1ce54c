/** SecretStore on Forge KVS secret storage (`kvs.setSecret/getSecret/deleteSecret`: encrypted, never queryable). */
import { kvs } from '@forge/kvs';
import type { SecretStore } from '../../core/ports/secrets';
import { assertKey } from '../store/kvs-rules';
import { forge } from './forge-errors';

export class ForgeSecrets implements SecretStore {
  async getSecret<T = unknown>(key: string): Promise<T | undefined> {
    assertKey(key);
    return forge(() => kvs.getSecret<T>(key));
  }

  async setSecret(key: string, value: unknown): Promise<void> {
    assertKey(key);
    await forge(() => kvs.setSecret(key, value));
  }

  async deleteSecret(key: string): Promise<void> {
    assertKey(key);
    await forge(() => kvs.deleteSecret(key));
  }
}
