// npm run coverage: for every recording in ../shared/recordings, which profile reads it and how
// many of the oracle's sensors we read from the same object with the same value.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detect } from '../src/profiles/detect.js';
import { readDevice } from '../src/profiles/read-device.js';
import { compareWithOracle, loadOracle } from '../test/helpers/oracle.js';
import { recordingsDir, startSnmpsim } from '../test/helpers/snmpsim.js';

const verbose = process.argv.includes('--verbose');
const names = readdirSync(join(recordingsDir(), 'snmprec')).filter((f) => f.endsWith('.snmprec')).map((f) => f.replace(/\.snmprec$/, '')).sort();
const sim = await startSnmpsim(21590);
const rows: string[][] = [['recording', 'profile', 'in/ph/bk/out/sens', 'matched', 'covered', 'total', 'distrusted']];
let failed = 0;
/** Per sensor class, the oracle's sensors we do not read at all, and where: the gaps, visible. */
const gaps = new Map<string, string[]>();
try {
  for (const name of names) {
    const client = sim.client(name);
    const found = await detect(client);
    if (!found.ok) {
      rows.push([name, `(none: ${found.error})`, '', '', '', `${loadOracle(name).length}`, '']);
      failed++;
      continue;
    }
    const read = await readDevice(client, found.value.profile, { trace: true });
    if (!read.ok) {
      rows.push([name, found.value.profile.name, `(read failed: ${read.error})`, '', '', '', '']);
      failed++;
      continue;
    }
    const r = read.value;
    const c = compareWithOracle(r, loadOracle(name));
    rows.push([name, found.value.profile.name, [r.inlets, r.phases, r.banks, r.outlets, r.sensors].map((x) => x.length).join('/') + (r.ups ? ' +ups' : '') + (r.ats ? ' +ats' : ''),
      `${c.matched}`, `${c.covered}`, `${c.total}`, `${c.distrusted.length}`]);
    if (c.mismatches.length) failed++;
    for (const u of c.uncovered) {
      const cls = u.split(' ')[0]!;
      gaps.set(cls, [...(gaps.get(cls) ?? []), `${name}: ${u.slice(cls.length + 1)}`]);
    }
    if (verbose) for (const line of [...c.mismatches.map((m) => `  MISMATCH ${m}`), ...c.distrusted.map((d) => `  distrusted ${d}`), ...c.uncovered.map((u) => `  not covered ${u}`)]) console.log(`${name}: ${line}`);
  }
} finally {
  await sim.stop();
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
for (const row of rows) console.log(row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
console.log('\nmatched: same object, same value as the oracle (after its divisor); covered: we read the oracle\'s object;');
console.log('distrusted: we read it but judged it unknown/implausible (e.g. a negative power). --verbose lists the rest.');
if (gaps.size > 0) {
  console.log('\nnot covered, per sensor class:');
  for (const [cls, list] of [...gaps].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`  ${cls.padEnd(12)} ${String(list.length).padStart(4)}`);
    for (const where of list.slice(0, verbose ? Infinity : 3)) console.log(`      ${where}`);
    if (!verbose && list.length > 3) console.log(`      … ${list.length - 3} more (--verbose)`);
  }
}
process.exitCode = failed ? 1 : 0;
