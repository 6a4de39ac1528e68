import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../src/paths.js';
import { MibNames, mibDirs, projectMibDir } from '../src/traps/mib-names.js';

const SHARED_MIBS = process.env.BREAKERBOX_MIBS ?? join(packageRoot(), '..', 'shared', 'mibs');

function recordingLog(): { warn(obj: object, msg: string): void; warnings: { obj: object; msg: string }[] } {
  const warnings: { obj: object; msg: string }[] = [];
  return { warnings, warn: (obj, msg) => { warnings.push({ obj, msg }); } };
}

const mib = (name: string, imports: string, body: string): string =>
  `${name} DEFINITIONS ::= BEGIN\nIMPORTS\n${imports};\n\n${body}\nEND\n`;

// A module hanging from one defined in a file that sorts after it: loads only in dependency order.
const DEPENDENT_MIB = mib('AAA-DEPENDENT-MIB', '    OBJECT-TYPE, Integer32 FROM SNMPv2-SMI\n    goodObjects FROM GOOD-MIB', `
dependentValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "Imports from GOOD-MIB."
    ::= { goodObjects 2 }`);

const goodMib = (arc: number, valueName = 'goodValue'): string => mib('GOOD-MIB', '    MODULE-IDENTITY, OBJECT-TYPE, NOTIFICATION-TYPE, Integer32, enterprises FROM SNMPv2-SMI', `
goodMIB MODULE-IDENTITY
    LAST-UPDATED "202401010000Z"
    ORGANIZATION "Breakerbox tests"
    CONTACT-INFO "none"
    DESCRIPTION  "A small valid MIB."
    ::= { enterprises ${arc} }

goodObjects       OBJECT IDENTIFIER ::= { goodMIB 1 }
goodNotifications OBJECT IDENTIFIER ::= { goodMIB 0 }

${valueName} OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "A value."
    ::= { goodObjects 1 }

goodEvent NOTIFICATION-TYPE
    OBJECTS     { ${valueName} }
    STATUS      current
    DESCRIPTION "Something happened."
    ::= { goodNotifications 1 }`);

// Stops in the middle of a definition: no END.
const TRUNCATED_MIB = `BROKEN-MIB DEFINITIONS ::= BEGIN
IMPORTS
    OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;

broken OBJECT IDENTIFIER ::= { enterprises 99998 }

brokenValue OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "The file stops in the middle of the next definition."
    ::= { broken 1 }

brokenOther OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-only
`;

// Hangs its nodes from a module nobody has.
const ORPHAN_MIB = mib('ORPHAN-MIB', '    OBJECT-TYPE, Integer32 FROM SNMPv2-SMI\n    fooRoot FROM NO-SUCH-MIB', `
orphan OBJECT IDENTIFIER ::= { fooRoot 1 }`);

