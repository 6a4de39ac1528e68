// How a page tells its story: pure, from alerts and what the drain controller decided.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '../src/alerts/alert-engine.js';
import { stories, storyText, type StoryContext } from '../src/alerts/stories.js';

const alert = (o: Partial<Alert> & Pick<Alert, 'key' | 'rule' | 'subject'>): Alert => ({
  id: 1, severity: 'critical', labels: {}, summary: o.subject.name, causes: [], state: 'firing', since: 0, firedAt: 0, resolvedAt: null, flapping: false, muted: null, group: null, ...o,
});
const bank = alert({ key: 'breaker-tripped:bank:r07-a bank 1', rule: 'breaker-tripped', subject: { kind: 'bank', name: 'r07-a bank 1' }, labels: { rack: 'r07', pdu: 'r07-a' }, summary: 'bank 1 breaker tripped on r07-a: 6 nodes behind it', causes: ['bank 1 breaker tripped on r07-a'] });
const lost = (n: string) => alert({ key: `node-power-lost:node:${n}`, rule: 'node-power-lost', subject: { kind: 'node', name: n }, group: bank.key, causes: bank.causes });
const degraded = (n: string) => alert({ key: `node-power-degraded:node:${n}`, rule: 'node-power-degraded', subject: { kind: 'node', name: n }, group: bank.key, severity: 'warning', state: 'pending', causes: bank.causes });

function ctx(o: { blocked?: string[]; drained?: number } = {}): StoryContext {
  return {
    poolsOf: (n) => (n.startsWith('scan') ? ['scanners'] : []),
    pool: () => ({ members: 80, active: 80 - (o.drained ?? 4), drained: o.drained ?? 4 }),
    servicesOf: () => ['Inbound mail scanning'],
    blocked: () => o.blocked ?? [],
    link: (labels) => `https://noc.example.com/?rack=${labels.rack}`,
  };
}

describe('stories', () => {
  it('group the alerts under their root; an alert whose root is gone stands alone', () => {
    const orphan = lost('scan-099');
    orphan.group = 'breaker-tripped:bank:gone';
    const s = stories([bank, lost('scan-001'), lost('scan-002'), degraded('scan-010'), orphan]);
    assert.deepEqual(s.map((x) => [x.key, x.members.length]), [[bank.key, 3]]);
  });

  it('tell cause → impact → action, with capacity left, the services and the drains', () => {
    const [s] = stories([bank, ...['scan-001', 'scan-002', 'scan-003', 'scan-004'].map(lost), degraded('scan-010'), degraded('scan-011')]);
    const t = storyText(s!, ctx());
    assert.equal(t.title, '[CRITICAL] r07-a bank 1: breaker tripped, 4 nodes down');
    assert.equal(t.cause, 'bank 1 breaker tripped on r07-a: 6 nodes behind it');
    assert.equal(t.impact, '4 nodes lost power (scan-001..scan-004); 2 on one feed (scan-010, scan-011); pool scanners 76 of 80 in service; services: Inbound mail scanning');
    assert.equal(t.action, 'pool scanners: 4 drained');
    assert.equal(t.link, 'https://noc.example.com/?rack=r07');
  });

  it('say which safety rule blocked the drain, and when nothing was drained', () => {
    const [s] = stories([bank, lost('scan-001')]);
    assert.equal(storyText(s!, ctx({ blocked: ['max-drained-fraction: would exceed 50%'] })).action, 'pool scanners: drain blocked (max-drained-fraction: would exceed 50%)');
    assert.equal(storyText(s!, ctx({ drained: 0 })).action, 'pool scanners: nothing drained');
    const [alone] = stories([alert({ key: 'pdu-unreachable:pdu:r09-a', rule: 'pdu-unreachable', subject: { kind: 'pdu', name: 'r09-a' } })]);
    const t = storyText(alone!, ctx());
    assert.equal(t.impact, 'no node behind it');
    assert.equal(t.action, 'no drain: nothing to take out of service');
  });

  it('one event across racks: the faults that joined the first are counted and told, their nodes with them', () => {
    const other = alert({ id: 2, key: 'breaker-tripped:bank:r05-a bank 2', rule: 'breaker-tripped', subject: { kind: 'bank', name: 'r05-a bank 2' }, labels: { site: 'Dallas 3', rack: 'r05' }, summary: 'bank 2 breaker tripped on r05-a: 1 node behind it', causes: ['bank 2 breaker tripped on r05-a'], group: bank.key });
    const under = alert({ id: 3, key: 'node-power-lost:node:scan-030', rule: 'node-power-lost', subject: { kind: 'node', name: 'scan-030' }, causes: other.causes, group: other.key });
    const root = { ...bank, labels: { ...bank.labels, site: 'Dallas 3' } };
    const s = stories([root, lost('scan-001'), other, under]);
    assert.deepEqual(s.map((x) => [x.key, x.members.map((m) => m.subject.name)]), [[bank.key, ['scan-001', 'r05-a bank 2', 'scan-030']]], 'a node two levels down is in the story');
    const t = storyText(s[0]!, ctx());
    assert.equal(t.title, '[CRITICAL] Dallas 3: 2 power faults, 2 nodes down');
    assert.equal(t.cause, '2 power faults at Dallas 3: bank 1 breaker tripped on r07-a: 6 nodes behind it; bank 2 breaker tripped on r05-a: 1 node behind it');
    assert.match(t.impact, /^2 nodes lost power \(scan-001, scan-030\)/);
  });

  it('nodes that lost power for a cause no alert stands for: titled by that cause', () => {
    const cause = 'inlet of r07-a without voltage';
    const first = alert({ key: 'node-power-lost:node:scan-001', rule: 'node-power-lost', subject: { kind: 'node', name: 'scan-001' }, causes: [cause] });
    const next = alert({ id: 2, key: 'node-power-lost:node:scan-002', rule: 'node-power-lost', subject: { kind: 'node', name: 'scan-002' }, causes: [cause], group: first.key });
    const t = storyText(stories([first, next])[0]!, ctx());
    assert.equal(t.title, '[CRITICAL] inlet of r07-a without voltage, 2 nodes down');
    assert.equal(storyText(stories([first])[0]!, ctx()).title, '[CRITICAL] scan-001: power lost, 1 node down');
  });

  it('keep a title short enough for a lock screen', () => {
    const long = alert({ ...bank, subject: { kind: 'bank', name: `a-very-long-pdu-name-in-a-very-long-row-of-a-very-long-site bank 1` } });
    const t = storyText(stories([long])[0]!, ctx());
    assert.ok(t.title.length <= 78, t.title);
    assert.ok(t.title.endsWith('…'));
  });
});
