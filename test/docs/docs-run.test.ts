/**
 * The shell blocks of README.md, docs/api.md and docs/local-runtime.md work when pasted in order
 * into one terminal on a fresh machine: every ```bash / ```sh / ```shell block runs, in document
 * order, in ONE bash session (variables carry over, as in a terminal), against a fresh runtime on
 * a random port (127.0.0.1:8787 in the text is rewritten to it). `curl` fails on any HTTP error
 * status, so a block that "prints an error" fails the test. A block preceded by
 * `<!-- docs-test: skip (reason) -->` is left out (it needs a real Atlassian site or runs forever).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../local/server';
import { tempDir } from '../local/helpers';

const REPO = join(__dirname, '../..');
const DOCS = ['README.md', 'docs/api.md', 'docs/local-runtime.md'];

export interface ShellBlock {
  doc: string;
  line: number;
  code: string;
}

/** Fenced shell blocks of a markdown text, minus the ones marked `docs-test: skip`. */
export function shellBlocks(doc: string, markdown: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(bash|sh|shell)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) throw new Error(`${doc}:${i + 1}: unclosed code block`);
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    const skipped = previous >= 0 && /<!--\s*docs-test:\s*skip\b/.test(lines[previous]);
    if (!skipped) blocks.push({ doc, line: i + 1, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

describe('shell blocks of the docs', () => {
  it('finds the blocks and honours the skip marker', () => {
    const md = 'a\n```bash\necho 1\n```\n<!-- docs-test: skip (needs a site) -->\n\n```sh\necho 2\n```\n```ts\nx\n```\n';
    expect(shellBlocks('x.md', md)).toEqual([{ doc: 'x.md', line: 2, code: 'echo 1' }]);
  });

  let runtime: LocalRuntime;
  const dir = tempDir();
  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, dataDir: dir.path });
  });
  afterAll(async () => {
    await runtime.close();
    dir.remove();
  });

  it('run verbatim, in order, in one terminal, against a fresh runtime', async () => {
    const port = new URL(runtime.url).port;
    const blocks = DOCS.flatMap((doc) => shellBlocks(doc, readFileSync(join(REPO, doc), 'utf8')));
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const script = [
      'set -eo pipefail',
      // any HTTP error status fails the block (with its body shown)
      'curl() { command curl --fail-with-body "$@"; }',
      ...blocks.map((b) => `echo "::block ${b.doc}:${b.line}" >&2\n${b.code.replace(/127\.0\.0\.1:8787/g, `127.0.0.1:${port}`)}\necho >&2`),
    ].join('\n');
    // async: the runtime answering the blocks lives in this process
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-c', script], { cwd: REPO, env: { ...process.env, PORT: port }, timeout: 120_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const failedAt = [...run.stderr.matchAll(/::block (\S+)/g)].pop()?.[1];
    if (run.status !== 0) {
      throw new Error(`docs block ${failedAt} failed (exit ${run.status}):\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`);
    }
  }, 150_000);
});
