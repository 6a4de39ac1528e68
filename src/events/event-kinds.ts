import type { ApiEvent } from '../http/api-types.js';

/**
 * What Breakerbox did or refused to do, and faults in its own machinery. These are kept apart from
 * informational events so a flood of the latter (traps, readings) can never push them out.
 */
export const ACTION_TYPES: ReadonlySet<string> = new Set([
  'drain', 'would-drain', 'drain-blocked', 'readmit', 'reload', 'hold', 'release',
  'backend-error', 'backend-drift', 'backend-recovered', 'monitoring-fault', 'monitoring-recovered',
  'storage-failed', 'storage-recovered', 'config-rejected', 'config-needs-restart',
  'external-hold', 'external-release', 'pool-removed', 'device-misbehaving', 'device-behaving',
  'trap-receiver-down', 'trap-receiver-rebind-failed', 'trap-receiver-stopped',
  'alert', 'alert-resolved', 'page-rejected', 'page-delayed', 'maintenance', 'service-state',
]);

export function isActionEvent(event: Pick<ApiEvent, 'type' | 'chain'>): boolean {
  return ACTION_TYPES.has(event.type) || event.chain !== undefined;
}

/**
 * Which earlier event a new one repeats, or null when it stands alone. Informational events of one
 * kind and source fold together (the latest message wins); an action folds only into an identical
 * one, and one carrying a cause → impact → action chain never folds, so no decision is hidden.
 */
export function aggregationKey(event: Pick<ApiEvent, 'type' | 'subject' | 'message' | 'chain'>): string | null {
  // A change of a service's state is a point on the status page's timeline: never folded away.
  if (event.chain !== undefined || event.type === 'service-state') return null;
  if (ACTION_TYPES.has(event.type)) return `a\u0000${event.type}\u0000${event.subject}\u0000${event.message}`;
  return `i\u0000${event.type}\u0000${event.subject}`;
}
