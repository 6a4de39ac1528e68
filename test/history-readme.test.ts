// The README's history schema is the one in src/history/schema.ts: the table between its markers is made from it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { MEASUREMENTS, PLACE_TAGS, isDeviceMeasurement } from '../src/history/schema.js';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

export function schemaTable(): string {
  const rows = MEASUREMENTS.map((m) => {
    const tags = (isDeviceMeasurement(m) ? [...PLACE_TAGS, ...m.tags] : [...m.tags]).map((t) => `\`${t}\``).join(', ');
    const fields = m.fields.map((f) => `\`${f.name}\`${f.unit === 'text' ? ' (text)' : f.unit === 'bool' ? ' (1/0)' : ''}`).join(', ');
    return `| \`${m.name}\` | ${m.about} | ${tags} | ${fields} |`;
  });
  return ['| measurement | what | tags | fields |', '|---|---|---|---|', ...rows].join('\n');
}

it('README: the history schema table is made from src/history/schema.ts', () => {
  const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
  const m = /<!-- history-schema:start -->\n([\s\S]*?)\n<!-- history-schema:end -->/.exec(readme);
  assert.ok(m, 'README has the history-schema markers');
  assert.equal(m[1], schemaTable(), `README's schema table differs from schema.ts; it should read:\n${schemaTable()}`);
});