describe('MIB names from ../shared/mibs', () => {
  let names: MibNames;
  let warnings: { obj: object; msg: string }[];
  let maxGapMs = 0;
  let ticks = 0;
  let loadMs = 0;

  before(async () => {
    const log = recordingLog();
    warnings = log.warnings;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
      ticks++;
    }, 10);
    const started = performance.now();
    try {
      names = await MibNames.load([SHARED_MIBS], log);
    } finally {
      clearInterval(timer);
    }
    loadMs = performance.now() - started;
  });

  it('keeps the event loop responsive while the MIBs load', () => {
    // Parsing takes seconds of CPU (PowerNet-MIB alone about one); on the main thread that would
    // be one gap of that size. The bound is about blocking, not speed: generous on purpose.
    assert.ok(ticks >= 10, `the 10 ms timer fired ${ticks} times during a ${Math.round(loadMs)} ms load`);
    assert.ok(maxGapMs < 250, `the event loop stalled for ${Math.round(maxGapMs)} ms`);
  });

  it('loads every module and reports no failures', () => {
    assert.deepEqual(names.failed, []);
    for (const module of ['PowerNet-MIB', 'UPS-MIB', 'CPS-MIB', 'Sentry3-MIB', 'Sentry4-MIB', 'PDU2-MIB', 'EATON-EPDU-MIB', 'XUPS-MIB', 'ENTITY-SENSOR-MIB', 'SNMPv2-MIB']) {
      assert.ok(names.modules.includes(module), `${module} loaded`);
    }
  });

  it('warns about modules that import from modules nobody provided', () => {
    const incomplete = warnings.flatMap((w) => (w.obj as { incomplete?: { module: string; missingImports: string[] }[] }).incomplete ?? []);
    assert.deepEqual(incomplete.find((i) => i.module === 'ENTITY-MIB')?.missingImports, ['IANA-ENTITY-MIB']);
  });

  const cases: [oid: string, name: string, what: string][] = [
    ['1.3.6.1.4.1.318.0.636', 'PowerNet-MIB::apcTestTrap', 'SMIv1 TRAP-TYPE at enterprise.0.specific'],
    ['1.3.6.1.4.1.318.0.5', 'PowerNet-MIB::upsOnBattery', 'TRAP-TYPE'],
    ['1.3.6.1.4.1.318.2.3.3.0', 'PowerNet-MIB::mtrapargsString.0', 'scalar instance'],
    ['1.3.6.1.4.1.318.1.1.26.9.2.3.1.5.7', 'PowerNet-MIB::rPDU2OutletSwitchedStatusState.7', 'table column instance'],
    ['1.3.6.1.6.3.1.1.4.3.0', 'SNMPv2-MIB::snmpTrapEnterprise.0', 'SNMPv2-MIB varbind'],
    ['1.3.6.1.6.3.1.1.4.1.0', 'SNMPv2-MIB::snmpTrapOID.0', 'SNMPv2-MIB varbind'],
    ['1.3.6.1.6.3.1.1.5.1', 'SNMPv2-MIB::coldStart', 'generic trap 0 as RFC 3584 converts it'],
    ['1.3.6.1.2.1.1.1.0', 'SNMPv2-MIB::sysDescr.0', 'SMIv2 name preferred to RFC1213-MIB'],
    ['1.3.6.1.2.1.33.2.0.1', 'UPS-MIB::upsTrapOnBattery', 'SMIv2 notification sent as SNMPv1 (enterprise upsTraps, specific 1)'],
    ['1.3.6.1.2.1.33.2.1', 'UPS-MIB::upsTrapOnBattery', 'SMIv2 notification at its own OID'],
    ['1.3.6.1.2.1.33.1.2.3.0', 'UPS-MIB::upsEstimatedMinutesRemaining.0', 'scalar instance'],
    ['1.3.6.1.4.1.3808.0.5', 'CPS-MIB::upsOnBattery', 'CyberPower TRAP-TYPE'],
    ['1.3.6.1.4.1.3808.2.2.3.0', 'CPS-MIB::mtrapinfoString.0', 'CyberPower trap argument'],
    ['1.3.6.1.4.1.3808.1.1.6.6.1.4.1.5.12', 'CPS-MIB::ePDU2OutletSwitchedStatusState.12', 'CyberPower column'],
    ['1.3.6.1.4.1.1718.3.100.0.4', 'Sentry3-MIB::outletStatusEvent', 'ServerTech notification'],
    ['1.3.6.1.4.1.1718.3.2.3.1.3.1.1.1', 'Sentry3-MIB::outletName.1.1.1', 'ServerTech column, three-part index'],
    ['1.3.6.1.4.1.1718.4.100.0.1', 'Sentry4-MIB::st4UnitStatusEvent', 'ServerTech Sentry4 notification'],
    ['1.3.6.1.4.1.13742.6.0.63', 'PDU2-MIB::outletSensorStateChange', 'Raritan notification'],
    ['1.3.6.1.4.1.534.6.6.7.0.1', 'EATON-EPDU-MIB::notifyUserLogin', 'Eaton notification'],
    ['1.3.6.1.2.1.99.1.1.1.4.1001', 'ENTITY-SENSOR-MIB::entPhySensorValue.1001', 'standard MIB column'],
    ['.1.3.6.1.4.1.318.0.636', 'PowerNet-MIB::apcTestTrap', 'leading dot'],
    ['1.3.6.1.4.1.318.0.9999', 'PowerNet-MIB::apc.0.9999', 'unknown trap of a known vendor: nearest named node'],
    ['1.3.6.1.4.1', 'SNMPv2-SMI::enterprises', 'SMI skeleton, exact'],
  ];
  for (const [oid, expected, what] of cases) {
    it(`names ${oid} ${expected} (${what})`, () => assert.equal(names.name(oid), expected));
  }

  it('leaves OIDs nothing names numeric', () => {
    // Below the SMI skeleton only: "enterprises.99999.1" would say no more than the number.
    for (const oid of ['1.3.6.1.4.1.99999.1.2', '1.3.6.1.2.1.9999.1', '1.3.6.1.4.1.99999', '1.2.3', '2.5.4.3', 'not-an-oid', '']) {
      assert.equal(names.name(oid), oid, oid);
    }
  });
});

