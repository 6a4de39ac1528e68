// An inform net-snmp decodes but cannot encode back in its answer (a 5-byte INTEGER beyond 32 bits):
// counted as malformed and dropped, never thrown out of the socket (which would end the process); the
// receiver goes on and answers the next inform.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { it } from 'node:test';
import snmp from 'net-snmp';
import pino from 'pino';
import { trapsSchema } from '../src/config/schema.js';
import { TrapReceiver } from '../src/traps/trap-receiver.js';
import { waitFor } from './helpers/demo-config.js';

/** An inform as net-snmp sends it, captured off the wire (its send is never answered). */
async function capturedInform(varbinds: snmp.Varbind[]): Promise<Buffer> {
  const sink = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  sink.on('message', (m) => got.push(m));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  const session = snmp.createSession('127.0.0.1', 'public', { trapPort: sink.address().port, version: snmp.Version2c, timeout: 5_000, retries: 0 });
  session.on('error', () => {});
  session.inform('1.3.6.1.4.1.318.0.42', varbinds, () => {});
  await waitFor('the inform captured', () => got.length > 0, 5_000, 10);
  session.close();
  sink.close();
  return got[0]!;
}

it('an inform whose answer cannot be encoded is dropped as malformed, never thrown', async () => {
  const escaped: unknown[] = [];
  const onUncaught = (err: unknown) => escaped.push(err);
  process.on('uncaughtException', onUncaught);
  const delivered: unknown[] = [];
  const receiver = new TrapReceiver(trapsSchema.parse({ address: '127.0.0.1', port: 0, communities: ['public'] }), (t) => delivered.push(t), pino({ level: 'silent' }));
  const port = await receiver.start();
  const sender = dgram.createSocket('udp4');
  const answers: Buffer[] = [];
  sender.on('message', (m) => answers.push(m));
  await new Promise<void>((r) => sender.bind(0, '127.0.0.1', () => r()));
  try {
    // Counter32 4294967295 is encoded in 5 bytes (41 05 00 ff ff ff ff); as an INTEGER (02) the same bytes
    // decode to a number net-snmp refuses to encode back as a 32-bit INTEGER when it answers.
    const good = await capturedInform([{ oid: '1.3.6.1.4.1.318.2.3.1.0', type: snmp.ObjectType.Counter32, value: 4294967295 }]);
    const at = good.indexOf(Buffer.from([0x41, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff]));
    assert.ok(at > 0, 'the 5-byte Counter32 is in the inform');
    const bad = Buffer.from(good);
    bad[at] = 0x02;
    sender.send(bad, port, '127.0.0.1');
    await waitFor('counted as malformed', () => (receiver.stats.dropped.malformed ?? 0) === 1, 5_000, 10);
    assert.deepEqual(escaped, [], 'nothing escaped as an uncaught exception');
    assert.equal(answers.length, 0, 'no answer to an inform that cannot be answered');

    sender.send(good, port, '127.0.0.1');
    await waitFor('the good inform answered', () => answers.length === 1, 5_000, 10);
    await waitFor('and delivered', () => delivered.length === 1, 5_000, 10);
  } finally {
    process.off('uncaughtException', onUncaught);
    sender.close();
    await receiver.stop();
  }
});
