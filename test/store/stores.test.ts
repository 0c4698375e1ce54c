import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ForgeKvsStore } from '../../src/adapters/forge/forge-kvs-store';
import { MemoryStore } from '../../src/adapters/store/memory-store';
import { APPLICATION_ID, SqliteStore } from '../../src/adapters/store/sqlite-store';
import { installFakeForgeKvs } from '../support/fake-forge-kvs';
import type { FakeForgeKvs } from '../support/fake-forge-kvs';
import { expectStoreError, incrementWithRetry, runStoreContract } from './store-contract';

const tempRoot = mkdtempSync(join(tmpdir(), 'af-store-'));
let fileCounter = 0;
const nextFile = () => join(tempRoot, `run-${(fileCounter += 1)}`, 'nested', 'store.db');

let fake: FakeForgeKvs | undefined;
afterEach(() => {
  fake?.uninstall();
  fake = undefined;
});
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

runStoreContract('MemoryStore', ({ clock }) => new MemoryStore({ clock }));
runStoreContract('SqliteStore (in memory)', ({ clock }) => new SqliteStore({ memory: true, clock }));
runStoreContract('SqliteStore (file)', ({ clock }) => new SqliteStore({ file: nextFile(), clock }));
runStoreContract('ForgeKvsStore (real @forge/kvs over the fake KVS API)', ({ clock }) => {
  fake = installFakeForgeKvs({ now: () => clock.now() });
  return new ForgeKvsStore({ clock });
});

