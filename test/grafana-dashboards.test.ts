// The Grafana dashboards of dashboards/grafana/, checked without Grafana (it is not packaged here): every panel
// query, annotation query and template variable query is run, InfluxQL as Grafana would send it, against a real
// InfluxDB 1.6 that the simulated demo ("Dallas 3") writes to, after a bank of dal3-r07-a has tripped.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { App } from '../src/app.js';
import { systemClock } from '../src/clock.js';
import type { Config } from '../src/config/schema.js';
import { Topology } from '../src/health/topology.js';
import { continuousQueries, InfluxStore } from '../src/history/influx-store.js';
import { devicePoints, type Point } from '../src/history/points.js';
import { MEASUREMENT } from '../src/history/schema.js';
import type { DeviceReading, Measure } from '../src/model.js';
import { startDemo, waitFor } from './helpers/demo-config.js';
import { startInfluxd, type InfluxAnswer, type Influxd } from './helpers/influxd.js';
import { packageRoot } from '../src/paths.js';

const DIR = join(packageRoot(), 'dashboards', 'grafana');
const DB = 'breakerbox';
const DAY = 86_400_000;
const TRIPPED = { pdu: 'dal3-r07-a', bank: 1 };
/** A UPS that is not in the demo: its points are synthetic (see writeSynthetic). */
const UPS = 'dal3-r07-ups';
/** What Grafana puts for $timeFilter and $__interval on a 1-hour range. */
const TIME_FILTER = 'time > now() - 1h';
const INTERVAL = '10s';
/** Dashboards showing one or more devices: they must let the NOC pick site, row and device. */
const PER_DEVICE = ['breakerbox-pdu', 'breakerbox-ups', 'breakerbox-environment'];
/** Schema units (src/history/schema.ts) and the Grafana unit a panel showing them must use. */
const GRAFANA_UNIT: Record<string, string> = { A: 'amp', W: 'watt', V: 'volt', '%': 'percent', s: 's', '°C': 'celsius', '%RH': 'humidity' };

interface DsRef { type?: string; uid?: string }
interface Target { refId: string; query?: string; rawQuery?: boolean; resultFormat?: string; datasource?: DsRef }
interface Panel {
  id: number; type: string; title: string; description?: string; datasource?: DsRef; targets?: Target[]; panels?: Panel[];
  fieldConfig?: { defaults?: { unit?: string; thresholds?: { steps: { value: number | null }[] } } };
}
interface Variable { name: string; type: string; query: string; datasource?: DsRef; multi?: boolean; includeAll?: boolean; allValue?: string | null }
interface Annotation {
  name: string; builtIn?: number; datasource?: DsRef; query?: string; textColumn?: string; tagsColumn?: string; enable?: boolean;
  /** What Grafana 10+ reads (it migrates the top-level fields of 8/9 into it). */
  target?: { query?: string; rawQuery?: boolean; textColumn?: string; tagsColumn?: string };
}
interface Dashboard {
  uid: string; title: string; schemaVersion: number; panels: Panel[];
  templating: { list: Variable[] }; annotations: { list: Annotation[] };
}

const dashboards = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
  .map((file) => ({ file, d: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Dashboard }));

/** Panels, including those inside collapsed rows; rows themselves hold no query. */
function panelsOf(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => (p.type === 'row' ? p.panels ?? [] : [p]));
}

interface Query { what: string; query: string; panel?: Panel; annotation?: Annotation }

function queriesOf(d: Dashboard): Query[] {
  const out: Query[] = [];
  for (const p of panelsOf(d)) for (const t of p.targets ?? []) out.push({ what: `panel ${p.id} "${p.title}" target ${t.refId}`, query: t.query ?? '', panel: p });
  for (const a of d.annotations.list) if (!a.builtIn) out.push({ what: `annotation "${a.name}"`, query: a.target?.query ?? a.query ?? '', annotation: a });
  return out;
}

const regexEscape = (v: string) => v.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

/** What a variable holds: chosen values, or "All". */
type Choice = { all: true } | { all: false; values: string[] };

