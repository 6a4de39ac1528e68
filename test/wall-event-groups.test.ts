// The wall's event feed logic (dashboards/wall/event-groups.js), run in node as the wall runs it:
// bursts folded into one line, the chain to pin, the cause filters never hide, filters, paging back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiEvent } from '../src/http/api-types.js';
import { causeEvents, foldEvents, groupKey, nameRange, olderCursor, passes, pinnedChain, readFilter, type FeedLine } from '../dashboards/wall/event-groups.js';

const T0 = Date.UTC(2026, 0, 10, 14, 8, 0);
const scan = (i: number) => `scan-${String(i).padStart(3, '0')}`;
const CHAIN = {
  cause: 'bank 1 breaker tripped on dal3-r07-a',
  impact: 'outlets 1-20 of dal3-r07-a → scan-057..scan-076 lost power',
  action: 'drained 20 of 80 from pool scanners (20 drained, cap 50%)',
};

let nextId = 1;
function ev(time: number, type: string, subject: string, message: string, extra: Partial<ApiEvent> = {}): ApiEvent {
  return { id: nextId++, time, type, severity: 'info', subject, message, ...extra };
}
const reboot = (time: number, node: string) => ev(time, 'node-rebooted', node, `${node} rebooted (sysUpTime restarted)`);

/** A bank trip and its clearing as the demo tells it: the reboots come in poll order, an alert's end among them. */
function tripAndClear(): ApiEvent[] {
  nextId = 1;
  const out = [
    ev(T0, 'breaker-tripped', 'dal3-r07-a', 'bank 1 breaker tripped on dal3-r07-a (every outlet off, 0 A): outlets 1-24 without power', { severity: 'critical' }),
    ev(T0 + 200, 'drain', 'scanners', `${CHAIN.cause} → ${CHAIN.impact} → ${CHAIN.action}`, { severity: 'critical', chain: CHAIN }),
    ev(T0 + 300, 'alert', 'dal3-r07-a bank 1', 'breaker-tripped: bank 1 breaker tripped on dal3-r07-a: 24 nodes behind it', { severity: 'critical' }),
    ev(T0 + 5_000, 'breaker-reset', 'dal3-r07-a', 'bank 1 breaker on dal3-r07-a closed again'),
    reboot(T0 + 5_040, scan(76)),
    ev(T0 + 5_070, 'alert-resolved', 'dal3-r07-a bank 1', 'breaker-tripped resolved after 5 s'),
  ];
  const order = [57, 59, 60, 61, 58, 62, 63, 64, 65, 66, 71, 70, 67, 68, 69, 73, 72, 74, 75];
  order.forEach((n, i) => out.push(reboot(T0 + 5_200 + i * 60, scan(n))));
  return out;
}

const titleOf = (line: FeedLine) => line.group?.title ?? line.ev!.message;

