// The schema's own rules (src/config/schema.ts) as table rows: durations, names and addresses, the keys an SNMPv3
// level needs, CIDR blocks, API hosts and origins, every enum value, and the defaults an omitted setting takes.
// Each refused row asserts the exact file:line, key path and message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfigText } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';

const SITES = 'sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}]}]\n';

/** Parses SITES plus the given lines (the first of them is line 2). */
function load(lines: string): Config {
  return parseConfigText(`${SITES}${lines}\n`, 'lab.yaml');
}
function problems(lines: string): string[] {
  try {
    load(lines);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `a ConfigError, not ${String(err)}`);
    return err.problems.map((p) => `${p.file}:${p.line}: ${p.path}: ${p.message}`);
  }
  assert.fail(`expected problems with:\n${lines}`);
}
const pdu = (extra: string) => `pdus: [{name: a, rack: r1, address: 10.0.0.1, outlets: 8${extra}}]`;

describe('durations', () => {
  const accepted: [input: string, ms: number][] = [
    ['250', 250], ['0', 0], ['"250ms"', 250], ['"30s"', 30_000], ['"5m"', 300_000], ['"1h"', 3_600_000],
    ['"1.5s"', 1_500], ['"12.34s"', 12_340], ['"0.25m"', 15_000], ['"2.5h"', 9_000_000], ['"30 s"', 30_000],
    ['"1.0005s"', 1_001], ['"120ms"', 120], ['"10m"', 600_000],
  ];
  for (const [input, ms] of accepted) {
    it(`${input} is ${ms} ms`, () => assert.equal(load(`settings: {pollInterval: ${input}}`).settings.pollInterval, ms));
  }

  const MESSAGE = 'lab.yaml:2: settings.pollInterval: a duration such as "250ms", "30s", "5m", "1h" or "14d"';
  for (const input of ['"30"', '"s"', '"1.s"', '".5s"', '"-1s"', '"30sec"', '"x30s"', '"30s "', '" 30s"', '"1e3ms"', '"30S"', '"3 0s"', '"30ss"', '"1..5s"']) {
    it(`${input} is refused`, () => assert.deepEqual(problems(`settings: {pollInterval: ${input}}`), [MESSAGE]));
  }
  it('a negative or fractional number of milliseconds is refused', () => {
    assert.deepEqual(problems('settings: {pollInterval: -1}'), ['lab.yaml:2: settings.pollInterval: Too small: expected number to be >=0']);
    assert.deepEqual(problems('settings: {pollInterval: 1.5}'), ['lab.yaml:2: settings.pollInterval: Invalid input']);
  });
  it('every duration setting takes the same forms', () => {
    const c = load(`settings: {snmpTimeout: 1s, pollDeadline: 20s, reload: {holdDown: 2m}, api: {sessionLifetime: 1h}}
pdus: [{name: a, rack: r1, address: 10.0.0.1, outlets: 8, pollInterval: 45s}]
nodes: [{name: n, rack: r1, address: 10.0.0.2, psus: [{pdu: a, outlet: 1}], pollInterval: 90s}]
pools: [{name: p, members: [n], backend: {type: haproxy, socket: /run/h.sock, timeout: 750ms}, drain: {upsRuntimeBelow: 5m, debounce: 10s}}]`);
    assert.deepEqual([c.settings.snmpTimeout, c.settings.pollDeadline, c.settings.reload.holdDown, c.settings.api.sessionLifetime], [1_000, 20_000, 120_000, 3_600_000]);
    assert.deepEqual([c.pdus[0]!.pollInterval, c.nodes[0]!.pollInterval], [45_000, 90_000]);
    assert.deepEqual([c.pools[0]!.backend.type === 'haproxy' && c.pools[0]!.backend.timeout, c.pools[0]!.drain.upsRuntimeBelow, c.pools[0]!.drain.debounce], [750, 300_000, 10_000]);
  });
});

