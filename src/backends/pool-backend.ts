import type { MemberState } from '../model.js';

export interface MembershipEntry {
  node: string;
  state: MemberState;
  reason: string | null;
  since: number | null;
  /** Held out of service in the backend itself by someone else: left exactly as it is there. */
  external?: boolean;
}

/** What a backend holds for a pool, read back from the backend itself. */
export interface BackendState {
  /** Members taking traffic. */
  active: Set<string>;
  /**
   * Members out of service in the backend, with the backend's own words for how ("MAINT (forced)").
   * Whoever took them out, Breakerbox or someone at the backend: the controller tells them apart.
   * Empty for a backend that holds nothing but membership (a file, a webhook).
   */
  out: Map<string, string>;
}

/** What really routes traffic for a pool: Breakerbox writes desired membership, reads back what is there. */
export interface PoolBackend {
  readonly kind: string;
  /** Active members as the backend holds them now; null when it holds nothing yet. */
  readActive(pool: string): Promise<Set<string> | null>;
  /**
   * The backend's state of the pool; null when it holds nothing yet. A backend without it has no
   * state of its own beyond `readActive` (see {@link readBackendState}).
   */
  readState?(pool: string): Promise<BackendState | null>;
  /** Makes the backend match: `members` lists every member with its state and reason. */
  apply(pool: string, members: MembershipEntry[]): Promise<void>;
}

/** readState where the backend has it, else its active set with nothing held there. */
export async function readBackendState(backend: PoolBackend, pool: string): Promise<BackendState | null> {
  if (backend.readState) return backend.readState(pool);
  const active = await backend.readActive(pool);
  return active === null ? null : { active, out: new Map() };
}
