import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import snmp from 'net-snmp';
import { compareOids, NetSnmpClient, parseAddress } from '../src/snmp/snmp-client.js';
import { classifySnmpError, SNMP_FAILURE_TEXT } from '../src/snmp/snmp-errors.js';
import { retypeBadValues } from '../src/snmp/tolerant-dgram.js';
import { startHostileAgents, type HostileAgents } from './helpers/hostile-agent.js';

describe('snmp client helpers', () => {
  it('orders OIDs numerically, sub-identifier by sub-identifier', () => {
    const cases: [string, string, number][] = [
      ['1.3.6.1.9', '1.3.6.1.10', -1], ['1.3.6.1.10', '1.3.6.1.9', 1], ['1.3.6.1', '1.3.6.1.0', -1],
      ['1.3.6.1.2', '1.3.6.1.2', 0], ['1.3.6.1.25.3', '1.3.6.1.3.25', 1], ['1.2.100', '1.2.99.1', 1], ['1.2.19', '1.2.2', 1],
    ];
    for (const [a, b, sign] of cases) assert.equal(Math.sign(compareOids(a, b)), sign, `${a} vs ${b}`);
  });
  it('parses addresses with and without a port', () => {
    assert.deepEqual(parseAddress('10.0.0.1'), { host: '10.0.0.1', port: 161 });
    assert.deepEqual(parseAddress('127.3.7.1:1161'), { host: '127.3.7.1', port: 1161 });
  });
});

describe('SNMP errors are fixed texts', () => {
  const SECRET = 'S3cr3t-community-x';
  const cases: [string, Error, string][] = [
    ['timeout', Object.assign(new Error('Request timed out'), { name: 'RequestTimedOutError' }), 'no answer (timed out)'],
    ['community', new snmp.ResponseInvalidError(`Community '${SECRET}' in request does not match community 'x' in response`, snmp.ResponseInvalidCode.ECommunityNoMatch), 'community rejected or mismatched'],
    ['digest', new snmp.ResponseInvalidError(`Authentication digest abc received in message does not match digest ${SECRET}`, snmp.ResponseInvalidCode.EAuthFailure), 'SNMPv3 authentication failed (wrong auth key or protocol)'],
    ['usm user', new snmp.ResponseInvalidError('Unknown user name', snmp.ResponseInvalidCode.EAuthFailure), 'SNMPv3 user unknown to the agent'],
    ['ip address', new snmp.ResponseInvalidError(`Length '5' of IP address '${SECRET}' is not 4`, snmp.ResponseInvalidCode.EIp4AddressSize), 'malformed response'],
    ['agent status', new snmp.RequestFailedError(`GeneralError: ${SECRET}`, snmp.ErrorStatus.GeneralError), 'the agent answered with an error (GeneralError)'],
    ['socket', Object.assign(new Error(`send EHOSTUNREACH ${SECRET}`), { code: 'EHOSTUNREACH' }), 'network error (EHOSTUNREACH)'],
    ['unknown', new TypeError(`bad thing ${SECRET}`), 'SNMP request failed (TypeError)'],
    ['not an error', SECRET as unknown as Error, 'SNMP request failed'],
  ];
  for (const [what, error, text] of cases) {
    it(`${what}: "${text}"`, () => {
      const failed = classifySnmpError(error);
      assert.equal(failed.error, text);
      assert.ok(!failed.error.includes(SECRET));
      assert.ok(failed.error.startsWith(SNMP_FAILURE_TEXT[failed.kind]), 'a text from the table');
    });
  }
});

describe('undecodable varbind values', () => {
  // A v2c response: one varbind whose value TLV is given.
  const response = (value: number[]) => {
    const name = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00];
    const vb = [0x30, name.length + value.length, ...name, ...value];
    const list = [0x30, vb.length, ...vb];
    const pdu = [0xa2, 9 + list.length, 0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, ...list];
    const body = [0x02, 0x01, 0x01, 0x04, 0x01, 0x70, ...pdu];
    return Buffer.from([0x30, body.length, ...body]);
  };
  const valueTag = (msg: Buffer) => msg[33]!; // after message (2+3+3), PDU (2+9), list (2) and varbind (2) headers and the name (10)
  const cases: [string, number[], boolean][] = [
    ['a five-byte IpAddress', [0x40, 0x05, 10, 0, 0, 1, 9], true],
    ['a four-byte IpAddress', [0x40, 0x04, 10, 0, 0, 1], false],
    ['a zero-length INTEGER', [0x02, 0x00], true],
    ['an INTEGER of 8 bytes', [0x02, 0x08, 1, 2, 3, 4, 5, 6, 7, 8], true],
    ['a NULL with a body', [0x05, 0x01, 0x00], true],
    ['an unknown type', [0x47, 0x01, 0x00], true],
    ['an OID ending mid-number', [0x06, 0x02, 0x2b, 0x86], true],
    ['a length running past its varbind', [0x04, 0x09, 0x41, 0x42], true],
    ['a plain OCTET STRING', [0x04, 0x02, 0x41, 0x42], false],
  ];
  for (const [what, value, retyped] of cases) {
    it(`${what}: ${retyped ? 'becomes an OCTET STRING' : 'is left alone'}`, () => {
      const msg = response(value);
      const out = retypeBadValues(msg);
      assert.equal(out === msg, !retyped);
      assert.equal(valueTag(out), retyped ? 0x04 : value[0]);
      assert.equal(out.length, msg.length, 'same size');
    });
  }
});