describe('names and addresses', () => {
  for (const name of ['a', 'A9', '9x', 'r1.b_c-d', 'dal3-r07-a']) {
    it(`name "${name}" is accepted`, () => assert.equal(load(pdu('').replace('name: a', `name: "${name}"`)).pdus[0]!.name, name));
  }
  for (const name of ['-a', '.a', '_a', 'a b', 'a/b', 'a:b', 'aé', 'a\\u0000']) {
    it(`name ${JSON.stringify(name)} is refused`, () => assert.deepEqual(problems(pdu('').replace('name: a', `name: "${name}"`)),
      ['lab.yaml:2: pdus[0].name: letters, digits, ".", "_" and "-" only']));
  }
  it('an empty name is refused', () => assert.deepEqual(problems(pdu('').replace('name: a', 'name: ""')),
    ['lab.yaml:2: pdus[0].name: Too small: expected string to have >=1 characters', 'lab.yaml:2: pdus[0].name: letters, digits, ".", "_" and "-" only']));

  for (const address of ['10.1.2.3', 'pdu-a.example.com', '10.1.2.3:1161', 'h:1', 'h:65535']) {
    it(`address "${address}" is accepted`, () => assert.equal(load(pdu('').replace('10.0.0.1', `"${address}"`)).pdus[0]!.address, address));
  }
  for (const address of ['a b', 'a:', 'a:123456', ':161', 'a_b', '10.1.2.3:port', '', 'a:1:2', 'http://a']) {
    it(`address "${address}" is refused`, () => assert.deepEqual(problems(pdu('').replace('10.0.0.1', `"${address}"`)),
      ['lab.yaml:2: pdus[0].address: an address such as "10.1.2.3" or "10.1.2.3:1161"']));
  }
});

describe('SNMPv3: the keys a security level needs', () => {
  const AUTH = 'authProtocol: sha256, authKey: k3y-long-enough';
  const PRIV = 'privProtocol: aes, privKey: pr1v-long-enough';
  const rows: [name: string, snmp: string, expect: string[]][] = [
    ['authPriv (the default) with no keys: all four', '{version: "3", user: ops}', ['authProtocol', 'authKey', 'privProtocol', 'privKey'].map((k) => `level authPriv needs ${k}`)],
    ['authPriv without privacy keys', `{version: "3", user: ops, level: authPriv, ${AUTH}}`, ['level authPriv needs privProtocol', 'level authPriv needs privKey']],
    ['authPriv without the privacy key', `{version: "3", user: ops, ${AUTH}, privProtocol: des}`, ['level authPriv needs privKey']],
    ['authPriv without the auth key', `{version: "3", user: ops, authProtocol: md5, ${PRIV}}`, ['level authPriv needs authKey']],
    ['authPriv with all four', `{version: "3", user: ops, ${AUTH}, ${PRIV}}`, []],
    ['authNoPriv with no keys: the auth pair', '{version: "3", user: ops, level: authNoPriv}', ['level authNoPriv needs authProtocol', 'level authNoPriv needs authKey']],
    ['authNoPriv without the protocol', '{version: "3", user: ops, level: authNoPriv, authKey: k3y-long-enough}', ['level authNoPriv needs authProtocol']],
    ['authNoPriv with the auth pair (no privacy keys needed)', `{version: "3", user: ops, level: authNoPriv, ${AUTH}}`, []],
    ['noAuthNoPriv needs no keys', '{version: "3", user: ops, level: noAuthNoPriv}', []],
  ];
  const key = (message: string) => message.split(' ').pop()!;
  for (const [name, snmp, expect] of rows) {
    it(`device: ${name}`, () => {
      const text = pdu(`, snmp: ${snmp}`);
      if (expect.length === 0) assert.equal(load(text).pdus[0]!.snmp.version, '3');
      else assert.deepEqual(problems(text), expect.map((m) => `lab.yaml:2: pdus[0].snmp.${key(m)}: ${m}`));
    });
    it(`trap user: ${name}`, () => {
      const user = snmp.replace('version: "3", ', '');
      const text = `settings:\n  traps:\n    users:\n      - ${user}`;
      if (expect.length === 0) assert.equal(load(text).settings.traps.users[0]!.user, 'ops');
      else assert.deepEqual(problems(text), expect.map((m) => `lab.yaml:5: settings.traps.users[0].${key(m)}: ${m}`));
    });
  }
  it('every protocol named in the schema is accepted', () => {
    for (const auth of ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']) {
      for (const priv of ['des', 'aes', 'aes256b', 'aes256r']) {
        const c = load(pdu(`, snmp: {version: "3", user: ops, authProtocol: ${auth}, authKey: k3y-long-enough, privProtocol: ${priv}, privKey: pr1v-long-enough, context: c1}`));
        assert.deepEqual(c.pdus[0]!.snmp, { version: '3', user: 'ops', level: 'authPriv', authProtocol: auth, authKey: 'k3y-long-enough', privProtocol: priv, privKey: 'pr1v-long-enough', context: 'c1' });
      }
    }
  });
  it('v1 and v2c carry a community; another version is refused', () => {
    assert.deepEqual(load(pdu(', snmp: {version: "1", community: c1}')).pdus[0]!.snmp, { version: '1', community: 'c1' });
    assert.deepEqual(load(pdu(', snmp: {version: "2c", community: c2}')).pdus[0]!.snmp, { version: '2c', community: 'c2' });
    assert.deepEqual(problems(pdu(', snmp: {version: "4", community: c1}')), ["lab.yaml:2: pdus[0].snmp.version: Invalid discriminator value. Expected '2c' | '1' | '3'"]);
  });
});

