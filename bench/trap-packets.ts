// Trap packets for bench/traps.ts, encoded once by net-snmp's own session machinery (session.trap)
// against a fake dgram module that keeps the bytes instead of sending them: exactly what a net-snmp
// sender would put on the wire. The trap: APC PowerNet-MIB outletOff (apc.0.42, outlet in
// mtrapargsInteger.0), shaped like the simulated PDUs' (src/sim/apc-traps.ts).
import snmp from 'net-snmp';
import { outletTrap } from '../src/sim/apc-traps.js';

export interface V3User {
  name: string;
  authPassword: string;
  privPassword: string;
}

export type PacketSpec =
  | { version: '2c'; community: string }
  /** authPriv, SHA + AES-128, from a fixed authoritative engine ID (hex), so snmptrapd can hold the user. */
  | { version: '3'; user: V3User; engineId: string };

/**
 * `count` distinct outletOff packets: outlet (first + i) mod 48, a fresh request id each (and for v3
 * a fresh msgID, AES salt and HMAC each).
 */
export function encodeTraps(spec: PacketSpec, count: number, firstOutlet = 1): Buffer[] {
  let captured: Buffer | null = null;
  const fakeSocket = {
    unref() {}, ref() {}, bind() {}, close() {},
    on() { return fakeSocket; },
    send(buf: Buffer, offset: number, length: number, _port: number, _host: string, cb: (err: Error | null, n: number) => void) {
      captured = Buffer.from(buf.subarray(offset, offset + length));
      cb(null, length);
    },
  };
  const options = { dgramModule: { createSocket: () => fakeSocket } };
  const session = spec.version === '2c'
    ? snmp.createSession('127.0.0.1', spec.community, { ...options, version: snmp.Version2c } as snmp.SessionOptions)
    : snmp.createV3Session('127.0.0.1', {
      name: spec.user.name, level: snmp.SecurityLevel.authPriv,
      authProtocol: snmp.AuthProtocols.sha, authKey: spec.user.authPassword,
      privProtocol: snmp.PrivProtocols.aes, privKey: spec.user.privPassword,
    }, { ...options, engineID: spec.engineId } as snmp.SessionOptionsV3);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const trap = outletTrap(false, ((firstOutlet - 1 + i) % 48) + 1);
    captured = null;
    let failure: Error | null = null;
    session.trap(trap.oid, trap.varbinds, { upTime: 100_000 + i }, (err?: Error | null) => { failure = err ?? null; });
    if (failure) throw failure;
    if (!captured) throw new Error('net-snmp did not encode the trap synchronously');
    out.push(captured);
  }
  session.close();
  return out;
}
