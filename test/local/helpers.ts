/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
/** Shared helpers of the local runtime tests: start a throwaway runtime and call it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../local/server';
import { profileFromEnv } from '../../local/profile';

export const READ_SCOPES = ['read:forge-app:confluence', 'read:approval:custom', 'read:change-set:custom'];
export const ALL_SCOPES = [...READ_SCOPES, 'write:approval:custom', 'write:change-set:custom'];

export async function startTestRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  // AF_PROFILE picks the platform profile (npm run test:profiles runs the suites under each)
  return startLocalRuntime({ port: 0, memory: true, profile: profileFromEnv(), ...options });
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'af-local-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function devToken(runtime: LocalRuntime, scopes: string[], accountId = 'acc-bob', clientId = 'test-client'): string {
  return runtime.tokens.issueAccessToken({ accountId, clientId, scopes }).access_token;
}

export async function api(
  runtime: LocalRuntime,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  base = runtime.info.apiBaseUrls[0],
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A response's JSON body, to assert field by field (Node's fetch types it `unknown`). */
export async function jsonBody(res: Response): Promise<any> {
  return res.json();
}

export async function invoke(runtime: LocalRuntime, accountId: string | undefined, body: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (accountId) headers['x-local-account-id'] = accountId;
  const res = await fetch(`${runtime.url}/local/invoke`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
