/**
 * `npm run test:profiles`: the API, resolver and local-runtime suites under every platform profile
 * of local/profiles (env AF_PROFILE, read by the test helpers), one Jest run per profile.
 * Three profiles are left out because under them the suites' success paths cannot hold, by design:
 *  - `principal-absent` and `token-account-is-app-user`: no API call can have a user (nowhere, or
 *    only the app's own user in the token); test/local/profiles.test.ts proves every call then
 *    fails closed;
 *  - `no-impersonation`: the app cannot act as the API caller nor ask about them, so every page
 *    reads as missing; test/api/no-impersonation.test.ts proves the API then fails closed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const PROFILES_DIR = join(__dirname, '../local/profiles');
const SUITES = ['test/api', 'test/ui/resolvers.test.ts', 'test/local'];
const SKIPPED = new Set(['principal-absent', 'token-account-is-app-user', 'no-impersonation']);

const profiles = readdirSync(PROFILES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .filter((name) => !SKIPPED.has(name));

const failed: string[] = [];
for (const name of profiles) {
  process.stdout.write(`\n=== platform profile ${name} ===\n`);
  const run = spawnSync('npx', ['jest', '--silent', ...SUITES], { stdio: 'inherit', env: { ...process.env, AF_PROFILE: name } });
  if (run.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  process.stderr.write(`\nfailed under: ${failed.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`\nall suites green under ${profiles.length} profiles: ${profiles.join(', ')}\n`);
