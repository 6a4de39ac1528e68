import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../src/log.js';

describe('logging', () => {
  it('never writes communities, v3 keys or tokens, however deep', () => {
    const lines: string[] = [];
    const log = createLogger('debug', { write: (l: string) => { lines.push(l); } });
    log.info({ community: 'c0mm-1', pdu: { snmp: { version: '2c', community: 'c0mm-2' } } }, 'device');
    log.info({ settings: { traps: { communities: ['c0mm-3'], users: [{ user: 'u', authKey: 'k3y-1', privKey: 'k3y-2' }] } } }, 'config');
    log.warn({ target: { credentials: { authKey: 'k3y-3', privKey: 'k3y-4' } }, token: 't0ken' }, 'v3');
    const out = lines.join('');
    for (const secret of ['c0mm-1', 'c0mm-2', 'c0mm-3', 'k3y-1', 'k3y-2', 'k3y-3', 'k3y-4', 't0ken']) assert.ok(!out.includes(secret), `${secret} was logged`);
    assert.match(out, /\[redacted\]/);
    assert.equal(lines.length, 3);
  });
});