/** InfluxQL as Grafana's InfluxDB data source sends it: multi/all variables regex-escaped and joined, custom "All" values as they are. */
function interpolate(query: string, vars: Map<string, { v: Variable; choice: Choice }>): string {
  const text = query
    .replace(/\$(?:__)?timeFilter\b/g, TIME_FILTER)
    .replace(/\$(?:__)?interval\b(?!_)/g, INTERVAL)
    .replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => {
      const name = a ?? b ?? c!;
      const got = vars.get(name);
      if (!got) throw new Error(`unknown variable ${whole} in ${query}`);
      const { v, choice } = got;
      if (choice.all) return v.allValue ?? '.*';
      if (!v.multi && !v.includeAll) return choice.values[0]!;
      const escaped = choice.values.map(regexEscape);
      return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
    });
  assert.doesNotMatch(text, /\$\{?\w|\[\[/, `a variable is left in ${text}`);
  return text;
}

/** Non-null values in an answer's columns other than time. */
function valuesIn(answer: InfluxAnswer): unknown[] {
  return (answer.results[0]?.series ?? []).flatMap((s) => s.values.flatMap((row) => row.filter((x, i) => s.columns[i] !== 'time' && x !== null)));
}

/** The measurements a query reads, and the fields it names in function calls ("mean("current_a")"). */
function fieldsOf(query: string): { measurements: string[]; fields: string[] } {
  const measurements = [...query.matchAll(/FROM "(?:\$rp|raw|journal)"\."(\w+)"/g)].map((m) => m[1]!);
  const fields = [...query.matchAll(/\b\w+\(\s*(?:1 - )?(?:last\()?"(\w+)"\)/g)].map((m) => m[1]!);
  return { measurements: [...new Set(measurements)], fields: [...new Set(fields)] };
}

const ok = (value: number): Measure => ({ value, quality: 'ok' });
const none: Measure = { value: null, quality: 'unknown' };

/**
 * The demo simulates APC rack PDUs only: no UPS, no environment probe, and APC reports phases, not inlets.
 * So that the UPS, environment and inlet panels are proven to return data too, this writes readings of those
 * kinds in exactly the form the app writes them (devicePoints through the app's InfluxStore): a UPS in rack
 * r07 with a temperature/humidity probe (a topology copy knows it; the running app does not), which goes on
 * battery for two minutes, and inlet points of dal3-r07-a (only the inlet points: its pdu, phase, bank and
 * outlet points stay the real ones the app wrote).
 */
async function writeSynthetic(config: Config, influx: Influxd, spoolDir: string): Promise<number> {
  const r07a = config.pdus.find((p) => p.name === TRIPPED.pdu)!;
  const extended: Config = { ...config, pdus: [...config.pdus, { ...r07a, name: UPS, model: 'SMT3000RMI2U', outlets: 8, banks: 1 }] };
  const topology = new Topology(extended);
  const identity = { vendor: 'Synthetic', model: null, serial: null, firmware: null, name: null };
  const points: Point[] = [];
  const start = Date.now() - 5 * 60_000;
  const n = 21;
  for (let i = 0; i < n; i++) {
    const time = start + i * 15_000;
    const onBattery = i >= 8 && i < 16;
    const battery = onBattery ? i - 7 : 0;
    const ups: DeviceReading = {
      profile: 'synthetic', kind: 'ups', identity, sysObjectId: null, upTime: none, power: ok(1650), energy: ok(5120), loadState: 'normal', badValues: 0,
      inlets: [], phases: [], bypass: [], banks: [], outlets: [], ats: null,
      sensors: [{ index: 1, kind: 'temperature', name: 'Probe 1', value: ok(24 + (i % 5) * 0.5) }, { index: 2, kind: 'humidity', name: 'Probe 1', value: ok(41 + (i % 3)) }],
      ups: {
        source: onBattery ? 'battery' : 'mains', batteryStatus: 'normal', charge: ok(100 - battery * 4), runtime: ok(1_800 - battery * 90), timeOnBattery: ok(battery * 15),
        load: ok(55), inputVoltage: onBattery ? ok(0) : ok(230), inputFrequency: onBattery ? none : ok(50), outputVoltage: ok(230), outputCurrent: ok(7.2),
        outputPower: ok(1650), outputFrequency: ok(50), batteryVoltage: ok(54.6), temperature: ok(27), alarms: ok(onBattery ? 1 : 0),
      },
    };
    points.push(...devicePoints(topology, UPS, time, ups, true));
    const inlets: DeviceReading = {
      ...ups, kind: 'pdu', sensors: [], ups: null,
      inlets: [{ index: 1, name: null, voltage: ok(208), current: ok(7.7), power: ok(1540), apparentPower: ok(1600), powerFactor: ok(0.96), energy: ok(1712), frequency: ok(60), loadState: 'normal' }],
    };
    points.push(...devicePoints(topology, TRIPPED.pdu, time, inlets, true).filter((p) => p.measurement === 'inlet'));
  }
  const store = await InfluxStore.open(
    { url: influx.url, database: DB, retention: { raw: 14 * DAY, minute: 90 * DAY, hour: 730 * DAY } },
    { batchSize: 500, flushIntervalMs: 50, spoolDir, spoolMaxBytes: 8 * 1_048_576 }, systemClock, pino({ level: 'silent' }),
  );
  store.add(points);
  await waitFor('the synthetic points written', () => store.stats().written === points.length, 20_000);
  await store.stop();
  return n;
}

const first = (a: InfluxAnswer): Record<string, unknown> | undefined => {
  const s = a.results[0]?.series?.[0];
  return s && s.values[0] ? Object.fromEntries(s.columns.map((c, i) => [c, s.values[0]![i]])) : undefined;
};

describe('Grafana dashboards against InfluxDB after a trip', () => {
  let influx: Influxd;
  let app: App | null = null;
  let spoolDir: string;
  /** Preferred value per variable: the tripped PDU, its row and site, the pool it drained. */
  const prefer = new Map<string, string>();
  const q = async (query: string) => influx.query(query, DB);
  /** One statement that must not fail: InfluxDB reports a parse error at the top level, a query error in its result. */
  const run = async (query: string, where: string): Promise<InfluxAnswer> => {
    const answer = await q(query) as InfluxAnswer & { error?: string };
    assert.equal(answer.error, undefined, where);
    assert.equal(answer.results?.[0]?.error, undefined, where);
    return answer;
  };

  before(async () => {
    influx = await startInfluxd();
    spoolDir = mkdtempSync(join(tmpdir(), 'bb-grafana-'));
    const demo = await startDemo((config) => {
      config.settings.history.influxdb = { url: influx.url, database: DB, retention: { raw: 14 * DAY, minute: 90 * DAY, hour: 730 * DAY } };
    });
    app = demo.app;
    const res = await fetch(`${app.url}/api/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'bank-trip', ...TRIPPED }) });
    assert.ok(res.ok, `fault injected: ${res.status}`);
    // Bounded polling until the trip, its drain, the pool's new counts and the fault event are in InfluxDB.
    const tripped = await waitFor('the tripped bank in InfluxDB', async () => first(await q(`SELECT "tripped", "site", "row" FROM "raw"."bank" WHERE "pdu" = '${TRIPPED.pdu}' AND "bank" = '${TRIPPED.bank}' AND "tripped" = 1 LIMIT 1`)), 30_000);
    const drain = await waitFor('the drain decision in InfluxDB', async () => first(await q('SELECT "message", "pool" FROM "journal"."drain" WHERE "type" = \'drain\' LIMIT 1')), 30_000);
    await waitFor('the drained pool counted in InfluxDB', async () => first(await q(`SELECT "drained" FROM "raw"."pool" WHERE "pool" = '${String(drain.pool)}' AND "drained" > 0 LIMIT 1`)), 30_000);
    await waitFor('the breaker-tripped event in InfluxDB', async () => first(await q('SELECT "message" FROM "journal"."event" WHERE "type" = \'breaker-tripped\' LIMIT 1')), 30_000);
    prefer.set('site', String(tripped.site)).set('row', String(tripped.row)).set('pdu', TRIPPED.pdu).set('pool', String(drain.pool));

    const n = await writeSynthetic(demo.config, influx, join(spoolDir, 'spool'));
    await waitFor('the synthetic UPS and inlet points readable', async () => {
      const u = first(await q(`SELECT count("charge_pct") AS "n" FROM "raw"."ups" WHERE "pdu" = '${UPS}'`));
      const s = first(await q(`SELECT count("temperature_c") AS "n" FROM "raw"."sensor" WHERE "pdu" = '${UPS}'`));
      const i = first(await q(`SELECT count("voltage_v") AS "n" FROM "raw"."inlet" WHERE "pdu" = '${TRIPPED.pdu}'`));
      return u?.n === n && s?.n === n && i?.n === n;
    });

    // The continuous queries only run at the end of each minute or hour, so within the test the minute and hour
    // policies are empty. Run the app's own CQs (continuousQueries(), the very text InfluxDB holds) by hand,
    // minute ones first, over the last 3 hours: the $rp=minute and $rp=hour passes below then read real
    // downsampled data, which proves the dashboards' field names exist in every policy.
    const cqs = [...continuousQueries(DB)];
    for (const to of ['minute', 'hour']) {
      for (const [name, cq] of cqs.filter(([name]) => name.startsWith(`bb_${to}_`))) {
        assert.match(cq, / GROUP BY time\(/);
        await run(cq.replace(' GROUP BY time(', ' WHERE time > now() - 3h GROUP BY time('), `${name}: ${cq}`);
      }
    }
    assert.ok(valuesIn(await run('SELECT mean("load_pct") FROM "hour"."bank"', 'hour')).length > 0, 'the hour policy has bank points');
  });

  after(async () => {
    await app?.stop();
    await influx?.stop();
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  });

  it('finds the five dashboards, each with unique uid and title', () => {
    assert.deepEqual(dashboards.map((x) => x.d.uid).sort(), ['breakerbox-environment', 'breakerbox-pdu', 'breakerbox-pools', 'breakerbox-site', 'breakerbox-ups']);
    assert.equal(new Set(dashboards.map((x) => x.d.title)).size, dashboards.length);
  });

  for (const { file, d } of dashboards) {
    describe(file, () => {
      const vars = d.templating.list;
      const varNamed = (name: string) => vars.find((v) => v.name === name);
      const queries = queriesOf(d);

      it('is built for import and provisioning: schema, data source variable, panels with targets, unique ids', () => {
        assert.ok(d.schemaVersion >= 37, `schemaVersion ${d.schemaVersion}`);
        const ds = varNamed('datasource');
        assert.ok(ds && ds.type === 'datasource' && ds.query === 'influxdb', 'a data source variable of type influxdb');
        const isOurs = (r: DsRef | undefined) => r?.type === 'influxdb' && r.uid === '${datasource}';
        const panels = panelsOf(d);
        assert.ok(panels.length >= 4, 'a dashboard worth the name');
        const ids = panels.map((p) => p.id);
        assert.equal(new Set(ids).size, ids.length, `unique panel ids: ${ids.join(',')}`);
        for (const p of panels) {
          assert.ok(isOurs(p.datasource), `panel ${p.id} "${p.title}" reads the data source variable: ${JSON.stringify(p.datasource)}`);
          assert.ok((p.targets ?? []).length >= 1, `panel ${p.id} "${p.title}" has a target`);
          const refIds = p.targets!.map((t) => t.refId);
          assert.equal(new Set(refIds).size, refIds.length, `panel ${p.id}: unique refIds`);
          for (const t of p.targets!) {
            assert.equal(t.rawQuery, true, `panel ${p.id} ${t.refId}: raw InfluxQL`);
            assert.ok(isOurs(t.datasource), `panel ${p.id} ${t.refId}: target data source`);
            assert.match(t.query ?? '', /\$timeFilter/, `panel ${p.id} ${t.refId}: bounded by the dashboard's time range`);
          }
        }
        for (const v of vars.filter((x) => x.type === 'query')) assert.ok(isOurs(v.datasource), `variable ${v.name} reads the data source variable`);
        for (const a of d.annotations.list.filter((x) => !x.builtIn)) {
          assert.ok(isOurs(a.datasource), `annotation ${a.name} reads the data source variable`);
          // Grafana 8/9 read the top-level query, 10+ the target: the two must be the same query.
          assert.ok(a.query && a.target?.query === a.query && a.target.textColumn === a.textColumn && a.target.tagsColumn === a.tagsColumn, `annotation ${a.name}: target and legacy fields agree`);
        }
        for (const p of panels) {
          const policy = p.targets!.every((t) => t.query?.includes('"$rp".')) ? '$rp' : p.targets!.every((t) => t.query?.includes('"journal".')) ? 'journal' : 'raw';
          assert.ok(p.description?.includes(`the ${policy} retention policy`), `panel ${p.id} "${p.title}" says which retention policy it reads (${policy}): ${p.description}`);
        }
      });

      it('has the drains annotation, and place variables chained site → row → device', () => {
        const drains = d.annotations.list.find((a) => a.name === 'Drains');
        assert.ok(drains?.enable, 'a Drains annotation, on');
        assert.match(drains.query ?? '', /FROM "journal"\."drain" WHERE .*\$timeFilter/);
        assert.equal(drains.textColumn, 'message');
        const readsDevices = queries.some((x) => fieldsOf(x.query).measurements.some((m) => !['pool', 'drain', 'event'].includes(m)));
        if (PER_DEVICE.includes(d.uid) || readsDevices) {
          for (const name of ['site', 'row']) assert.ok(varNamed(name), `variable ${name}`);
          assert.match(varNamed('row')!.query, /WITH KEY = "row" WHERE .*"site" =~ \/\^\$site\$\//, 'row is filtered by site');
          for (const x of queries.filter((y) => fieldsOf(y.query).measurements.some((m) => !['pool', 'drain', 'event'].includes(m)))) {
            assert.match(x.query, /"site" =~ \/\^\$site\$\/ AND "row" =~ \/\^\$row\$\//, `${x.what} follows site and row`);
          }
        }
        if (PER_DEVICE.includes(d.uid)) {
          const pdu = varNamed('pdu');
          assert.ok(pdu, 'variable pdu');
          assert.match(pdu.query, /WITH KEY = "pdu" WHERE .*"site" =~ \/\^\$site\$\/ AND "row" =~ \/\^\$row\$\//, 'pdu is filtered by site and row');
          assert.ok(pdu.multi && pdu.includeAll, 'several devices at once');
          for (const x of queries.filter((y) => y.panel)) assert.match(x.query, /"pdu" =~ \/\^\$pdu\$\//, `${x.what} follows the pdu variable`);
        }
        for (const v of vars.filter((x) => x.type === 'query')) assert.ok(v.multi && v.includeAll && v.allValue === '.*', `${v.name}: multi-value, with All as .*`);
      });

      it('reads an explicit retention policy, fields of the schema, with units and load thresholds', () => {
        const cqs = [...continuousQueries(DB).values()];
        for (const x of queries) {
          const { measurements, fields } = fieldsOf(x.query);
          assert.equal(measurements.length, 1, `${x.what} reads one measurement, from "$rp" or "raw": ${x.query}`);
          const m = MEASUREMENT.get(measurements[0]!);
          assert.ok(m, `${x.what}: measurement ${measurements[0]} is in the schema`);
          // Every quoted name is a place tag, a tag or field of the measurement, or an alias the query defines (a subquery's column).
          const aliases = new Set([...x.query.matchAll(/ AS "(\w+)"/g)].map((g) => g[1]!));
          const named = [...x.query.matchAll(/"(\w+)"/g)].map((g) => g[1]!).filter((s) => !['raw', 'journal', 'site', 'row', 'rack', 'pdu', m.name].includes(s) && !m.tags.includes(s));
          for (const f of new Set([...named, ...fields])) assert.ok(m.fields.some((g) => g.name === f) || aliases.has(f), `${x.what}: ${m.name} has no field or tag "${f}"`);
          const schemaFields = fields.filter((f) => m.fields.some((g) => g.name === f));
          assert.ok(schemaFields.length > 0 || /^SELECT "/.test(x.query), `${x.what} aggregates a field of ${m.name}`);
          if (/"\$rp"\./.test(x.query)) {
            assert.ok(varNamed('rp'), `${x.what} uses $rp: the dashboard has the rp variable`);
            // minute/hour hold each field's mean under its own name: the CQs must write every field this query reads.
            for (const f of schemaFields) {
              for (const to of ['minute', 'hour']) assert.ok(cqs.some((cq) => cq.includes(`INTO "${DB}"."${to}"."${m.name}"`) && cq.includes(`AS "${f}"`)), `${to} policy holds ${m.name}.${f}`);
            }
          } else {
            assert.match(x.query, /FROM "(raw"\."ups|journal"\."(drain|event))"/, `${x.what}: only text fields and decisions read "raw" directly`);
          }
          if (!x.panel) continue;
          const units = new Set(schemaFields.map((f) => m.fields.find((g) => g.name === f)?.unit).filter((u): u is string => u !== undefined && u in GRAFANA_UNIT));
          if (units.size === 1) assert.equal(x.panel.fieldConfig?.defaults?.unit, GRAFANA_UNIT[[...units][0]!], `${x.what}: unit`);
          if (schemaFields.includes('load_pct')) {
            const steps = (x.panel.fieldConfig?.defaults?.thresholds?.steps ?? []).map((s) => s.value);
            assert.deepEqual(steps, [null, 80, 90], `${x.what}: load thresholds at 80 and 90 %`);
          }
        }
        if (varNamed('rp')) assert.deepEqual(varNamed('rp')!.query.split(',').map((s) => s.trim()), ['raw', 'minute', 'hour']);
      });

      it('returns data for every variable, panel and annotation query, with chosen values and with All, on raw, minute and hour', async () => {
        const rps = varNamed('rp') ? varNamed('rp')!.query.split(',').map((s) => s.trim()) : ['raw'];
        const ran = new Set<string>();
        for (const all of [false, true]) {
          // Template variables in order, each from the values InfluxDB returns for the ones before it.
          const filled = new Map<string, { v: Variable; choice: Choice }>();
          for (const v of vars) {
            if (v.type === 'datasource') continue;
            if (v.type === 'custom') {
              filled.set(v.name, { v, choice: { all: false, values: [v.query.split(',')[0]!.trim()] } });
              continue;
            }
            assert.equal(v.type, 'query', `variable ${v.name}`);
            const text = interpolate(v.query, filled);
            const answer = await run(text, `variable ${v.name}: ${text}`);
            const options = (answer.results[0]?.series ?? []).flatMap((s) => s.values.map((row) => String(row[s.columns.indexOf('value')])));
            assert.ok(options.length > 0, `variable ${v.name} has values: ${text}`);
            const wanted = prefer.get(v.name);
            if (v.name === 'site' || v.name === 'row' || (v.name === 'pdu' && d.uid === 'breakerbox-pdu') || v.name === 'pool') {
              assert.ok(options.includes(wanted!), `variable ${v.name} offers ${wanted}: ${options.join(', ')}`);
            }
            filled.set(v.name, { v, choice: all ? { all: true } : { all: false, values: [wanted !== undefined && options.includes(wanted) ? wanted : options[0]!] } });
          }
          for (const rp of rps) {
            if (filled.has('rp')) filled.set('rp', { v: varNamed('rp')!, choice: { all: false, values: [rp] } });
            for (const x of queries) {
              const text = interpolate(x.query, filled);
              if (ran.has(text)) continue;
              ran.add(text);
              const where = `${file} ${x.what} (rp ${rp}${all ? ', All' : ''}): ${text}`;
              const answer = await run(text, where);
              assert.ok((answer.results[0]?.series ?? []).length > 0, `no series: ${where}`);
              assert.ok(valuesIn(answer).length > 0, `only nulls: ${where}`);
              if (x.annotation) {
                const columns = answer.results[0]!.series![0]!.columns;
                for (const c of [x.annotation.textColumn, ...(x.annotation.tagsColumn ?? '').split(',')].filter(Boolean)) assert.ok(columns.includes(c!), `${where}: column ${c} for the annotation`);
              }
            }
          }
        }
        assert.ok(ran.size >= queries.length, 'every query ran');
      });
    });
  }

  it('shows the trip: the tripped breaker, the drain annotation and the drained pool', async () => {
    const pdu = dashboards.find((x) => x.d.uid === 'breakerbox-pdu')!.d;
    const breakers = panelsOf(pdu).find((p) => p.title === 'Breakers')!;
    const vars = new Map(pdu.templating.list.map((v) => [v.name, { v, choice: { all: false, values: [prefer.get(v.name) ?? 'raw'] } as Choice }]));
    const answer = await run(interpolate(breakers.targets![0]!.query!, vars), 'Breakers');
    const bank1 = answer.results[0]!.series!.find((s) => s.tags?.pdu === TRIPPED.pdu && s.tags?.bank === String(TRIPPED.bank));
    assert.ok(bank1?.values.some((row) => row[1] === 1), 'bank 1 of dal3-r07-a shows tripped');
    const pools = dashboards.find((x) => x.d.uid === 'breakerbox-pools')!.d;
    const drains = pools.annotations.list.find((a) => a.name === 'Drains')!;
    const poolVars = new Map(pools.templating.list.map((v) => [v.name, { v, choice: { all: false, values: [prefer.get(v.name) ?? 'raw'] } as Choice }]));
    const notes = await run(interpolate(drains.target!.query!, poolVars), 'Drains');
    const messages = notes.results[0]!.series![0]!.values.map((row) => String(row[notes.results[0]!.series![0]!.columns.indexOf('message')]));
    assert.ok(messages.some((m) => /bank 1 breaker tripped on dal3-r07-a .* drained 20 of 80 from pool scanners/.test(m)), messages.join('\n'));
    const drained = panelsOf(pools).find((p) => p.title === 'Drained now')!;
    const now = await run(interpolate(drained.targets![0]!.query!, poolVars), 'Drained now');
    // 20 at the trip; a busy machine may see more of the pool's nodes fail their polls later.
    assert.ok(Number(valuesIn(now).at(-1)) >= 20, `the stat shows the 20 drained: ${String(valuesIn(now).at(-1))}`);
  });
});