describe('an answer net-snmp cannot parse', () => {
  // Answers every request with its own request id and a varbind whose name runs past its varbind: no repair in place is possible.
  const responder = dgram.createSocket('udp4');
  before(async () => {
    responder.on('message', (msg, rinfo) => {
      const pdu = msg.indexOf(0xa0, 5);
      const reqId = msg.subarray(pdu + 2, pdu + 4 + msg[pdu + 3]!);
      const vb = Buffer.from([0x30, 0x04, 0x06, 0x20, 0x2b, 0x06]);
      const body = Buffer.concat([reqId, Buffer.from([0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, vb.length]), vb]);
      const inner = Buffer.concat([Buffer.from([0x02, 0x01, 0x01, 0x04, 0x01, 0x70, 0xa2, body.length]), body]);
      responder.send(Buffer.concat([Buffer.from([0x30, inner.length]), inner]), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => responder.bind(0, '127.0.0.1', () => r()));
  });
  after(() => responder.close());

  it('is a malformed response from a device that is there, not silence', async () => {
    const c = new NetSnmpClient({ host: '127.0.0.1', port: responder.address().port, credentials: { version: '2c', community: 'p' }, timeoutMs: 300, retries: 0 });
    try {
      const r = await c.get(['1.3.6.1.2.1.1.1.0']);
      assert.ok(!r.ok);
      assert.equal(r.kind, 'malformed');
      assert.equal(r.error, 'malformed response');
      assert.equal(c.received, 1);
    } finally { c.close(); }
  });
});

describe('a real net-snmp agent (child process) behaving badly', () => {
  const SECRET = 'S3cr3t-child-community';
  let agents: HostileAgents;
  let many: HostileAgents;
  before(async () => {
    agents = await startHostileAgents([
      { name: 'mismatch', host: '127.62.0.1', community: SECRET, mode: 'community', answerCommunity: 'another' },
      { name: 'malformed', host: '127.62.0.2', community: SECRET, mode: 'malformed' },
      { name: 'endless', host: '127.62.0.3', community: SECRET, mode: 'endless' },
    ]);
    // A second process: net-snmp's agent takes seconds per answer from a table of 20,000 rows.
    many = await startHostileAgents([{ name: 'many', host: '127.62.0.4', community: SECRET, mode: 'endless', rows: 2_000, valueBytes: 8 }]);
  });
  after(async () => { await agents?.stop(); await many?.stop(); });
  const client = (name: string) => {
    const { host, port } = parseAddress((name === 'many' ? many : agents).address(name));
    return new NetSnmpClient({ host, port, credentials: { version: '2c', community: SECRET }, timeoutMs: 10_000, retries: 0 });
  };
  const OUTLET_NAMES = '1.3.6.1.4.1.318.1.1.26.9.2.3.1.3';

  it('another community in the answer: a fixed text, never the community', async () => {
    const c = client('mismatch');
    try {
      const r = await c.get(['1.3.6.1.2.1.1.1.0']);
      assert.ok(!r.ok);
      assert.equal(r.kind, 'community');
      assert.equal(r.error, 'community rejected or mismatched');
    } finally { c.close(); }
  });

  it('five-byte IpAddresses in every answer: the walk is read, nothing is silence', async () => {
    const c = client('malformed');
    try {
      const r = await c.subtree(OUTLET_NAMES);
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.value.length, 8);
      assert.equal(r.value[0]!.type, 4, 'typed as the OCTET STRING it was rewritten to');
    } finally { c.close(); }
  });

  it('a table of 20,000 rows of 2.5 KB strings: the walk stops at the first value past the limit', async () => {
    const c = client('endless');
    try {
      const bytes = await c.subtree(OUTLET_NAMES, { maxRows: 100, maxValueBytes: 1_024 });
      assert.ok(!bytes.ok);
      assert.equal(bytes.kind, 'limit');
      assert.match(bytes.error, /longer than 1024 bytes/);
      assert.equal(c.received, 1, 'one answer read, not 1,000');
    } finally { c.close(); }
  });

  it('a table of 2,000 rows: the walk stops past its row limit', async () => {
    const c = client('many');
    try {
      const rows = await c.subtree(OUTLET_NAMES, { maxRows: 100, maxValueBytes: 1_024 });
      assert.ok(!rows.ok);
      assert.match(rows.error, /more than 100 rows/);
      assert.ok(c.received <= 6, `stopped after ${c.received} answers, not 100`);
    } finally { c.close(); }
  });
});
