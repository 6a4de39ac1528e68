// Every cross-reference check (src/config/references.ts) as a table row: the config that breaks it, and the exact
// problems expected, each located by file:line and key path. A row fails when its check is removed or inverted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfigText } from '../src/config/load-config.js';

// Line numbers below refer to this text (line 1 is "sites:").
const BASE = `sites:
  - name: Lab
    rows:
      - name: row 1
        racks: [r1, r2]
pdus:
  - {name: a, rack: r1, address: 10.0.0.1, outlets: 8, banks: 2}
  - {name: b, rack: r2, address: 10.0.0.2, outlets: 8}
  - {name: ups, rack: r2, address: 10.0.0.3, outlets: 4}
nodes:
  - name: web-1
    rack: r1
    address: 10.0.1.1
    psus:
      - {pdu: a, outlet: 1}
      - {pdu: b, outlet: 1}
  - name: web-2
    rack: r2
    address: 10.0.1.2
    psus:
      - {pdu: a, outlet: 2}
pools:
  - name: web
    members: [web-1, web-2]
    backend: {type: file, dir: var/pools}
services:
  - {name: shop, pools: [web]}
`;

/** Replaces one whole line (1-based) of BASE, so every other line keeps its number. */
function withLine(line: number, text: string, base = BASE): string {
  const lines = base.split('\n');
  assert.ok(lines[line - 1] !== undefined, `line ${line} exists`);
  lines[line - 1] = text;
  return lines.join('\n');
}
const v3 = (extra: string) => `snmp: {version: "3", user: ops, level: noAuthNoPriv${extra}}`;

/** Every problem as "file:line: path: message", or [] when the text is accepted. */
function problems(text: string): string[] {
  try {
    parseConfigText(text, 'lab.yaml');
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, `a ConfigError, not ${String(err)}`);
    assert.equal(err.code, 'BB_ERR_CONFIG');
    return err.problems.map((p) => `${p.file}:${p.line}: ${p.path}: ${p.message}`);
  }
}

interface Row { name: string; text: string; expect: string[] }

