// Logs a person reads on a terminal, JSON for machines: which format when, what a readable line
// looks like, and secrets redacted in both.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseLogFormat, createLogger, prettyLine } from '../src/log.js';

const SECRETS = ['c0mm-1', 'c0mm-2', 'c0mm-3', 'k3y-1', 'k3y-2', 't0ken', 'pa55'];

function logSecrets(format: 'json' | 'pretty'): string[] {
  const lines: string[] = [];
  const log = createLogger('debug', { write: (l: string) => { lines.push(l); } }, format);
  log.info({ community: 'c0mm-1', pdu: { snmp: { version: '2c', community: 'c0mm-2' } } }, 'device');
  log.child({ module: 'traps' }).warn({ settings: { traps: { communities: ['c0mm-3'], users: [{ user: 'u', authKey: 'k3y-1', privKey: 'k3y-2' }] } } }, 'config');
  log.error({ token: 't0ken', smtp: { password: 'pa55' } }, 'login');
  return lines;
}

describe('log format', () => {
  it('pretty on a terminal, JSON elsewhere, unless asked; anything else is refused', () => {
    assert.equal(chooseLogFormat(undefined, true), 'pretty');
    assert.equal(chooseLogFormat(undefined, false), 'json');
    assert.equal(chooseLogFormat('', false), 'json');
    assert.equal(chooseLogFormat('json', true), 'json');
    assert.equal(chooseLogFormat('pretty', false), 'pretty');
    assert.throws(() => chooseLogFormat('xml', true), /log format "xml": json or pretty/);
  });

  it('a readable line: time, level, module, message, then key=value', () => {
    const time = new Date(2024, 4, 3, 14, 8, 49, 7).getTime(); // local time, as the line shows it
    const line = prettyLine(JSON.stringify({
      level: 40, time, service: 'breakerbox', module: 'poller', msg: 'device slow',
      pdu: 'dal3-r07-a', ms: 1200, reachable: false, note: 'two words', err: { type: 'Error', message: 'timed out', stack: 'Error: timed out\n    at x' }, banks: [1, 2],
    }));
    assert.equal(line, '14:08:49.007 WARN  [poller] device slow pdu=dal3-r07-a ms=1200 reachable=false note="two words" err="timed out" banks=[1,2]\n');
    assert.equal(prettyLine(JSON.stringify({ level: 30, time, msg: 'started' })), '14:08:49.007 INFO  started\n', 'no module, no pairs');
    assert.equal(prettyLine(JSON.stringify({ level: 50, time, msg: 'refused:\nfile.yaml:3: bad' })), '14:08:49.007 ERROR refused:\n    file.yaml:3: bad\n', 'more lines indented');
    assert.match(prettyLine(JSON.stringify({ level: 50, time, msg: 'x' }), { color: true }), /\x1b\[31mERROR\x1b\[0m/);
    assert.equal(prettyLine('not json'), 'not json\n');
  });

  it('secrets are redacted in both formats', () => {
    for (const format of ['json', 'pretty'] as const) {
      const lines = logSecrets(format);
      assert.equal(lines.length, 3, format);
      const out = lines.join('');
      for (const secret of SECRETS) assert.ok(!out.includes(secret), `${secret} was logged (${format})`);
      assert.match(out, /\[redacted\]/);
      if (format === 'json') assert.doesNotThrow(() => lines.map((l) => JSON.parse(l) as unknown));
      else {
        assert.match(lines[1]!, /^\d\d:\d\d:\d\d\.\d{3} WARN  \[traps\] config settings=/);
        assert.throws(() => JSON.parse(lines[0]!) as unknown, 'readable, not JSON');
      }
    }
  });
});
