/**
 * What every route of the local runtime shares on Hono: the one `HttpError`, body limits and body
 * parsing, and the runtime's own `{success:false, code, error}` refusal. The gateway answers in its own shape (gateway.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { LocalContext, LocalEnv } from './context';

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Refuses a body over `maxSize` bytes with HttpError 413 before the handler runs. */
export function limitBody(maxSize: number): MiddlewareHandler<LocalEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxSize} bytes.`);
    },
  });
}

export function sendError(c: LocalContext, status: ContentfulStatusCode, code: string, error: string): Response {
  return c.json({ success: false, code, error }, status);
}

/** zod issues as the runtime's 400 `details`. */
export function sendInvalid(c: LocalContext, issues: readonly { path: PropertyKey[]; message: string }[], what: string): Response {
  const details = issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', reason: issue.message }));
  return c.json({ success: false, code: 'INVALID_REQUEST', error: `${what} is invalid.`, details }, 400);
}

function mediaType(c: LocalContext): string {
  return (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

export function isForm(c: LocalContext): boolean {
  return mediaType(c) === 'application/x-www-form-urlencoded';
}

/** JSON or application/x-www-form-urlencoded body → plain object; anything else → HttpError 400/415. */
export async function parseFormOrJson(c: LocalContext): Promise<Record<string, unknown>> {
  if (isForm(c)) return c.req.parseBody();
  const raw = await c.req.text();
  if (mediaType(c) === 'application/json' || (mediaType(c) === '' && raw.trim().startsWith('{'))) return parseJsonObject(raw);
  throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json or application/x-www-form-urlencoded.');
}

export async function readJsonObject(c: LocalContext): Promise<Record<string, unknown>> {
  return parseJsonObject(await c.req.text());
}

function parseJsonObject(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'INVALID_JSON', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

export function escapeHtml(value: string | number | undefined): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
