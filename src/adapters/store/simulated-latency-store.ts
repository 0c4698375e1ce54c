import type { EntityItem, EntityPage, EntityQuery, QueryOptions, QueryPage, StoredItem, TxOp } from '../../core/ports/store';
import { StoreDecorator } from './store-decorator';

/**
 * Simulated Forge latency for benchmarks and slice tests: every store call moves a fake clock on by
 * a fixed time before it runs, so code that stops at a clock deadline (the verification job's
 * slices) stops where it would on Forge, and the time an invocation took is read off that clock.
 */
export class SimulatedLatencyStore extends StoreDecorator {
  constructor(
    inner: ConstructorParameters<typeof StoreDecorator>[0],
    private readonly advance: (ms: number) => void,
    private readonly msPerCall: number,
  ) {
    super(inner);
  }

  override get<T = unknown>(key: string): Promise<StoredItem<T> | undefined> {
    this.advance(this.msPerCall);
    return super.get<T>(key);
  }

  override getMany<T = unknown>(keys: string[]): Promise<StoredItem<T>[]> {
    this.advance(this.msPerCall);
    return super.getMany<T>(keys);
  }

  override query<T = unknown>(options: QueryOptions): Promise<QueryPage<T>> {
    this.advance(this.msPerCall);
    return super.query<T>(options);
  }

  override transact(ops: TxOp[]): Promise<void> {
    this.advance(this.msPerCall);
    return super.transact(ops);
  }

  override getEntities<T = Record<string, unknown>>(entity: string, keys: string[]): Promise<EntityItem<T>[]> {
    this.advance(this.msPerCall);
    return super.getEntities<T>(entity, keys);
  }

  override queryEntity<T = Record<string, unknown>>(query: EntityQuery): Promise<EntityPage<T>> {
    this.advance(this.msPerCall);
    return super.queryEntity<T>(query);
  }
}
