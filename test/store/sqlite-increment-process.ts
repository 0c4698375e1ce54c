/**
 * Child process for the cross-process SQLite test: increments a counter `count` times through its
 * own SqliteStore on the shared file, with version conditions and retry. Not a test file itself.
 * Usage: node --require tsx/cjs sqlite-increment-process.ts <file> <key> <count>
 */
import { SqliteStore } from '../../src/adapters/store/sqlite-store';
import { incrementWithRetry } from './store-contract';

async function main(): Promise<void> {
  const [file, key, count] = process.argv.slice(2);
  const store = new SqliteStore({ file });
  let attempts = 0;
  for (let i = 0; i < Number(count); i += 1) attempts += await incrementWithRetry(store, key);
  store.close();
  process.stdout.write(JSON.stringify({ attempts }));
}

main().catch((error: unknown) => {
  process.stderr.write(String(error));
  process.exit(1);
});