describe('event feed: grouping', () => {
  it('folds the 20 reboots after a cleared trip into one line naming the range, where its newest member stands', () => {
    const events = tripAndClear();
    const lines = foldEvents(events);
    const groups = lines.filter((l) => l.group);
    assert.equal(groups.length, 1, 'one group');
    const g = groups[0]!.group!;
    assert.equal(g.count, 20);
    assert.equal(g.type, 'node-rebooted');
    assert.equal(g.title, '20 nodes back: scan-057…scan-076');
    assert.equal(g.events.length, 20, 'every member kept, to expand');
    assert.equal(g.events[0]!.subject, scan(75), 'members newest first');
    assert.equal(g.time, T0 + 5_200 + 18 * 60);
    assert.equal(g.firstTime, T0 + 5_040);
    assert.equal(g.id, `g${events[4]!.id}`, 'named by its first member: stable as members join');
    // 6 lines: the group (newest) and the five events that are not reboots, newest first.
    assert.deepEqual(lines.map((l) => l.ev?.type ?? 'group'), ['group', 'alert-resolved', 'breaker-reset', 'alert', 'drain', 'breaker-tripped']);
  });

  it('a lone event of a kind stays one line, and a burst grows as members arrive', () => {
    const events = tripAndClear();
    const first = events.slice(0, 5);
    assert.ok(foldEvents(first).every((l) => l.ev), 'one reboot alone is not a group');
    const two = foldEvents(events.slice(0, 7)).find((l) => l.group)!.group!;
    assert.equal(two.title, '2 nodes back: scan-057, scan-076');
    assert.equal(foldEvents(events.slice(0, 8)).find((l) => l.group)!.group!.id, two.id, 'the same group id as it grows');
  });

  it('a quiet gap longer than the window starts a new burst', () => {
    nextId = 1;
    const events = [reboot(T0, scan(1)), reboot(T0 + 1_000, scan(2)), reboot(T0 + 1_000 + 60_001, scan(3)), reboot(T0 + 1_000 + 60_500, scan(4))];
    const groups = foldEvents(events).filter((l) => l.group).map((l) => l.group!.title);
    assert.deepEqual(groups, ['2 nodes back: scan-003, scan-004', '2 nodes back: scan-001, scan-002']);
    // Within the window measured from the previous member, not the first: a slow burst stays one.
    const slow = Array.from({ length: 5 }, (_, i) => reboot(T0 + i * 50_000, scan(10 + i)));
    assert.equal(foldEvents(slow).length, 1);
    assert.equal(foldEvents(slow, { windowMs: 10_000 }).length, 5);
  });

  it('only one kind and one cause fold: another message, severity or kind stays apart', () => {
    nextId = 1;
    const events = [
      reboot(T0, scan(1)),
      reboot(T0 + 10, scan(2)),
      ev(T0 + 20, 'node-rebooted', scan(3), `${scan(3)} rebooted (sysUpTime restarted)`, { severity: 'warning' }),
      ev(T0 + 30, 'pdu-unreachable', 'dal3-r01-a', 'dal3-r01-a stopped answering (no answer); it feeds 12 nodes', { severity: 'warning' }),
      ev(T0 + 40, 'pdu-unreachable', 'dal3-r02-a', 'dal3-r02-a stopped answering (no answer); it feeds 7 nodes', { severity: 'warning' }),
      ev(T0 + 50, 'pdu-unreachable', 'dal3-r03-a', 'dal3-r03-a stopped answering (no answer); it feeds 7 nodes', { severity: 'warning' }),
      ev(T0 + 60, 'reload', 'reload', 'reload (schedule): nothing to re-admit'),
      ev(T0 + 70, 'reload', 'reload', 'reload (schedule): nothing to re-admit'),
    ];
    const lines = foldEvents(events);
    assert.deepEqual(lines.map(titleOf), [
      'reload (schedule): nothing to re-admit', // two of one subject: one line, ×2
      '2 PDUs not answering: dal3-r02-a, dal3-r03-a',
      'dal3-r01-a stopped answering (no answer); it feeds 12 nodes',
      'scan-003 rebooted (sysUpTime restarted)',
      '2 nodes back: scan-001, scan-002',
    ]);
    assert.equal(lines[0]!.group?.count, 2);
    nextId = 1;
    assert.equal(groupKey(ev(T0, 'trap', 'dal3-r07-a', 'outlet-on for outlets 1-24')), null, 'a message that does not name its subject is not folded');
  });

  it('a decision is never folded, and a group never spans one', () => {
    nextId = 1;
    const chain = (t: number) => ev(t, 'drain', 'scanners', 'drained', { severity: 'critical', chain: CHAIN });
    const events = [reboot(T0, scan(1)), reboot(T0 + 10, scan(2)), chain(T0 + 20), chain(T0 + 21), reboot(T0 + 30, scan(3)), reboot(T0 + 40, scan(4))];
    const lines = foldEvents(events);
    assert.deepEqual(lines.map((l) => (l.group ? l.group.count : l.ev!.type)), [2, 'drain', 'drain', 2]);
  });

  it('a kind without words of its own says its message with the range in place of the name', () => {
    nextId = 1;
    const events = [7, 8, 9].map((n, i) => ev(T0 + i, 'device-unknown', `ups-${n}`, `ups-${n} answers with no profile`));
    assert.equal(foldEvents(events)[0]!.group!.title, 'ups-7…ups-9 answers with no profile');
  });
});

