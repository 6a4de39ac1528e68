// Reads Stryker's JSON report and prints, per area of stryker.config.mjs, the share of mutants the unit tests kill,
// then every mutant that survived, by file and line. Exits 1 when an area is below the target.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/paths.js';

/** A mutant killed this often counts; below it the area is reported as short of the target. */
const TARGET = 85;

interface Position { line: number; column: number }
interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
  location: { start: Position; end: Position };
}
interface Report { files: Record<string, { source: string; mutants: Mutant[] }> }

const root = packageRoot();
const { areas, reportBase } = await import(pathToFileURL(join(root, 'stryker.config.mjs')).href) as { areas: Record<string, string[]>; reportBase: string };
const reportFile = process.argv[2] ?? join(root, `${reportBase}.json`);
if (!existsSync(reportFile)) {
  console.error(`no mutation report at ${reportFile}: run npm run mutate (with the same MUTATE_AREAS) first`);
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;

/** "src/drain/**\/*.ts" → a RegExp over repository-relative paths. */
function globToRegExp(glob: string): RegExp {
  const body = glob.split('**/').map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('(?:.*/)?');
  return new RegExp(`^${body}$`);
}
const areaOf = (file: string) => Object.entries(areas).find(([, globs]) => globs.some((g) => globToRegExp(g).test(file)))?.[0] ?? 'other';

/** What the code said where the mutant changed it, on one line. */
function original(source: string, m: Mutant): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  const text = start.line === end.line
    ? lines[start.line - 1]!.slice(start.column - 1, end.column - 1)
    : [lines[start.line - 1]!.slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1]!.slice(0, end.column - 1)].join(' ');
  return oneLine(text);
}
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 70 ? `${flat.slice(0, 67)}...` : flat;
}

interface Tally { killed: number; timeout: number; survived: number; noCoverage: number; errors: number }
const tallies = new Map<string, Tally>();
const survivors = new Map<string, string[]>();
for (const [file, { source, mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const area = areaOf(file);
  const t = tallies.get(area) ?? { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 };
  tallies.set(area, t);
  for (const m of [...mutants].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column)) {
    if (m.status === 'Killed') t.killed++;
    else if (m.status === 'Timeout') t.timeout++;
    else if (m.status === 'Survived' || m.status === 'NoCoverage') {
      if (m.status === 'Survived') t.survived++;
      else t.noCoverage++;
      const where = `${file}:${m.location.start.line}:${m.location.start.column}`;
      const what = `${m.mutatorName}: ${original(source, m)} → ${oneLine(m.replacement ?? '')}${m.status === 'NoCoverage' ? ' (no test reaches it)' : ''}`;
      survivors.set(file, [...(survivors.get(file) ?? []), `  ${where}  ${what}`]);
    } else t.errors++;
  }
}

const score = (t: Tally) => {
  const valid = t.killed + t.timeout + t.survived + t.noCoverage;
  return valid === 0 ? 100 : (100 * (t.killed + t.timeout)) / valid;
};
console.log('\nMutation score per area (killed + timed out, of all valid mutants):');
console.log(`  ${'area'.padEnd(8)} ${'score'.padStart(7)} ${'killed'.padStart(7)} ${'timeout'.padStart(8)} ${'survived'.padStart(9)} ${'no cover'.padStart(9)}`);
let short = false;
for (const [area, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
  const s = score(t);
  if (s < TARGET) short = true;
  console.log(`  ${area.padEnd(8)} ${`${s.toFixed(1)}%`.padStart(7)} ${String(t.killed).padStart(7)} ${String(t.timeout).padStart(8)} ${String(t.survived).padStart(9)} ${String(t.noCoverage).padStart(9)}${s < TARGET ? `  below ${TARGET}%` : ''}`);
}
if (survivors.size > 0) {
  console.log('\nSurviving mutants (the tests pass with this change made):');
  for (const [file, lines] of survivors) console.log(`${file} (${lines.length})\n${lines.join('\n')}`);
}
console.log(short ? `\nSome areas are below the ${TARGET}% target.` : `\nEvery area reaches the ${TARGET}% target.`);
process.exitCode = short ? 1 : 0;
