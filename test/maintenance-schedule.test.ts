// Maintenance windows' times: the recurrences a NOC writes ("first saturday", "last sunday", "15"),
// local times across daylight-saving changes in named zones, the phases of a window (draining ahead,
// active, upcoming, done) and the config's refusals with file:line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfigText } from '../src/config/load-config.js';
import { Topology } from '../src/health/topology.js';
import { instantOf, nextStart, occurrenceAt, parseLocalDateTime, parseRecurrence, type Recurring } from '../src/maintenance/schedule.js';
import { compile, coverage, covers, nextChange, stateAt, type MaintenanceConfig } from '../src/maintenance/windows.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const H = 3_600_000;

describe('recurrences as written', () => {
  const rows: [string, unknown][] = [
    ['day', { kind: 'daily' }],
    ['daily', { kind: 'daily' }],
    ['saturday', { kind: 'weekly', days: [6] }],
    ['Saturdays', { kind: 'weekly', days: [6] }],
    ['tuesday, thursday', { kind: 'weekly', days: [2, 4] }],
    ['mon and fri', { kind: 'weekly', days: [1, 5] }],
    ['first saturday', { kind: 'monthly-weekday', nth: 1, day: 6 }],
    ['third wed', { kind: 'monthly-weekday', nth: 3, day: 3 }],
    ['last sunday', { kind: 'monthly-weekday', nth: -1, day: 0 }],
    ['15', { kind: 'monthly-date', date: 15 }],
    ['1st', { kind: 'monthly-date', date: 1 }],
  ];
  for (const [text, want] of rows) it(`"${text}"`, () => assert.deepEqual(parseRecurrence(text), want));
  for (const text of ['', 'someday', '32', '0', 'first', 'last month', 'fifth saturday']) {
    it(`"${text}" is refused with what is accepted`, () => assert.equal(typeof parseRecurrence(text), 'string'));
  }
});

describe('local times in named zones', () => {
  const berlin = 'Europe/Berlin';
  it('winter and summer offsets', () => {
    assert.equal(iso(instantOf(berlin, { y: 2026, m: 12, d: 5 }, 2, 0)), '2026-12-05T01:00:00.000Z');
    assert.equal(iso(instantOf(berlin, { y: 2026, m: 7, d: 4 }, 2, 0)), '2026-07-04T00:00:00.000Z');
    assert.equal(iso(instantOf('America/New_York', { y: 2026, m: 12, d: 12 }, 2, 0)), '2026-12-12T07:00:00.000Z');
    assert.equal(iso(instantOf('UTC', { y: 2026, m: 12, d: 12 }, 2, 0)), '2026-12-12T02:00:00.000Z');
  });
  it('a time the clocks skip is taken as with the offset before the jump (02:30 → 03:30 new time)', () => {
    assert.equal(iso(instantOf(berlin, { y: 2026, m: 3, d: 29 }, 2, 30)), '2026-03-29T01:30:00.000Z');
  });
  it('a time that happens twice is taken the first time', () => {
    assert.equal(iso(instantOf(berlin, { y: 2026, m: 10, d: 25 }, 2, 30)), '2026-10-25T00:30:00.000Z');
  });
  it('one-off dates: local, with seconds, with an offset; impossible ones refused', () => {
    assert.equal(iso(parseLocalDateTime('2026-12-12T02:00', 'America/New_York')), '2026-12-12T07:00:00.000Z');
    assert.equal(iso(parseLocalDateTime('2026-12-12 02:00:30', 'UTC')), '2026-12-12T02:00:30.000Z');
    assert.equal(iso(parseLocalDateTime('2026-12-12T02:00:00.250Z', 'Europe/Berlin')), '2026-12-12T02:00:00.250Z');
    assert.equal(iso(parseLocalDateTime('2026-12-12T02:00+01:00', 'UTC')), '2026-12-12T01:00:00.000Z');
    for (const bad of ['2026-02-30T02:00', '2026-13-01T02:00', '2026-12-12T24:00', '12/12/2026 02:00', '2026-12-12']) assert.equal(parseLocalDateTime(bad, 'UTC'), null, bad);
  });
});