describe('event feed: compact ranges of names', () => {
  it('numbered names in runs, keeping their zero padding', () => {
    assert.equal(nameRange(Array.from({ length: 20 }, (_, i) => scan(76 - i))), 'scan-057…scan-076');
    assert.equal(nameRange([scan(9), scan(10)]), 'scan-009, scan-010', 'a run of two is a pair');
    assert.equal(nameRange([scan(57), scan(58), scan(59), scan(71), scan(73), scan(74)]), 'scan-057…scan-059, scan-071, scan-073, scan-074');
    assert.equal(nameRange([scan(1), scan(1), scan(2), scan(3)]), 'scan-001…scan-003', 'a name twice counts once');
    assert.equal(nameRange([scan(5)]), 'scan-005');
    assert.equal(nameRange([]), '');
  });

  it('past three runs the rest as a count; names not numbered alike as a short list', () => {
    assert.equal(nameRange([scan(1), scan(3), scan(5), scan(7), scan(8), scan(9)]), 'scan-001, scan-003, scan-005 +3 more');
    assert.equal(nameRange(['web-1', 'web-10', 'web-2']), 'web-1, web-10, web-2', 'no common width: listed');
    assert.equal(nameRange(['db-a', 'db-b', 'db-c', 'db-d', 'db-e']), 'db-a, db-b, db-c +2 more');
  });
});

describe('event feed: the pinned chain', () => {
  it('pins the newest chain until it is acknowledged; a newer chain supersedes it', () => {
    const events = tripAndClear();
    const drain = events.find((e) => e.chain)!;
    assert.equal(pinnedChain(events, new Set()), drain, 'the 20 reboots after it do not unpin it');
    assert.equal(pinnedChain(events, new Set([drain.id])), null, 'acknowledged: nothing pinned');
    nextId = 100;
    const newer = ev(T0 + 60_000, 'drain', 'scanners', 'again', { severity: 'critical', chain: { ...CHAIN, cause: 'bank 2 breaker tripped on dal3-r07-a' } });
    assert.equal(pinnedChain([...events, newer], new Set()), newer, 'superseded by a newer chain');
    assert.equal(pinnedChain([...events, newer], new Set([drain.id])), newer, 'a newer chain is pinned even after the last was acknowledged');
    assert.equal(pinnedChain([newer, ...events], new Set([newer.id])), null, 'an older chain never comes back once a newer one was acknowledged');
    assert.equal(pinnedChain(events.filter((e) => !e.chain), new Set()), null);
  });

  it('finds the events that caused it: the subject its cause names, in the minute before', () => {
    const events = tripAndClear();
    const drain = events.find((e) => e.chain)!;
    nextId = 200;
    const others = [
      ev(T0 - 100, 'breaker-tripped', 'dal3-r07-a2', 'bank 1 breaker tripped on dal3-r07-a2', { severity: 'critical' }),
      ev(T0 - 61_000, 'pdu-unreachable', 'dal3-r07-a', 'dal3-r07-a stopped answering', { severity: 'warning' }),
    ];
    const causes = causeEvents(drain, [...events, ...others]).map((e) => e.type);
    assert.deepEqual(causes, ['breaker-tripped'], 'not another PDU whose name starts alike, not an hour-old event, not what followed');
  });
});

describe('event feed: filters and paging back', () => {
  it('hides the severities and kinds asked; a group by its kind', () => {
    const lines = foldEvents(tripAndClear());
    const shown = (f: { severities: string[]; kinds: string[] }) => lines.filter((l) => passes(l, f)).map((l) => l.ev?.type ?? 'group');
    assert.deepEqual(shown({ severities: ['critical'], kinds: [] }), ['group', 'alert-resolved', 'breaker-reset']);
    assert.deepEqual(shown({ severities: [], kinds: ['node-rebooted', 'alert-resolved'] }), ['breaker-reset', 'alert', 'drain', 'breaker-tripped']);
    assert.equal(shown({ severities: [], kinds: [] }).length, lines.length);
  });

  it('reads stored filters, and anything else as none', () => {
    assert.deepEqual(readFilter('{"severities":["info"],"kinds":["trap",3]}'), { severities: ['info'], kinds: ['trap'] });
    for (const bad of [null, '', 'not json', '[]', '{"severities":"info"}']) assert.deepEqual(readFilter(bad), { severities: [], kinds: [] });
  });

  it('the next older page starts below the newest unbroken run of ids held', () => {
    assert.equal(olderCursor([]), null);
    assert.equal(olderCursor([29, 28, 27, 26]), 26);
    // The snapshot held an old decision (4) and the latest routine events: the gap between comes first.
    assert.equal(olderCursor([4, 40, 41, 42]), 40);
    // Ids superseded by folded repeats count as held.
    assert.equal(olderCursor([2, 4, 5, 6], [3, 1]), 1);
  });
});