describe('MIB names from bad files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'breakerbox-mibs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('skips and reports the files that do not parse, and loads everything else', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'AAA-DEPENDENT-MIB.mib'), DEPENDENT_MIB);
    writeFileSync(join(bad, 'BROKEN-MIB.mib'), TRUNCATED_MIB);
    writeFileSync(join(bad, 'GOOD-MIB.my'), goodMib(99997));
    writeFileSync(join(bad, 'ORPHAN-MIB.txt'), ORPHAN_MIB);
    writeFileSync(join(bad, 'notes.txt'), 'not a MIB, just notes\n');
    writeFileSync(join(bad, 'README.md'), '# vendor MIBs\n');
    const missing = join(dir, 'no-such-dir');
    const log = recordingLog();

    // The bad files come first, so everything after them (the shared MIBs) shows they broke nothing.
    const names = await MibNames.load([bad, missing, SHARED_MIBS], log);

    assert.deepEqual(names.failed.map((f) => basename(f.file)).sort(), ['BROKEN-MIB.mib', 'ORPHAN-MIB.txt', 'no-such-dir', 'notes.txt']);
    const why = new Map(names.failed.map((f) => [basename(f.file), f.error]));
    assert.match(why.get('BROKEN-MIB.mib') ?? '', /no END/);
    assert.match(why.get('ORPHAN-MIB.txt') ?? '', /NO-SUCH-MIB/);
    assert.match(why.get('notes.txt') ?? '', /not a MIB module/);
    assert.ok(!names.modules.includes('BROKEN-MIB') && !names.modules.includes('ORPHAN-MIB'));

    const failures = log.warnings.find((w) => 'failed' in w.obj);
    assert.equal((failures?.obj as { count?: number } | undefined)?.count, 4);
    assert.match(failures?.msg ?? '', /BROKEN-MIB\.mib/);

    assert.equal(names.name('1.3.6.1.4.1.99997.1.1.0'), 'GOOD-MIB::goodValue.0');
    assert.equal(names.name('1.3.6.1.4.1.99997.0.1'), 'GOOD-MIB::goodEvent');
    assert.equal(names.name('1.3.6.1.4.1.99997.1.2.0'), 'AAA-DEPENDENT-MIB::dependentValue.0');
    assert.equal(names.name('1.3.6.1.4.1.99998.1.0'), '1.3.6.1.4.1.99998.1.0', 'nothing from the truncated file');
    assert.equal(names.name('1.3.6.1.4.1.318.0.636'), 'PowerNet-MIB::apcTestTrap');
    assert.equal(names.name('1.3.6.1.2.1.33.2.0.1'), 'UPS-MIB::upsTrapOnBattery');
  });

  it('takes a module from the first directory that has it', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    mkdirSync(first);
    mkdirSync(second);
    writeFileSync(join(first, 'GOOD-MIB'), goodMib(99996, 'firstValue'));
    writeFileSync(join(second, 'GOOD-MIB'), goodMib(99995, 'secondValue'));
    const names = await MibNames.load([first, second]);
    assert.deepEqual(names.failed, []);
    assert.equal(names.name('1.3.6.1.4.1.99996.1.1.0'), 'GOOD-MIB::firstValue.0');
    assert.equal(names.name('1.3.6.1.4.1.99995.1.1.0'), '1.3.6.1.4.1.99995.1.1.0');
  });
});

describe('MIB names before loading', () => {
  it('MibNames.empty() names nothing', () => {
    const names = MibNames.empty();
    assert.equal(names.name('1.3.6.1.4.1.318.0.636'), '1.3.6.1.4.1.318.0.636');
    assert.deepEqual(names.modules, []);
    assert.deepEqual(names.failed, []);
  });

  it('reads the project mibs/ first, then the configured directories; its README is no MIB', async () => {
    assert.deepEqual(mibDirs(['vendor-mibs']), [projectMibDir(), resolve('vendor-mibs')]);
    const names = await MibNames.load([projectMibDir()]);
    assert.deepEqual(names.failed, []);
    assert.ok(names.modules.includes('SNMPv2-MIB'), 'net-snmp built-in modules are always there');
  });
});
