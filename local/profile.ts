/**
 * Platform profiles for the local runtime (`npm start -- --profile <file>`, tests: env AF_PROFILE):
 * JSON files validated by the app's own platformProfileSchema, so the twins and the app's adapters
 * read the same switches. local/profiles/ holds one file per answer to each unconfirmed fact.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_PLATFORM_PROFILE, platformProfileSchema, type PlatformProfile } from '../src/adapters/platform-profile';

export const PROFILES_DIR = resolve(__dirname, 'profiles');

/** The names `--profile` accepts (the files of local/profiles/). */
export function profileNames(): string[] {
  return readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Reads and validates a profile file; a bare name ("strict") means local/profiles/<name>.json. */
export function loadPlatformProfile(fileOrName: string): PlatformProfile {
  const file = /[/\\]|\.json$/.test(fileOrName) ? resolve(fileOrName) : resolve(PROFILES_DIR, `${fileOrName}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`no platform profile "${fileOrName}" (${file}); the profiles are: ${profileNames().join(', ')} (or a path to a profile .json file)`, { cause: err });
    }
    throw new Error(`platform profile ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const parsed = platformProfileSchema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new Error(`platform profile ${file} is invalid: ${why}`);
  }
  return parsed.data;
}

/** The profile tests run under: env AF_PROFILE (file or name), else the documented default. */
export function profileFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformProfile {
  const chosen = env.AF_PROFILE?.trim();
  return chosen ? loadPlatformProfile(chosen) : DEFAULT_PLATFORM_PROFILE;
}
