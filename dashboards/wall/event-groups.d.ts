// Types for the tests that run the wall's event-feed logic (event-groups.js) in node.
import type { ApiEvent } from '../../src/http/api-types.js';

export interface EventGroup {
  id: string;
  type: string;
  severity: ApiEvent['severity'];
  time: number;
  firstTime: number;
  count: number;
  title: string;
  /** Newest first. */
  events: ApiEvent[];
}
export type FeedLine = { ev: ApiEvent; group?: undefined } | { group: EventGroup; ev?: undefined };
export interface EventFilter { severities: string[]; kinds: string[] }

export const GROUP_WINDOW_MS: number;
export function groupKey(ev: ApiEvent): string | null;
export function foldEvents(events: readonly ApiEvent[], options?: { windowMs?: number }): FeedLine[];
export function nameRange(names: readonly string[]): string;
export function pinnedChain(events: Iterable<ApiEvent>, acknowledged: ReadonlySet<number>): ApiEvent | null;
export function causeEvents(chainEv: ApiEvent, events: readonly ApiEvent[]): ApiEvent[];
export function passes(line: FeedLine, filter: EventFilter): boolean;
export function readFilter(text: string | null): EventFilter;
export function olderCursor(heldIds: Iterable<number>, replacedIds?: Iterable<number>): number | null;
