import type { DeviceReading, LoadState, Measure } from '../model.js';

/** A reading as a human reads it at a terminal: identity, then one small table per part. */
export function formatReading(target: string, r: DeviceReading, how: string): string {
  const id = r.identity;
  // "Eaton 9PX", not "Eaton Eaton 9PX".
  const model = id.model ?? '(model unknown)';
  const what = id.model && id.model.toLowerCase().startsWith(id.vendor.toLowerCase()) ? id.model : `${id.vendor} ${model}`;
  const { power, load } = totals(r);
  const lines = [
    `${target}: ${what}${id.name ? ` "${id.name}"` : ''}`,
    `  profile ${r.profile} (${r.kind}, by ${how})   serial ${id.serial ?? '-'}   firmware ${id.firmware ?? '-'}`,
    `  power ${power}   energy ${m(r.energy, 'kWh')}   load ${load}   untrusted values ${r.badValues}`,
  ];
  const section = (title: string, header: string[], rows: string[][]) => {
    if (rows.length === 0) return;
    lines.push('', title, ...table([header, ...rows]).map((l) => `  ${l}`));
  };
  section('Inlets', ['#', 'name', 'V', 'A', 'W', 'VA', 'PF', 'kWh', 'Hz', 'load'], r.inlets.map((i) => [
    `${i.index}`, i.name ?? '', m(i.voltage), m(i.current), m(i.power), m(i.apparentPower), m(i.powerFactor), m(i.energy), m(i.frequency), i.loadState,
  ]));
  section('Phases', ['#', 'name', 'V', 'A', 'W', 'load'], r.phases.map((p) => [`${p.index}`, p.name ?? '', m(p.voltage), m(p.current), m(p.power), p.loadState]));
  section('Bypass', ['#', 'name', 'V', 'A', 'W', 'Hz'], r.bypass.map((b) => [`${b.index}`, b.name ?? '', m(b.voltage), m(b.current), m(b.power), m(b.frequency)]));
  section('Banks', ['#', 'name', 'A', 'rating A', 'breaker', 'load'], r.banks.map((b) => [
    `${b.index}`, b.name ?? '', m(b.current), m(b.rating), `${b.breaker}${b.breakerInferred ? ' (inferred)' : ''}`, b.loadState,
  ]));
  section('Outlets', ['#', 'name', 'state', 'bank', 'A', 'W', 'kWh'], r.outlets.map((o) => [
    `${o.index}`, o.name ?? '', o.state, o.bank === null ? '-' : `${o.bank}`, m(o.current), m(o.power), m(o.energy),
  ]));
  section('Sensors', ['#', 'kind', 'name', 'value'], r.sensors.map((s) => [`${s.index}`, s.kind, s.name ?? '', m(s.value, s.kind === 'temperature' ? '°C' : '%RH')]));
  if (r.ups) {
    const u = r.ups;
    section('UPS', ['source', 'battery', 'charge %', 'runtime', 'on battery', 'load %', 'in V', 'out V', 'out A', 'out W', '°C', 'alarms'], [[
      u.source, u.batteryStatus, m(u.charge), seconds(u.runtime), seconds(u.timeOnBattery), m(u.load), m(u.inputVoltage), m(u.outputVoltage), m(u.outputCurrent), m(u.outputPower), m(u.temperature), m(u.alarms),
    ]]);
  }
  if (r.ats) {
    const a = r.ats;
    section('ATS', ['active source', 'redundancy', 'source A V', 'source A A', 'source B V', 'source B A', 'output V', 'output A'], [[
      a.activeSource, a.redundancy, m(a.sourceAVoltage), m(a.sourceACurrent), m(a.sourceBVoltage), m(a.sourceBCurrent), m(a.outputVoltage), m(a.outputCurrent),
    ]]);
  }
  const body = lines.join('\n');
  const legend = [
    ...(/(^|\s)-(\s|$)/m.test(body.split('\n').slice(2).join('\n')) ? ['-  not given by the device, or unknown'] : []),
    ...(body.includes('?!') ? ['?! an implausible value the device sent (ignored, counted in "untrusted values")'] : []),
  ];
  return legend.length ? `${body}\n\n${legend.map((l) => `  ${l}`).join('\n')}` : body;
}

const LOAD_RANK: Record<LoadState, number> = { unknown: 0, low: 1, normal: 2, 'near-overload': 3, overload: 4 };

/** The header's power and load: the device's own, else what its inlets (or phases) say, so the header agrees with the body. */
function totals(r: DeviceReading): { power: string; load: string } {
  let power = m(r.power, 'W');
  if (r.power.quality !== 'ok') {
    for (const [parts, of] of [[r.inlets, 'inlets'], [r.phases, 'phases']] as const) {
      const known = parts.filter((p) => p.power.quality === 'ok');
      if (known.length === 0) continue;
      const sum = known.reduce((t, p) => t + p.power.value!, 0);
      power = `${m({ value: sum, quality: 'ok' }, 'W')} (sum of ${known.length === parts.length ? '' : `${known.length} of ${parts.length} `}${of})`;
      break;
    }
  }
  let load: string = r.loadState;
  if (r.loadState === 'unknown') {
    const worst = [...r.inlets, ...r.phases, ...r.banks].map((p) => p.loadState).reduce<LoadState>((w, x) => (LOAD_RANK[x] > LOAD_RANK[w] ? x : w), 'unknown');
    if (worst !== 'unknown') load = `${worst} (its worst inlet, phase or bank)`;
  }
  return { power, load };
}

function m(x: Measure, unit = ''): string {
  if (x.quality !== 'ok') return x.quality === 'implausible' ? '?!' : '-';
  const v = Number.isInteger(x.value) ? `${x.value}` : x.value!.toFixed(Math.abs(x.value!) < 10 ? 2 : 1);
  return unit ? `${v} ${unit}` : v;
}

function seconds(x: Measure): string {
  if (x.quality !== 'ok') return m(x);
  const s = x.value!;
  return s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s} s`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 || c === 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}