describe('recurring windows', () => {
  const firstSaturday: Recurring = { recurrence: parseRecurrence('first saturday') as Recurring['recurrence'], atMinutes: 120, lengthMs: 4 * H, zone: 'Europe/Berlin' };
  it('the first Saturday of each month at 02:00 Berlin time, winter and summer', () => {
    const t = Date.parse('2026-12-07T14:00:00Z');
    assert.equal(iso(nextStart(firstSaturday, t)), '2027-01-02T01:00:00.000Z');
    assert.equal(iso(nextStart(firstSaturday, Date.parse('2027-06-01T00:00:00Z'))), '2027-06-05T00:00:00.000Z');
  });
  it('in force from its start to its end, and from its drain lead before', () => {
    const start = Date.parse('2027-01-02T01:00:00Z');
    assert.deepEqual(occurrenceAt(firstSaturday, start), { start, end: start + 4 * H });
    assert.deepEqual(occurrenceAt(firstSaturday, start + 4 * H - 1), { start, end: start + 4 * H });
    assert.equal(occurrenceAt(firstSaturday, start + 4 * H), null, 'the end is not in it');
    assert.equal(occurrenceAt(firstSaturday, start - 1), null);
    assert.deepEqual(occurrenceAt(firstSaturday, start - 15 * 60_000, 15 * 60_000), { start, end: start + 4 * H });
    assert.equal(occurrenceAt(firstSaturday, start - 15 * 60_000 - 1, 15 * 60_000), null);
  });
  it('a window across midnight is found the next day', () => {
    const nightly: Recurring = { recurrence: { kind: 'daily' }, atMinutes: 23 * 60, lengthMs: 3 * H, zone: 'UTC' };
    assert.deepEqual(occurrenceAt(nightly, Date.parse('2026-12-08T01:00:00Z')), { start: Date.parse('2026-12-07T23:00:00Z'), end: Date.parse('2026-12-08T02:00:00Z') });
  });
  it('the last Sunday, and a 31st that some months lack', () => {
    const lastSunday: Recurring = { recurrence: parseRecurrence('last sunday') as Recurring['recurrence'], atMinutes: 0, lengthMs: H, zone: 'UTC' };
    assert.equal(iso(nextStart(lastSunday, Date.parse('2026-12-01T00:00:00Z'))), '2026-12-27T00:00:00.000Z');
    assert.equal(iso(nextStart(lastSunday, Date.parse('2027-02-01T00:00:00Z'))), '2027-02-28T00:00:00.000Z');
    const the31st: Recurring = { recurrence: { kind: 'monthly-date', date: 31 }, atMinutes: 0, lengthMs: H, zone: 'UTC' };
    assert.equal(iso(nextStart(the31st, Date.parse('2027-02-01T00:00:00Z'))), '2027-03-31T00:00:00.000Z');
  });
  it('keeps its local time across a daylight-saving change', () => {
    const sundays: Recurring = { recurrence: { kind: 'weekly', days: [0] }, atMinutes: 120 + 30, lengthMs: H, zone: 'America/New_York' };
    assert.equal(iso(nextStart(sundays, Date.parse('2026-10-26T00:00:00Z'))), '2026-11-01T07:30:00.000Z', 'after the clocks fell back: EST');
    assert.equal(iso(nextStart(sundays, Date.parse('2026-10-20T00:00:00Z'))), '2026-10-25T06:30:00.000Z', 'EDT');
  });
});

