import type { BackendState } from '../backends/pool-backend.js';

/**
 * Who took a member out of service in a backend: Breakerbox (its drain records, holds made through
 * it, what its last apply took out, what it is letting back) or someone at the backend itself,
 * whose members it leaves alone. Breakerbox only undoes what it did.
 */
export class Ownership {
  private readonly returning = new Map<string, Set<string>>();
  private readonly seen = new Map<string, Map<string, string>>();

  /** Breakerbox took it out and now lets it back (re-admitted, released): its own until a backend has it back. */
  letBack(pool: string, node: string): void {
    let set = this.returning.get(pool);
    if (!set) this.returning.set(pool, (set = new Set()));
    set.add(node);
  }

  /** The backend now holds what was applied: nothing of the pool is on its way back any more. */
  applied(pool: string): void {
    this.returning.delete(pool);
  }

  /** From a fresh read: members out of service that are not Breakerbox's, with how the backend holds them. */
  read(pool: string, state: BackendState, ours: (node: string) => boolean): Map<string, string> {
    const returning = this.returning.get(pool);
    const external = new Map<string, string>();
    for (const [node, how] of state.out) if (!ours(node) && !returning?.has(node)) external.set(node, how);
    this.seen.set(pool, external);
    return external;
  }

  /** As last read. */
  external(pool: string): Map<string, string> {
    return this.seen.get(pool) ?? new Map();
  }
}
