/**
 * The deploy gates fail for the reasons `forge deploy` fails. `npm test` runs `npm run forge:check`
 * on the real tree (it must pass there); these cases prove the same check refuses a manifest whose
 * trigger lacks its scope and a tsconfig that emits nothing (both were on main before issue 8).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

interface Report {
  ok: boolean;
  lint: { errors: string[] };
  bundle: { errors: string[] };
  problems: string[];
}

/** A copy of the app directory (sources linked) with one file replaced, checked by the real script. */
function checkWith(replace: { file: string; content: string }): Report {
  const dir = mkdtempSync(path.join(tmpdir(), 'forge-check-case-'));
  try {
    for (const name of ['src', 'node_modules', 'static', 'package.json', 'manifest.yml', 'tsconfig.json', 'tsconfig.base.json']) {
      if (name === replace.file) writeFileSync(path.join(dir, name), replace.content);
      else symlinkSync(path.join(root, name), path.join(dir, name));
    }
    let out: string;
    try {
      out = execFileSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'scripts/forge-check.ts'), dir, '--json'], { encoding: 'utf8' });
    } catch (err) {
      out = (err as { stdout: string }).stdout;
    }
    return JSON.parse(out) as Report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('npm run forge:check', () => {
  it('fails when a trigger lacks the scope Forge lint demands for its event', () => {
    // the page-updated (SPEC 2.4a) and routing-drift (label and move events) triggers stay; the scope their events need goes
    const manifest = readFileSync(path.join(root, 'manifest.yml'), 'utf8').replace(/\n\s+read:confluence-content\.summary: \{\}\n/, '\n');
    expect(manifest).not.toContain('read:confluence-content.summary: {}');
    const report = checkWith({ file: 'manifest.yml', content: manifest });
    expect(report.ok).toBe(false);
    expect(report.lint.errors.join('\n')).toContain("requires 'read:confluence-content.summary' scope");
  }, 180_000);

  it('fails when tsconfig.json sets noEmit (Forge ts-loader then emits no bundle)', () => {
    const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
    tsconfig.compilerOptions.noEmit = true;
    const report = checkWith({ file: 'tsconfig.json', content: JSON.stringify(tsconfig) });
    expect(report.ok).toBe(false);
    expect(report.bundle.errors.join('\n')).toContain('TypeScript emitted no output for');
  }, 180_000);
});