describe('a window\'s phases', () => {
  const w = (over: Partial<MaintenanceConfig>) => compile({ name: 'w', reason: 'breaker swap', scope: { rack: ['r1'] }, timezone: 'UTC', ...over });
  const oneOff = w({ start: '2026-12-12T02:00', end: '2026-12-12T06:00', drain: { before: 15 * 60_000 } });
  const at = (s: string) => Date.parse(s);
  it('upcoming, draining ahead, active, done', () => {
    assert.equal(stateAt(oneOff, at('2026-12-12T01:44:59Z')).phase, 'upcoming');
    assert.equal(stateAt(oneOff, at('2026-12-12T01:45:00Z')).phase, 'draining');
    assert.equal(stateAt(oneOff, at('2026-12-12T02:00:00Z')).phase, 'active');
    assert.equal(stateAt(oneOff, at('2026-12-12T05:59:59Z')).phase, 'active');
    assert.equal(stateAt(oneOff, at('2026-12-12T06:00:00Z')).phase, 'done');
  });
  it('without drain there is no draining phase', () => {
    const quiet = w({ start: '2026-12-12T02:00', end: '2026-12-12T06:00' });
    assert.equal(stateAt(quiet, at('2026-12-12T01:59:00Z')).phase, 'upcoming');
    assert.equal(stateAt(quiet, at('2026-12-12T01:59:00Z')).drains, false);
  });
  it('the next change is the drain lead, the start, then the end', () => {
    assert.equal(iso(nextChange([oneOff], at('2026-12-12T00:00:00Z'))), '2026-12-12T01:45:00.000Z');
    assert.equal(iso(nextChange([oneOff], at('2026-12-12T01:50:00Z'))), '2026-12-12T02:00:00.000Z');
    assert.equal(iso(nextChange([oneOff], at('2026-12-12T03:00:00Z'))), '2026-12-12T06:00:00.000Z');
    assert.equal(nextChange([oneOff], at('2026-12-12T06:00:00Z')), null);
  });
  it('a recurring window is upcoming with its next occurrence between them', () => {
    const weekly = w({ every: 'saturday', at: '02:00', for: 4 * H });
    const s = stateAt(weekly, at('2026-12-07T12:00:00Z'));
    assert.deepEqual([s.phase, iso(s.start), iso(s.end)], ['upcoming', '2026-12-12T02:00:00.000Z', '2026-12-12T06:00:00.000Z']);
    assert.equal(stateAt(weekly, at('2026-12-12T03:00:00Z')).phase, 'active');
  });
});

describe('what a window covers, from the topology', () => {
  const config = parseConfigText(`
sites: [{name: Lab, rows: [{name: row 1, racks: [r1, r2]}, {name: row 2, racks: [r3]}]}]
pdus:
  - {name: p1, rack: r1, address: 10.0.0.1, outlets: 8, snmp: {version: "2c", community: public}}
  - {name: p3, rack: r3, address: 10.0.0.3, outlets: 8, snmp: {version: "2c", community: public}}
nodes:
  - {name: n1, rack: r1, address: 10.1.0.1, psus: [{pdu: p1, outlet: 1}], snmp: {version: "2c", community: public}}
  - {name: n2, rack: r2, address: 10.1.0.2, psus: [{pdu: p1, outlet: 2}], snmp: {version: "2c", community: public}}
  - {name: n3, rack: r3, address: 10.1.0.3, psus: [{pdu: p3, outlet: 1}], snmp: {version: "2c", community: public}}
pools:
  - {name: web, members: [n1, n3], backend: {type: file, dir: var/pools}}
`, 'lab.yaml');
  const topology = new Topology(config);
  const of = (kind: 'site' | 'row' | 'rack' | 'pdu' | 'pool', names: string[]) => {
    const c = coverage({ kind, names }, topology);
    return { nodes: [...c.nodes].sort(), pdus: [...c.pdus].sort(), racks: [...c.racks].sort() };
  };
  it('a rack: its PDUs and servers', () => assert.deepEqual(of('rack', ['r1']), { nodes: ['n1'], pdus: ['p1'], racks: ['r1'] }));
  it('a row: its racks', () => assert.deepEqual(of('row', ['row 1']), { nodes: ['n1', 'n2'], pdus: ['p1'], racks: ['r1', 'r2'] }));
  it('a site: everything in it', () => assert.deepEqual(of('site', ['Lab']).nodes, ['n1', 'n2', 'n3']));
  it('a PDU: the servers it feeds, wherever they stand', () => assert.deepEqual(of('pdu', ['p1']), { nodes: ['n1', 'n2'], pdus: ['p1'], racks: ['r1', 'r2'] }));
  it('a pool: its members, and its own alerts', () => {
    assert.deepEqual(of('pool', ['web']), { nodes: ['n1', 'n3'], pdus: [], racks: ['r1', 'r3'] });
    const c = coverage({ kind: 'pool', names: ['web'] }, topology);
    assert.equal(covers(c, { pool: 'web' }), true);
    assert.equal(covers(c, { pdu: 'p1' }), false, 'the PDUs feeding a pool are not in its maintenance');
  });
  it('alerts are covered by their most specific label', () => {
    const c = coverage({ kind: 'rack', names: ['r1'] }, topology);
    assert.equal(covers(c, { rack: 'r1', node: 'n1' }), true);
    assert.equal(covers(c, { rack: 'r1', pdu: 'p1' }), true);
    assert.equal(covers(c, { pool: 'web' }), false, 'a pool alert is not the rack\'s');
    assert.equal(covers(c, {}), false);
  });
});

