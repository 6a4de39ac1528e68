import type { MemberState } from '../model.js';

export interface MembershipEntry {
  node: string;
  state: MemberState;
  reason: string | null;
  since: number | null;
}

/** What really routes traffic for a pool: Breakerbox writes desired membership, reads back what is there. */
export interface PoolBackend {
  readonly kind: string;
  /** Active members as the backend holds them now; null when it holds nothing yet. */
  readActive(pool: string): Promise<Set<string> | null>;
  /** Makes the backend match: `members` lists every member with its state and reason. */
  apply(pool: string, members: MembershipEntry[]): Promise<void>;
}