describe('trap sources, relays, API hosts and origins', () => {
  it('allow-list and relays take IPv4 addresses and blocks', () => {
    const c = load('settings: {traps: {allow: [10.0.0.0/8, 192.0.2.7], relays: [192.0.2.0/24]}}');
    assert.deepEqual([c.settings.traps.allow, c.settings.traps.relays], [['10.0.0.0/8', '192.0.2.7'], ['192.0.2.0/24']]);
  });
  it('a bad block is refused, quoted, where it stands', () => {
    assert.deepEqual(problems('settings: {traps: {allow: [10.0.0.0/8, 10.0.0.0/33]}}'),
      ['lab.yaml:2: settings.traps.allow[1]: "10.0.0.0/33" is not an IPv4 address or CIDR block such as "10.0.0.0/8": the prefix must be 0–32 (33 is not)']);
    assert.deepEqual(problems('settings: {traps: {relays: [300.1.1.1/8]}}'),
      ['lab.yaml:2: settings.traps.relays[0]: "300.1.1.1/8" is not an IPv4 address or CIDR block such as "10.0.0.0/8": each of the four numbers must be 0–255 (300 is not)']);
  });

  it('hosts: names and addresses with optional ports, lower-cased', () => {
    assert.deepEqual(load('settings: {api: {hosts: [NOC.Example.com, "noc:8443", "[::1]:8080", "[fe80::1]", 10.0.0.5]}}').settings.api.hosts,
      ['noc.example.com', 'noc:8443', '[::1]:8080', '[fe80::1]', '10.0.0.5']);
  });
  for (const host of ['http://noc', 'noc/x', 'a b', '', '::1', 'noc:123456', '[::1', 'noc:']) {
    it(`host ${JSON.stringify(host)} is refused`, () => assert.deepEqual(problems(`settings: {api: {hosts: ["${host}"]}}`),
      ['lab.yaml:2: settings.api.hosts[0]: a host name, optionally with a port, such as "noc.example.com" or "[::1]:8080"']));
  }
  it('no hosts at all is refused', () => assert.deepEqual(problems('settings: {api: {hosts: []}}'),
    ['lab.yaml:2: settings.api.hosts: Too small: expected array to have >=1 items']));

  it('origins: scheme, host and port, normalized', () => {
    assert.deepEqual(load('settings: {api: {origins: ["https://noc.example.com", "HTTP://NOC:8080/", "https://noc.example.com:443"]}}').settings.api.origins,
      ['https://noc.example.com', 'http://noc:8080', 'https://noc.example.com']);
  });
  for (const origin of ['ftp://noc', 'https://noc/path', 'noc.example.com', 'https://noc?x=1', 'https://noc#x', 'https://user:pw@noc', 'not a url', 'file:///etc']) {
    it(`origin ${JSON.stringify(origin)} is refused`, () => assert.deepEqual(problems(`settings: {api: {origins: ["${origin}"]}}`),
      ['lab.yaml:2: settings.api.origins[0]: an origin such as "https://noc.example.com" (scheme, host, optional port; no path)']));
  }
});