describe('maintenance windows in the config: refused with file:line', () => {
  const SITES = 'sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}]}]\n';
  const problems = (lines: string): string[] => {
    try {
      parseConfigText(`${SITES}${lines}\n`, 'lab.yaml');
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.problems.map((p) => `${p.file}:${p.line}: ${p.path}: ${p.message}`);
    }
    return [];
  };
  const window = (body: string) => `maintenance:\n  - name: w\n    scope: {rack: r1}\n${body}`;
  it('a good one-off and a good recurring window', () => {
    assert.deepEqual(problems(window('    start: 2026-12-12T02:00\n    end: 2026-12-12T06:00\n    timezone: Europe/Berlin')), []);
    assert.deepEqual(problems(window('    every: first saturday\n    at: "02:00"\n    for: 4h\n    drain: {before: 30m}')), []);
  });
  const rows: [string, string, string[]][] = [
    ['a bad recurrence', '    every: someday\n    at: "02:00"\n    for: 4h', ['lab.yaml:5: maintenance[0].every: "someday" is not one of "day", a weekday ("saturday"), weekdays ("tuesday, thursday"), "first|second|third|fourth|last <weekday>" of the month, or a day of the month ("15")']],
    ['a bad time of day', '    every: day\n    at: "25:00"\n    for: 4h', ['lab.yaml:6: maintenance[0].at: a local time such as "02:00"']],
    ['recurring without its length', '    every: day\n    at: "02:00"', ['lab.yaml:3: maintenance[0].for: for is missing (a recurring window needs every, at and for)']],
    ['longer than 7 days', '    every: day\n    at: "02:00"\n    for: 200h', ['lab.yaml:7: maintenance[0].for: a window lasts more than nothing and at most 7 days']],
    ['an end before its start', '    start: 2026-12-12T06:00\n    end: 2026-12-12T02:00', ['lab.yaml:6: maintenance[0].end: end must come after start']],
    ['an impossible date', '    start: 2026-02-30T06:00\n    end: 2026-03-01T02:00', ['lab.yaml:5: maintenance[0].start: "2026-02-30T06:00" is not a date and time such as "2026-12-12T02:00"']],
    ['both kinds at once', '    start: 2026-12-12T02:00\n    end: 2026-12-12T06:00\n    every: day', ['lab.yaml:3: maintenance[0]: maintenance window w needs either start and end (one-off) or every, at and for (recurring)']],
    ['an unknown time zone', '    every: day\n    at: "02:00"\n    for: 1h\n    timezone: Mars/Olympus', ['lab.yaml:8: maintenance[0].timezone: a time zone this machine knows, such as "Europe/Berlin" or "UTC"']],
  ];
  for (const [name, body, want] of rows) it(name, () => assert.deepEqual(problems(window(body)), want));
  it('a scope of two kinds, and a rack that does not exist', () => {
    assert.deepEqual(problems('maintenance:\n  - {name: w, scope: {rack: r1, row: row 1}, every: day, at: "02:00", for: 1h}'),
      ['lab.yaml:3: maintenance[0].scope: one of site, row, rack, pdu or pool (a name or a list of names)']);
    assert.deepEqual(problems('maintenance:\n  - {name: w, scope: {rack: [r1, r9]}, every: day, at: "02:00", for: 1h}'),
      ['lab.yaml:3: maintenance[0].scope.rack[1]: rack "r9" is not defined']);
  });
  it('two windows of one name', () => {
    assert.deepEqual(problems('maintenance:\n  - {name: w, scope: {rack: r1}, every: day, at: "02:00", for: 1h}\n  - {name: w, scope: {rack: r1}, every: day, at: "03:00", for: 1h}'),
      ['lab.yaml:4: maintenance[1].name: maintenance window name "w" is used twice']);
  });
});
