import { StoreError } from '../../core/ports/store';
import type { KeyValueStore, TxOp } from '../../core/ports/store';
import { StoreDecorator } from './store-decorator';

export interface FaultyStoreOptions {
  /** 1-based index of the transact call that fails; every other call passes through. */
  failAtWrite: number;
  /**
   * 'before-apply' (default): the failing call writes nothing, like a request that never arrived.
   * 'after-apply': the call is applied and then reported as failed, like a lost reply.
   */
  mode?: 'before-apply' | 'after-apply';
}

/** Crash injection for tests: one chosen transaction fails with StoreError('UNAVAILABLE'). */
export class FaultyStore extends StoreDecorator {
  /** transact calls seen so far, including the failed one. */
  transactCalls = 0;
  private readonly mode: 'before-apply' | 'after-apply';

  constructor(
    inner: KeyValueStore,
    private readonly options: FaultyStoreOptions,
  ) {
    super(inner);
    if (!Number.isInteger(options.failAtWrite) || options.failAtWrite < 1) {
      throw new RangeError('failAtWrite must be a positive integer (1 = the first transact call).');
    }
    this.mode = options.mode ?? 'before-apply';
  }

  override async transact(ops: TxOp[]): Promise<void> {
    this.transactCalls += 1;
    if (this.transactCalls !== this.options.failAtWrite) return this.inner.transact(ops);
    if (this.mode === 'after-apply') await this.inner.transact(ops);
    throw new StoreError('UNAVAILABLE', `Injected failure on transaction #${this.transactCalls} (${this.mode}).`);
  }
}
