/**
 * Local 3LO integrations (what the Atlassian developer console holds for a real one): client id,
 * hashed client secret, exact redirect URIs and the scopes the integration may ask for.
 * Persisted as JSON under the data directory so the CLI and a running runtime share it; the file is
 * re-read on every lookup, so an integration registered while the runtime runs works at once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const IntegrationSchema = z.object({
  name: z.string().min(1).max(100),
  clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  clientSecretSha256: z.string().regex(/^[0-9a-f]{64}$/),
  redirectUris: z.array(z.string().url()).min(1),
  scopes: z.array(z.string()).min(1),
  createdAt: z.string(),
});
const FileSchema = z.object({ integrations: z.array(IntegrationSchema) });

export type Integration = z.infer<typeof IntegrationSchema>;

export interface RegisterInput {
  name: string;
  redirectUris: string[];
  scopes: string[];
}

const RegisterSchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(100),
  redirectUris: z
    .array(
      z
        .string()
        .url('redirect URI must be an absolute URL')
        .refine((uri) => !uri.includes('#'), 'redirect URI must not contain a fragment'),
    )
    .min(1, 'at least one redirect URI is required'),
  scopes: z.array(z.string()).min(1, 'at least one scope is required'),
});

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export class IntegrationRegistry {
  private memory: Integration[] = [];

  /** `file` undefined → in memory only (the runtime's --memory mode). */
  constructor(
    private readonly file: string | undefined,
    private readonly knownScopes: ReadonlySet<string>,
  ) {}

  static forDataDir(dataDir: string, knownScopes: ReadonlySet<string>): IntegrationRegistry {
    return new IntegrationRegistry(join(dataDir, 'integrations.json'), knownScopes);
  }

  list(): Integration[] {
    if (!this.file) return [...this.memory];
    if (!existsSync(this.file)) return [];
    return FileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8'))).integrations;
  }

  find(clientId: string): Integration | undefined {
    return this.list().find((integration) => integration.clientId === clientId);
  }

  /** Returns the client secret in clear exactly once; only its hash is kept. */
  register(input: RegisterInput): { integration: Integration; clientSecret: string } {
    const parsed = RegisterSchema.parse(input);
    const unknown = parsed.scopes.filter((scope) => !this.knownScopes.has(scope));
    if (unknown.length > 0) throw new Error(`unknown scope(s): ${unknown.join(', ')}`);
    const clientSecret = randomBytes(32).toString('base64url');
    const integration: Integration = {
      name: parsed.name,
      clientId: randomBytes(16).toString('base64url'),
      clientSecretSha256: sha256(clientSecret),
      redirectUris: [...new Set(parsed.redirectUris)],
      scopes: [...new Set(parsed.scopes)],
      createdAt: new Date().toISOString(),
    };
    this.save([...this.list(), integration]);
    return { integration, clientSecret };
  }

  /** Constant-time secret check. */
  authenticate(clientId: string, clientSecret: string): Integration | undefined {
    const integration = this.find(clientId);
    if (!integration) return undefined;
    const expected = Buffer.from(integration.clientSecretSha256, 'hex');
    const actual = Buffer.from(sha256(clientSecret), 'hex');
    return timingSafeEqual(expected, actual) ? integration : undefined;
  }

  private save(integrations: Integration[]): void {
    if (!this.file) {
      this.memory = integrations;
      return;
    }
    mkdirSync(dirname(this.file), { recursive: true });
    // write-then-rename so a concurrently reading runtime never sees half a file
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ integrations }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