describe('enums', () => {
  it('every value of every enum is accepted, and another is refused', () => {
    const c = load(`pdus: [{name: a, rack: r1, feed: A, address: 10.0.0.1, outlets: 8}, {name: b, rack: r1, feed: B, address: 10.0.0.2, outlets: 8}]
nodes: [{name: s, rack: r1, kind: storage, address: 10.0.0.3, psus: [{pdu: a, outlet: 1}]}, {name: t, rack: r1, kind: server, address: 10.0.0.4, psus: [{pdu: a, outlet: 2}]}]
pools: [{name: p, members: [s], backend: {type: file, dir: d}, drain: {on: [lost, degraded, ups-battery]}}]
settings: {mode: shadow}`);
    assert.deepEqual(c.pdus.map((p) => p.feed), ['A', 'B']);
    assert.deepEqual(c.nodes.map((n) => n.kind), ['storage', 'server']);
    assert.deepEqual(c.pools[0]!.drain.on, ['lost', 'degraded', 'ups-battery']);
    assert.equal(c.settings.mode, 'shadow');
    assert.equal(load('settings: {mode: live}').settings.mode, 'live');
    assert.deepEqual(problems('settings: {mode: dry-run}'), ['lab.yaml:2: settings.mode: Invalid option: expected one of "live"|"shadow"']);
    assert.deepEqual(problems(pdu(', feed: C')), ['lab.yaml:2: pdus[0].feed: Invalid option: expected one of "A"|"B"']);
    assert.deepEqual(problems('pools: [{name: p, members: [s], backend: {type: file, dir: d}, drain: {on: [fire]}}]'),
      ['lab.yaml:2: pools[0].drain.on[0]: Invalid option: expected one of "lost"|"degraded"|"ups-battery"']);
  });
});

