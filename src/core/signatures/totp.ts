/**
 * RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s), as every authenticator app computes it, with Node's
 * crypto. Verification accepts the current step and one on each side (clock drift) and returns the
 * matched step, so the caller can refuse a step already used (replay).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
const SECRET_BYTES = 20;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function newTotpSecret(): string {
  return base32Encode(randomBytes(SECRET_BYTES));
}

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function base32Decode(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function stepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of one time step (RFC 4226 dynamic truncation). */
export function totpCode(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return String(binary).padStart(DIGITS, '0');
}

/** The step (now ±1) whose code equals `code`, or undefined. Every candidate is compared, in constant time. */
export function matchingStep(secret: string, code: string, nowMs: number): number | undefined {
  const given = Buffer.from(code.padEnd(DIGITS, ' ').slice(0, 16), 'utf8');
  const now = stepAt(nowMs);
  let found: number | undefined;
  for (const step of [now - 1, now, now + 1]) {
    const expected = Buffer.from(totpCode(secret, step), 'utf8');
    if (given.length === expected.length && timingSafeEqual(given, expected) && found === undefined) found = step;
  }
  return found;
}

/** otpauth:// URI an authenticator app scans (Key Uri Format). */
export function otpauthUri(secret: string, accountLabel: string): string {
  const label = encodeURIComponent(`ApprovalFlow:${accountLabel}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=ApprovalFlow&algorithm=SHA1&digits=${DIGITS}&period=${TOTP_PERIOD_SECONDS}`;
}
