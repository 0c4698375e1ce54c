/**
 * One use case, one module: each exports one operation made with defineOperation, and the engine
 * (engine.ts) is derived from the list of them, so an operation's signature is written once, here in
 * its own file. `execute` takes the engine context first and then what the caller passes
 * (`engine.<area>.<name>(...args)` runs `execute(ctx, ...args)`), the acting Caller first of those.
 * It checks the caller's rights itself, throws DomainError on a refusal and writes its audit
 * records in the transaction of its change. docs/adding-an-operation.md has the recipe.
 */
import type { EngineContext } from './context';

export interface Operation<P extends unknown[] = never[], R = unknown> {
  /** Who may call it and how a refusal answers (the operation enforces this itself). */
  rights: string;
  // Method syntax on purpose: a concrete operation must be assignable to the erased one.
  execute(ctx: EngineContext, ...args: P): Promise<R>;
}

export function defineOperation<P extends unknown[], R>(operation: Operation<P, R>): Operation<P, R> {
  return operation;
}

/** What `engine.<area>.<name>` is for an operation: its execute with the engine context bound. */
export type Bound<O> = O extends Operation<infer P, infer R> ? (...args: P) => Promise<R> : never;