describe('defaults', () => {
  const minimal = () => parseConfigText(`${SITES}pdus: [{name: a, rack: r1, address: 10.0.0.1, outlets: 8}]
nodes: [{name: n, rack: r1, address: 10.0.0.2, psus: [{pdu: a, outlet: 1}]}]
pools:
  - {name: f, members: [n], backend: {type: file, dir: var/pools}}
  - {name: h, members: [n], backend: {type: haproxy, socket: /run/haproxy.sock}}
  - {name: w, members: [n], backend: {type: webhook, url: "https://lb.example.com/hook"}}
`, 'lab.yaml');

  /** Only the keys named in `expected`: a setting added later does not break this test. */
  const pick = <T extends object>(actual: T, expected: Partial<T>) => Object.fromEntries(Object.keys(expected).map((k) => [k, actual[k as keyof T]]));

  it('devices', () => {
    const c = minimal();
    assert.deepEqual(pick(c.pdus[0]!, { snmp: { version: '2c', community: 'public' }, profile: 'auto', banks: 1, phases: 1 }),
      { snmp: { version: '2c', community: 'public' }, profile: 'auto', banks: 1, phases: 1 });
    assert.deepEqual(pick(c.nodes[0]!, { snmp: { version: '2c', community: 'public' }, kind: 'server' }), { snmp: { version: '2c', community: 'public' }, kind: 'server' });
    assert.deepEqual([c.services, c.pdus[0]!.feed, c.pdus[0]!.upstream, c.pdus[0]!.pollInterval], [[], undefined, undefined, undefined]);
  });

  it('pools: drain policy and backends', () => {
    const c = minimal();
    const drain = { on: ['lost'], upsRuntimeBelow: 600_000, debounce: 0, maxDrainedFraction: 0.5, minHealthy: { count: 0, fraction: 0 }, maxDrainsPerMinute: 0 };
    for (const pool of c.pools) assert.deepEqual(pool.drain, drain, pool.name);
    assert.equal(c.pools[0]!.shadow, undefined);
    assert.deepEqual(c.pools.map((p) => p.backend), [
      { type: 'file', dir: 'var/pools' },
      { type: 'haproxy', socket: '/run/haproxy.sock', servers: {}, timeout: 2_000 },
      { type: 'webhook', url: 'https://lb.example.com/hook', timeout: 5_000, retries: 3 },
    ]);
    const partial = load(`pdus: [{name: a, rack: r1, address: 10.0.0.1, outlets: 8}]
nodes: [{name: n, rack: r1, address: 10.0.0.2, psus: [{pdu: a, outlet: 1}]}]
pools: [{name: p, members: [n], backend: {type: file, dir: d}, drain: {debounce: 5s, minHealthy: {count: 2}}}]`);
    assert.deepEqual(partial.pools[0]!.drain, { ...drain, debounce: 5_000, minHealthy: { count: 2, fraction: 0 } });
    const fraction = load(`pdus: [{name: a, rack: r1, address: 10.0.0.1, outlets: 8}]
nodes: [{name: n, rack: r1, address: 10.0.0.2, psus: [{pdu: a, outlet: 1}]}]
pools: [{name: p, members: [n], backend: {type: file, dir: d}, drain: {minHealthy: {fraction: 0.25}}}]`);
    assert.deepEqual(fraction.pools[0]!.drain.minHealthy, { count: 0, fraction: 0.25 });
  });

  it('settings', () => {
    const s = minimal().settings;
    const expected = {
      pollInterval: 30_000, staleAfterPolls: 3, snmpTimeout: 2_000, snmpRetries: 1, pollConcurrency: 32,
      reload: { schedule: '0 * * * *', holdDown: 300_000 }, http: { port: 8080, host: '0.0.0.0' },
      simulate: false, simulatorHttpPort: null, mode: 'live', database: 'var/breakerbox.db', massFailure: { minPdus: 2, fraction: 0.5 },
    } as const;
    assert.deepEqual(pick(s, expected), expected);
    assert.deepEqual(pick(s.traps, { enabled: true, address: '0.0.0.0', port: 162, communities: [], users: [], perSourceRate: 500, mibDirs: [], receiveBuffer: 8 * 1024 * 1024 }),
      { enabled: true, address: '0.0.0.0', port: 162, communities: [], users: [], perSourceRate: 500, mibDirs: [], receiveBuffer: 8 * 1024 * 1024 });
    assert.deepEqual([s.traps.allow, s.traps.relays], [undefined, undefined]);
    assert.deepEqual(pick(s.api, { tokens: [], protectReads: false, hosts: ['localhost', '127.0.0.1', '[::1]'], origins: [] }),
      { tokens: [], protectReads: false, hosts: ['localhost', '127.0.0.1', '[::1]'], origins: [] });
  });

  it('a partly given section keeps the defaults of the rest', () => {
    const s = load('settings: {reload: {timezone: UTC}, http: {port: 0}, massFailure: {fraction: 0.75}, api: {protectReads: true}, traps: {port: 0}}').settings;
    assert.deepEqual(s.reload, { schedule: '0 * * * *', timezone: 'UTC', holdDown: 300_000 });
    assert.deepEqual(s.http, { port: 0, host: '0.0.0.0' });
    assert.deepEqual(s.massFailure, { minPdus: 2, fraction: 0.75 });
    assert.deepEqual(pick(s.api, { tokens: [], protectReads: true, hosts: ['localhost', '127.0.0.1', '[::1]'], origins: [] }),
      { tokens: [], protectReads: true, hosts: ['localhost', '127.0.0.1', '[::1]'], origins: [] });
    assert.equal(s.traps.enabled, true);
    assert.equal(s.traps.port, 0);
  });
});

