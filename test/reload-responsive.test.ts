// A reload of a large, valid config parses and validates it off the main thread: the running
// monitor keeps answering (its event loop never stalls for long) while the file is read.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { startApp, type App } from '../src/app.js';
import { parseConfigText } from '../src/config/load-config.js';
import { freeUdpPort } from './helpers/ports.js';

/** `racks` racks, each with one PDU and 20 nodes on it, every device on a loopback address nobody answers from. */
function largeConfig(racks: number, dir: string, port: number): string {
  const rows: string[] = [];
  const pdus: string[] = [];
  const nodes: string[] = [];
  for (let r = 0; r < racks; r++) {
    if (r % 20 === 0) rows.push(`      - name: row ${r / 20}`, '        racks:');
    rows.push(`          - rack-${r}`);
    const net = `127.${100 + (r >> 8)}.${r & 255}`;
    pdus.push(`  - {name: pdu-${r}-a, rack: rack-${r}, address: "${net}.1:${port}", outlets: 24, banks: 2, snmp: {version: "2c", community: c-${r}}}`);
    for (let n = 0; n < 20; n++) {
      nodes.push(`  - name: node-${r}-${n}\n    rack: rack-${r}\n    address: "${net}.${n + 10}:${port}"\n    snmp: {version: "2c", community: c-${r}}\n    psus:\n      - {pdu: pdu-${r}-a, outlet: ${n + 1}}`);
    }
  }
  const members = Array.from({ length: Math.min(racks * 20, 100) }, (_, i) => `node-${Math.floor(i / 20)}-${i % 20}`).join(', ');
  return ['sites:', '  - name: Big', '    rows:', ...rows, 'pdus:', ...pdus, 'nodes:', ...nodes,
    'pools:', `  - {name: big, members: [${members}], backend: {type: file, dir: "${dir}/pools"}}`,
    'settings:', '  pollInterval: 1h', '  snmpTimeout: 60s', '  snmpRetries: 0',
    '  http: {port: 0, host: 127.0.0.1}', '  reload: {schedule: "0 0 1 1 *"}', '  traps: {enabled: false}', `  database: "${dir}/bb.db"`, ''].join('\n');
}

describe('reload of a large config', () => {
  let app: App;
  const dir = mkdtempSync(join(tmpdir(), 'bb-reload-big-'));
  const file = join(dir, 'big.yaml');
  let text = '';

  before(async () => {
    const port = await freeUdpPort();
    text = largeConfig(300, dir, port);
    const small = largeConfig(1, dir, port);
    writeFileSync(file, small);
    app = await startApp({ config: parseConfigText(small, file), configPath: file, stateDir: dir, logLevel: 'silent' });
  });
  after(async () => { await app?.stop(); });

  it('keeps the event loop responsive while it is read and validated, then applies it', async () => {
    // What the same work costs when it blocks: the yardstick for "never long".
    const started = performance.now();
    parseConfigText(text, file);
    const blockingMs = performance.now() - started;
    assert.ok(blockingMs > 300, `parsing the file on the main thread takes ${Math.round(blockingMs)} ms: large enough to matter`);

    writeFileSync(file, text);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let ticks = 0;
    const ticker = setInterval(() => { ticks++; }, 20);
    delay.enable();
    const reloadStarted = performance.now();
    const result = await app.reloader.reloadNow('test');
    const reloadMs = performance.now() - reloadStarted;
    delay.disable();
    clearInterval(ticker);

    assert.equal(result.ok, true, result.configError ?? '');
    assert.equal(app.config().nodes.length, 6_000);
    assert.equal(app.config().pdus.length, 300);
    const maxMs = delay.max / 1e6;
    assert.ok(maxMs < blockingMs / 2, `the event loop stalled ${Math.round(maxMs)} ms at once (parsing blocks for ${Math.round(blockingMs)} ms)`);
    assert.ok(ticks >= Math.floor(reloadMs / 20 / 4), `an interval timer ticked ${ticks} times in ${Math.round(reloadMs)} ms`);
  });
});