const rows: Row[] = [
  { name: 'the base config is accepted', text: BASE, expect: [] },

  // Unique names.
  { name: 'a PDU name used twice', text: withLine(9, '  - {name: b, rack: r2, address: 10.0.0.3, outlets: 4}'),
    expect: ['lab.yaml:9: pdus[2].name: PDU name "b" is used twice'] },
  { name: 'a node name used twice (and the pool then names a node that is gone)', text: withLine(17, '  - name: web-1'),
    expect: ['lab.yaml:17: nodes[1].name: node name "web-1" is used twice', 'lab.yaml:24: pools[0].members[1]: node "web-2" is not defined under nodes'] },
  { name: 'a pool name used twice', text: withLine(25, '    backend: {type: file, dir: var/pools}\n  - {name: web, members: [web-2], backend: {type: file, dir: var/b}}'),
    expect: ['lab.yaml:26: pools[1].name: pool name "web" is used twice'] },
  { name: 'a rack listed twice across rows', text: withLine(5, '        racks: [r1, r2, r1]'),
    expect: ['lab.yaml:2: sites: rack name "r1" is used twice'] },

  // PDUs.
  { name: 'a PDU in a rack no row holds', text: withLine(8, '  - {name: b, rack: r9, address: 10.0.0.2, outlets: 8}'),
    expect: ['lab.yaml:8: pdus[1].rack: rack "r9" is not in any site\'s rows'] },
  { name: 'more banks than outlets', text: withLine(9, '  - {name: ups, rack: r2, address: 10.0.0.3, outlets: 4, banks: 5}'),
    expect: ['lab.yaml:9: pdus[2].banks: 5 banks cannot share 4 outlets'] },
  { name: 'as many banks as outlets is fine', text: withLine(9, '  - {name: ups, rack: r2, address: 10.0.0.3, outlets: 4, banks: 4}'), expect: [] },
  { name: 'an upstream device that is not defined', text: withLine(8, '  - {name: b, rack: r2, address: 10.0.0.2, outlets: 8, upstream: nope}'),
    expect: ['lab.yaml:8: pdus[1].upstream: device "nope" is not defined under pdus'] },
  { name: 'a defined upstream device is fine', text: withLine(8, '  - {name: b, rack: r2, address: 10.0.0.2, outlets: 8, upstream: ups}'), expect: [] },
  { name: 'a device feeding itself', text: withLine(8, '  - {name: b, rack: r2, address: 10.0.0.2, outlets: 8, upstream: b}'),
    expect: ['lab.yaml:8: pdus[1].upstream: a device cannot feed itself'] },

  // Addresses: one address and SNMP view per device.
  { name: 'two PDUs on one address and community', text: withLine(8, '  - {name: b, rack: r2, address: 10.0.0.1, outlets: 8}'),
    expect: ['lab.yaml:8: pdus[1].address: address 10.0.0.1 is already used by PDU a'] },
  { name: 'port 161 is the default port', text: withLine(8, '  - {name: b, rack: r2, address: "10.0.0.1:161", outlets: 8}'),
    expect: ['lab.yaml:8: pdus[1].address: address 10.0.0.1:161 is already used by PDU a'] },
  { name: 'another port is another agent', text: withLine(8, '  - {name: b, rack: r2, address: "10.0.0.1:1161", outlets: 8}'), expect: [] },
  { name: 'another community on one address is another device (an SNMP proxy)',
    text: withLine(8, '  - {name: b, rack: r2, address: 10.0.0.1, outlets: 8, snmp: {version: "2c", community: other}}'), expect: [] },
  { name: 'v1 and v2c with one community on one address clash',
    text: withLine(8, '  - {name: b, rack: r2, address: 10.0.0.1, outlets: 8, snmp: {version: "1", community: public}}'),
    expect: ['lab.yaml:8: pdus[1].address: address 10.0.0.1 is already used by PDU a'] },
  { name: 'a node on a PDU\'s address', text: withLine(19, '    address: 10.0.0.1'),
    expect: ['lab.yaml:19: nodes[1].address: address 10.0.0.1 is already used by PDU a'] },
  { name: 'two nodes on one address', text: withLine(19, '    address: 10.0.1.1'),
    expect: ['lab.yaml:19: nodes[1].address: address 10.0.1.1 is already used by node web-1'] },
  { name: 'v3: one user without context on one address clash',
    text: withLine(8, `  - {name: b, rack: r2, address: 10.0.0.1, outlets: 8, ${v3('')}}`, withLine(7, `  - {name: a, rack: r1, address: 10.0.0.1, outlets: 8, banks: 2, ${v3('')}}`)),
    expect: ['lab.yaml:8: pdus[1].address: address 10.0.0.1 is already used by PDU a'] },
  { name: 'v3: an empty context is no context',
    text: withLine(8, `  - {name: b, rack: r2, address: 10.0.0.1, outlets: 8, ${v3(', context: ""')}}`, withLine(7, `  - {name: a, rack: r1, address: 10.0.0.1, outlets: 8, banks: 2, ${v3('')}}`)),
    expect: ['lab.yaml:8: pdus[1].address: address 10.0.0.1 is already used by PDU a'] },
  { name: 'v3: another context is another device',
    text: withLine(8, `  - {name: b, rack: r2, address: 10.0.0.1, outlets: 8, ${v3(', context: pdu2')}}`, withLine(7, `  - {name: a, rack: r1, address: 10.0.0.1, outlets: 8, banks: 2, ${v3('')}}`)),
    expect: [] },
  { name: 'v3: another user is another view',
    text: withLine(8, `  - {name: b, rack: r2, address: 10.0.0.1, outlets: 8, snmp: {version: "3", user: ops2, level: noAuthNoPriv}}`, withLine(7, `  - {name: a, rack: r1, address: 10.0.0.1, outlets: 8, banks: 2, ${v3('')}}`)),
    expect: [] },
  { name: 'v3 user "public" and a v2c community "public" are not one view',
    text: withLine(8, '  - {name: b, rack: r2, address: 10.0.0.1, outlets: 8, snmp: {version: "3", user: public, level: noAuthNoPriv}}'), expect: [] },

  // Nodes and cabling.
  { name: 'a node in a rack no row holds', text: withLine(18, '    rack: r9'),
    expect: ['lab.yaml:18: nodes[1].rack: rack "r9" is not in any site\'s rows'] },
  { name: 'a PSU on a PDU that is not defined (its outlet is not checked)', text: withLine(21, '      - {pdu: z, outlet: 99}'),
    expect: ['lab.yaml:21: nodes[1].psus[0].pdu: PDU "z" is not defined under pdus'] },
  { name: 'an outlet the PDU does not have', text: withLine(21, '      - {pdu: a, outlet: 9}'),
    expect: ['lab.yaml:21: nodes[1].psus[0].outlet: PDU a has outlets 1-8, not 9'] },
  { name: 'the last outlet is fine', text: withLine(21, '      - {pdu: a, outlet: 8}'), expect: [] },
  { name: 'two PSUs on one missing outlet: each out of range, never "already feeds"',
    text: withLine(21, '      - {pdu: a, outlet: 9}', withLine(15, '      - {pdu: a, outlet: 9}')),
    expect: ['lab.yaml:15: nodes[0].psus[0].outlet: PDU a has outlets 1-8, not 9', 'lab.yaml:21: nodes[1].psus[0].outlet: PDU a has outlets 1-8, not 9'] },
  { name: 'an outlet that already feeds another node\'s second PSU', text: withLine(21, '      - {pdu: b, outlet: 1}'),
    expect: ['lab.yaml:21: nodes[1].psus[0].outlet: outlet 1 of b already feeds web-1 PSU 2'] },
  { name: 'both PSUs of one node on one outlet', text: withLine(16, '      - {pdu: a, outlet: 1}'),
    expect: ['lab.yaml:16: nodes[0].psus[1].outlet: outlet 1 of a already feeds web-1 PSU 1'] },

  // Pools and services.
  { name: 'a member that is not a node', text: withLine(24, '    members: [web-1, web-3]'),
    expect: ['lab.yaml:24: pools[0].members[1]: node "web-3" is not defined under nodes'] },
  { name: 'a member listed twice', text: withLine(24, '    members: [web-1, web-2, web-1]'),
    expect: ['lab.yaml:24: pools[0].members[2]: node "web-1" is listed twice'] },
  { name: 'an unknown member listed twice: both problems', text: withLine(24, '    members: [web-3, web-3]'),
    expect: [
      'lab.yaml:24: pools[0].members[0]: node "web-3" is not defined under nodes',
      'lab.yaml:24: pools[0].members[1]: node "web-3" is not defined under nodes',
      'lab.yaml:24: pools[0].members[1]: node "web-3" is listed twice',
    ] },
  { name: 'one node in two pools is fine', text: withLine(25, '    backend: {type: file, dir: var/pools}\n  - {name: api, members: [web-1], backend: {type: file, dir: var/b}}'), expect: [] },
  { name: 'a service naming a pool that is not defined', text: withLine(27, '  - {name: shop, pools: [web, api]}'),
    expect: ['lab.yaml:27: services[0].pools[1]: pool "api" is not defined under pools'] },

  // Settings.
  { name: 'a reload schedule that is not cron', text: `${BASE}settings: {reload: {schedule: "every hour"}}\n`,
    expect: ['lab.yaml:28: settings.reload.schedule: "every hour" is not a cron expression (e.g. "0 * * * *" for hourly)'] },
  { name: 'a cron reload schedule is fine', text: `${BASE}settings: {reload: {schedule: "*/5 * * * *"}}\n`, expect: [] },
];

describe('config reference checks', () => {
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(problems(row.text), row.expect));
  }

  it('several problems are all reported, in config order', () => {
    const text = withLine(24, '    members: [web-1, web-3]', withLine(18, '    rack: r9', withLine(8, '  - {name: b, rack: r9, address: 10.0.0.2, outlets: 8}')));
    assert.deepEqual(problems(text), [
      'lab.yaml:8: pdus[1].rack: rack "r9" is not in any site\'s rows',
      'lab.yaml:18: nodes[1].rack: rack "r9" is not in any site\'s rows',
      'lab.yaml:24: pools[0].members[1]: node "web-3" is not defined under nodes',
    ]);
  });
});