describe('bounds', () => {
  const NODE = 'nodes: [{name: n, rack: r1, address: 10.0.0.2, psus: [{pdu: a, outlet: 1}]}]';
  const pool = (backend: string) => `${pdu('')}\n${NODE}\npools: [{name: p, members: [n], backend: ${backend}}]`;
  const SECRET = 'x'.repeat(16);
  const accepted: [name: string, lines: string][] = [
    ['3 phases', pdu(', phases: 3')],
    ['an HAProxy backend name and server names', pool('{type: haproxy, socket: /run/h.sock, backend: be_web, servers: {n: web-01}}')],
    ['a webhook secret of 16 characters, 10 retries', pool(`{type: webhook, url: "https://lb/hook", secret: ${SECRET}, retries: 10}`)],
    ['a webhook with no retries', pool('{type: webhook, url: "https://lb/hook", retries: 0}')],
    ['the largest rows per table, value size, receive buffer', 'settings: {maxRowsPerTable: 20000, maxValueBytes: 65536, traps: {receiveBuffer: 16777216}}'],
    ['the smallest rows per table, value size, receive buffer', 'settings: {maxRowsPerTable: 16, maxValueBytes: 64, traps: {receiveBuffer: 65536}}'],
    ['simulator HTTP ports', 'settings: {simulatorHttpPort: 65535}'],
    ['mass failure from 3 PDUs', 'settings: {massFailure: {minPdus: 3}}'],
    ['an API token', 'settings: {api: {tokens: [{name: ops, token: 0123456789abcdef0123}]}}'],
    ['two sites', 'sites: [{name: Lab, rows: [{name: row 1, racks: [r1]}]}, {name: Annex, rows: [{name: row 1, racks: [r2]}]}]'],
  ];
  for (const [name, lines] of accepted) {
    it(`accepted: ${name}`, () => assert.ok(lines.startsWith('sites:') ? parseConfigText(`${lines}\n`, 'lab.yaml') : load(lines)));
  }
  const refused: [lines: string, problem: string][] = [
    [pdu(', phases: 4'), 'pdus[0].phases: Too big: expected number to be <=3'],
    [pdu(', phases: 0'), 'pdus[0].phases: Too small: expected number to be >=1'],
    [pool(`{type: webhook, url: "https://lb/hook", secret: ${SECRET.slice(1)}}`), 'pools[0].backend.secret: Too small: expected string to have >=16 characters'],
    [pool('{type: webhook, url: "https://lb/hook", retries: 11}'), 'pools[0].backend.retries: Too big: expected number to be <=10'],
    ['settings: {maxRowsPerTable: 20001}', 'settings.maxRowsPerTable: Too big: expected number to be <=20000'],
    ['settings: {maxRowsPerTable: 15}', 'settings.maxRowsPerTable: Too small: expected number to be >=16'],
    ['settings: {maxValueBytes: 65537}', 'settings.maxValueBytes: Too big: expected number to be <=65536'],
    ['settings: {maxValueBytes: 63}', 'settings.maxValueBytes: Too small: expected number to be >=64'],
    ['settings: {traps: {receiveBuffer: 65535}}', 'settings.traps.receiveBuffer: Too small: expected number to be >=65536'],
    ['settings: {simulatorHttpPort: 0}', 'settings.simulatorHttpPort: Too small: expected number to be >=1'],
    ['settings: {massFailure: {minPdus: 0}}', 'settings.massFailure.minPdus: Too small: expected number to be >=1'],
    ['settings: {api: {tokens: [{name: ops, token: short}]}}', 'settings.api.tokens[0].token: Too small: expected string to have >=16 characters'],
  ];
  for (const [lines, problem] of refused) {
    it(`refused: ${problem}`, () => assert.deepEqual(problems(lines), [`lab.yaml:${lines.includes('\n') ? 4 : 2}: ${problem}`]));
  }
  it('no site at all is refused', () => {
    assert.throws(() => parseConfigText('sites: []\n', 'lab.yaml'), (err: unknown) => err instanceof ConfigError
      && err.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`).join() === '1: sites: Too small: expected array to have >=1 items');
  });
  it('an API section given in part keeps reads open and sessions at 12 hours', () => {
    const api = load('settings: {api: {tokens: []}}').settings.api;
    assert.deepEqual([api.protectReads, api.sessionLifetime], [false, 12 * 3_600_000]);
    assert.equal(load('settings: {}').settings.api.sessionLifetime, 43_200_000);
  });
  it('an origin whose scheme only contains "http" is refused', () => {
    assert.deepEqual(problems('settings: {api: {origins: ["xhttp://noc"]}}'),
      ['lab.yaml:2: settings.api.origins[0]: an origin such as "https://noc.example.com" (scheme, host, optional port; no path)']);
  });
});
