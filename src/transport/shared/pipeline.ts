/**
 * The one request pipeline of every user request, REST route or resolver alike:
 * identity → licence → validation → rate limit → execute → toPublicError. The transports only
 * say how to read each step from their invocation and frame the outcome (an HTTP response, a
 * resolver envelope); refusals are DomainErrors with registered codes, mapped once by toPublicError.
 * The scheduled triggers and the byline function share its licence step (transport/licence.ts).
 */
import type { Caller } from '../../core/domain/caller';
import { DomainError } from '../../core/domain/errors';
import type { z } from 'zod';
import { requireActiveLicence } from '../licence';
import { toPublicError, type PublicError } from '../public-error';
import { admit, noteOutcome, type Edge } from './edge';
import { issuesToDetails } from './issues';

export interface PipelineRequest<I> {
  /** names the entry point in logs (never the request itself: it may carry tokens) */
  label: string;
  /** the platform's invocation context: where its licence is read */
  context: unknown;
  /** the caller, from the platform only; throws UNAUTHENTICATED */
  identify(): Caller;
  /** the validated input; throws INVALID_REQUEST (see invalidRequest) */
  parse(): I;
  /** rate limits: 'read' / 'write' are admitted here, 'own' when the transport admits the call itself */
  admission(input: I): 'read' | 'write' | 'own';
}

/** A transport whose execute answers a framed response (REST) says which status it carries, for the rate limits. */
export interface Answered {
  statusCode: number;
}

export type Outcome<T> = { ok: true; data: T } | { ok: false; error: PublicError };

/** The 400 answer to input that fails its schema: one detail per bad or unknown field. */
export function invalidRequest(issues: readonly z.core.$ZodIssue[]): DomainError {
  return new DomainError('INVALID_REQUEST', 'The request is invalid; see details for each field.', issuesToDetails(issues));
}

function isAnswered(data: unknown): data is Answered {
  return typeof data === 'object' && data !== null && typeof (data as Partial<Answered>).statusCode === 'number';
}

export async function runPipeline<I, T>(edge: Edge, request: PipelineRequest<I>, execute: (caller: Caller, input: I) => Promise<T>): Promise<Outcome<T>> {
  let caller: Caller | undefined;
  try {
    caller = request.identify();
    requireActiveLicence(request.context);
    const input = request.parse();
    const admission = request.admission(input);
    if (admission !== 'own') await admit(edge, caller, admission === 'write');
    const data = await execute(caller, input);
    if (isAnswered(data)) await noteOutcome(edge, caller, data.statusCode);
    return { ok: true, data };
  } catch (err) {
    // Names and messages only: never the request, its headers or contextToken.
    const error = toPublicError(err, (line) => console.error(`${request.label}: internal error: ${line}`));
    if (caller) await noteOutcome(edge, caller, error.status);
    return { ok: false, error };
  }
}
