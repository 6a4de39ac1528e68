// Mutation run over the fast unit tests: `npm run mutate` (all areas) or MUTATE_AREAS=health,config npm run mutate.
// The tap runner runs each unit test file in its own node process and learns which files reach which mutant,
// so a mutant only reruns the files that cover it.
import { readFileSync } from 'node:fs';

/** The areas whose safety rules the unit tests must guard; scripts/mutation-report.ts scores them by the same names. */
export const areas = {
  drain: ['src/drain/**/*.ts'],
  health: ['src/health/**/*.ts'],
  access: ['src/http/access.ts', 'src/traps/access.ts'],
  config: ['src/config/references.ts', 'src/config/schema.ts'],
};

const chosen = (process.env.MUTATE_AREAS ?? Object.keys(areas).join(',')).split(',').map((a) => a.trim()).filter(Boolean);
for (const a of chosen) if (!(a in areas)) throw new Error(`MUTATE_AREAS: unknown area "${a}" (known: ${Object.keys(areas).join(', ')})`);

// MUTATE_FILES=src/drain/work-queue.ts,src/drain/gates.ts narrows a run to some files (while writing their tests).
const files = (process.env.MUTATE_FILES ?? '').split(',').map((f) => f.trim()).filter(Boolean);
const runName = files.length > 0 ? files.map((f) => f.replace(/^.*\//, '').replace(/\.ts$/, '')).join('-') : process.env.MUTATE_AREAS ? chosen.join('-') : 'all';

/** Where the reports go: one name per choice of areas or files, so partial runs do not overwrite the full one. */
export const reportBase = `reports/mutation/${runName === 'all' ? 'mutation' : runName}`;

// One list of unit test files: the globs of `npm run test:unit`.
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const unitTests = pkg.scripts['test:unit'].split(/\s+/).filter((arg) => arg.startsWith('test/') && arg.endsWith('.ts'));

export default {
  $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
  plugins: ['@stryker-mutator/tap-runner'],
  testRunner: 'tap',
  tap: {
    testFiles: unitTests,
    nodeArgs: ['-r', '{{hookFile}}', '--import', 'tsx', '--test-reporter=tap'],
    forceBail: true,
  },
  coverageAnalysis: 'perTest',
  mutate: files.length > 0 ? files : chosen.flatMap((a) => areas[a]),
  // The sandbox needs the sources, tests and config files, not build output, state or old reports.
  ignorePatterns: ['dist', 'var', 'reports', 'bench', '.ci', '.stryker-tmp', '*.log'],
  tempDirName: `.stryker-tmp/${runName}`,
  cleanTempDir: true,
  // Two cores are shared: at most two test processes at once; a slow machine must not turn survivors into timeouts.
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 2),
  timeoutMS: 10_000,
  timeoutFactor: 2.5,
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  // The survivors are listed compactly by scripts/mutation-report.ts; the full diffs are in the HTML report.
  clearTextReporter: { allowColor: false, reportMutants: false, reportTests: false, reportScoreTable: true },
  jsonReporter: { fileName: `${reportBase}.json` },
  htmlReporter: { fileName: `${reportBase}.html` },
  incrementalFile: `${reportBase}.incremental.json`,
  thresholds: { high: 85, low: 70, break: null },
};
