/** Without --memory, app data survives a restart and start-up seeding does not run twice. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_SCOPES, api, devToken, startTestRuntime, tempDir } from './helpers';

it('keeps approvals across restarts in <dataDir>/approvalflow.sqlite and seeds workflows once', async () => {
  const dir = tempDir();
  try {
    const first = await startTestRuntime({ memory: false, dataDir: dir.path });
    const submitted = await api(first, 'POST', '/pages/submit', devToken(first, ALL_SCOPES), { pageId: '2004' });
    expect(submitted.status).toBeLessThan(300);
    await first.close();
    expect(existsSync(join(dir.path, 'approvalflow.sqlite'))).toBe(true);

    const second = await startTestRuntime({ memory: false, dataDir: dir.path });
    try {
      const status = await api(second, 'GET', '/pages/status?pageId=2004', devToken(second, ALL_SCOPES));
      expect(status.body).toMatchObject({ success: true, state: 'in_approval' });
      const created = await second.app.getEngine({ actingAccountId: 'acc-alice' }).audit.list({ accountId: 'acc-alice', source: 'ui' }, { action: 'workflow.created' }, { limit: 50 });
      expect(created.items.map((r) => r.workflowId).sort()).toEqual(['wf-docs-legal', 'wf-docs-quick', 'wf-eng-review']);
    } finally {
      await second.close();
    }
  } finally {
    dir.remove();
  }
});

it('issue 25 finding 11: the POST /local/clock offset survives a restart (time never runs backwards)', async () => {
  const dir = tempDir();
  try {
    const first = await startTestRuntime({ memory: false, dataDir: dir.path });
    const moved = await fetch(`${first.url}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceDays: 30 }) });
    const before = (await moved.json()) as { now: string; offsetDays: number };
    expect(before.offsetDays).toBe(30);
    await first.close();

    const second = await startTestRuntime({ memory: false, dataDir: dir.path });
    try {
      const after = (await (await fetch(`${second.url}/local/clock`)).json()) as { now: string; offsetDays: number };
      expect(after.offsetDays).toBe(30);
      expect(Date.parse(after.now)).toBeGreaterThanOrEqual(Date.parse(before.now));
    } finally {
      await second.close();
    }
  } finally {
    dir.remove();
  }
});