describe('SqliteStore on a file', () => {
  it('creates the parent directory and keeps data and versions across a reopen', async () => {
    const file = nextFile();
    const first = new SqliteStore({ file });
    expect(existsSync(file)).toBe(true);
    await first.transact([
      { op: 'put', key: 'p:a', value: { n: 1 } },
      { op: 'put', key: 'p:b', value: 'b' },
    ]);
    await first.transact([{ op: 'put', key: 'p:a', value: { n: 2 } }]);
    first.close();

    const reopened = new SqliteStore({ file });
    expect(await reopened.get('p:a')).toEqual({ key: 'p:a', value: { n: 2 }, version: 2 });
    expect((await reopened.query({ prefix: 'p:' })).items.map((item) => item.key)).toEqual(['p:a', 'p:b']);
    await reopened.transact([{ op: 'put', key: 'p:a', value: { n: 3 }, condition: { kind: 'version', version: 2 } }]);
    expect((await reopened.get('p:a'))?.version).toBe(3);
    reopened.close();
  });

  it('uses WAL journaling', async () => {
    const file = nextFile();
    const store = new SqliteStore({ file });
    await store.transact([{ op: 'put', key: 'w:a', value: 1 }]);
    expect(existsSync(`${file}-wal`)).toBe(true);
    store.close();
  });

  it('two instances on one file see each other and conditions hold across them', async () => {
    const file = nextFile();
    const a = new SqliteStore({ file });
    const b = new SqliteStore({ file });
    await a.transact([{ op: 'put', key: 'x:k', value: 'from-a', condition: { kind: 'absent' } }]);
    await expectStoreError(b.transact([{ op: 'put', key: 'x:k', value: 'from-b', condition: { kind: 'absent' } }]), 'CONDITION_FAILED');
    await b.transact([{ op: 'put', key: 'x:k', value: 'from-b', condition: { kind: 'version', version: 1 } }]);
    await expectStoreError(a.transact([{ op: 'put', key: 'x:k', value: 'stale-a', condition: { kind: 'version', version: 1 } }]), 'CONDITION_FAILED');
    expect(await a.get('x:k')).toEqual({ key: 'x:k', value: 'from-b', version: 2 });
    a.close();
    b.close();
  });

  it('50 concurrent read-modify-write increments through two instances lose no update', async () => {
    const file = nextFile();
    const a = new SqliteStore({ file });
    const b = new SqliteStore({ file });
    const attempts = await Promise.all(Array.from({ length: 50 }, (_, i) => incrementWithRetry(i % 2 === 0 ? a : b, 'c:counter')));
    expect(await a.get('c:counter')).toEqual({ key: 'c:counter', value: { n: 50 }, version: 50 });
    expect(await b.get('c:counter')).toEqual({ key: 'c:counter', value: { n: 50 }, version: 50 });
    expect(attempts.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(50); // conflicts really happened and were retried
    a.close();
    b.close();
  });

  it('three processes incrementing one file concurrently lose no update', async () => {
    const file = nextFile();
    new SqliteStore({ file }).close(); // create the schema before the race
    const child = (count: number) =>
      new Promise<number>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--require', require.resolve('tsx/cjs'), join(__dirname, 'sqlite-increment-process.ts'), file, 'mp:counter', String(count)],
          (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(JSON.parse(stdout).attempts as number)),
        );
      });
    const local = new SqliteStore({ file });
    const localIncrements = (async () => {
      let attempts = 0;
      for (let i = 0; i < 20; i += 1) attempts += await incrementWithRetry(local, 'mp:counter');
      return attempts;
    })();
    const attempts = await Promise.all([child(40), child(40), localIncrements]);
    expect(await local.get('mp:counter')).toEqual({ key: 'mp:counter', value: { n: 100 }, version: 100 });
    expect(attempts.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(100);
    local.close();
  });

  it('refuses a data file of an older storage layout, clearly, and leaves it untouched', async () => {
    const file = nextFile();
    new SqliteStore({ file }).close(); // makes the directory
    rmSync(file);
    const old = new Database(file);
    old.exec('CREATE TABLE kv_items (key TEXT PRIMARY KEY, value TEXT NOT NULL, version INTEGER NOT NULL, expires_at INTEGER) WITHOUT ROWID');
    old.prepare('INSERT INTO kv_items VALUES (?, ?, 1, NULL)').run('audit:head', '{"seq":3}');
    old.close();
    expect(() => new SqliteStore({ file })).toThrow(/older ApprovalFlow storage layout.*left untouched/);
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT key FROM kv_items').all()).toEqual([{ key: 'audit:head' }]);
    after.close();
    // A file this build wrote reopens.
    const fresh = nextFile();
    const store = new SqliteStore({ file: fresh });
    await store.transact([{ op: 'put', key: 'x:a', value: 1 }]);
    store.close();
    const reopened = new SqliteStore({ file: fresh });
    expect((await reopened.get('x:a'))?.value).toBe(1);
    reopened.close();
  });

  it('issue 25 finding 9: refuses another program\'s SQLite database without adding a table or setting user_version', () => {
    const file = nextFile();
    new SqliteStore({ file }).close(); // makes the directory
    rmSync(file);
    const foreign = new Database(file);
    foreign.exec('CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)');
    foreign.prepare('INSERT INTO contacts (name) VALUES (?)').run('Ada');
    foreign.close();
    expect(() => new SqliteStore({ file })).toThrow(/another program's SQLite database.*left untouched/);
    const after = new Database(file, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([{ name: 'contacts' }]);
    expect([after.pragma('user_version', { simple: true }), after.pragma('application_id', { simple: true }), after.pragma('journal_mode', { simple: true })]).toEqual([0, 0, 'delete']);
    after.close();
    // a file this build wrote carries its application id
    const ours = nextFile();
    new SqliteStore({ file: ours }).close();
    const stamped = new Database(ours, { readonly: true });
    expect(stamped.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    stamped.close();
  });

  it('issue 25 finding 12: a full disk is STORAGE_FULL (503 at the edge), and nothing of the transaction is written', async () => {
    const store = new SqliteStore({ file: nextFile() });
    await store.transact([{ op: 'put', key: 'x:seed', value: 1 }]);
    // the file may not grow past its current pages: what a full disk does to SQLite
    const db = (store as unknown as { db: Database.Database }).db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const big = 'x'.repeat(200 * 1024);
    await expectStoreError(store.transact([{ op: 'put', key: 'x:a', value: big }, { op: 'put', key: 'x:b', value: big }]), 'STORAGE_FULL');
    expect(await store.getMany(['x:a', 'x:b'])).toEqual([]);
    expect((await store.get('x:seed'))?.value).toBe(1);
    store.close();
  });

  it('reports a closed database as UNAVAILABLE', async () => {
    const store = new SqliteStore({ file: nextFile() });
    store.close();
    await expectStoreError(store.get('x:a'), 'UNAVAILABLE');
    await expectStoreError(store.transact([{ op: 'put', key: 'x:a', value: 1 }]), 'UNAVAILABLE');
  });
});
