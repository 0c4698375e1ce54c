/**
 * Secret storage port (Forge KVS secrets: `kvs.setSecret/getSecret/deleteSecret`): encrypted at rest,
 * never returned by a query, not part of store transactions. Holds signing PIN hashes, TOTP seeds and
 * the installation's private signing key, and nothing else. Keys follow the store's key rules.
 */
export interface SecretStore {
  getSecret<T = unknown>(key: string): Promise<T | undefined>;
  setSecret(key: string, value: unknown): Promise<void>;
  deleteSecret(key: string): Promise<void>;
}
