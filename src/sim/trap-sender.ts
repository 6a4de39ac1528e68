// Sends one simulated device's traps: an SNMPv2c net-snmp session bound to the device's own address,
// so the receiver sees the trap come from the device (it attributes traps by UDP source address).
import dgram from 'node:dgram';
import snmp from 'net-snmp';
import type { Logger } from 'pino';
import type { ApcTrap } from './apc-traps.js';

/** Where simulated devices send traps: SNMPv2c to host:port with this community. */
export interface TrapTarget { host: string; port: number; community: string }

export class TrapSender {
  private readonly session: snmp.Session;
  /** True once the socket is bound to the source address; false if that bind failed (nothing is sent). */
  private readonly ready: Promise<boolean>;
  private closed = false;

  constructor(private readonly o: { device: string; source: string; target: TrapTarget; log: Logger }) {
    let socket: dgram.Socket | undefined;
    // net-snmp binds the socket (sourceAddress) without a callback and swallows a failed bind, after
    // which sends never call back; this hands us the socket to watch the bind ourselves.
    const dgramModule = { createSocket: (type: dgram.SocketType) => (socket = dgram.createSocket(type)) };
    this.session = snmp.createSession(o.target.host, o.target.community, {
      version: snmp.Version2c, transport: 'udp4', trapPort: o.target.port, sourceAddress: o.source, dgramModule,
    });
    this.session.on('error', (err: unknown) => o.log.debug({ device: o.device, err }, 'simulated trap session error'));
    this.ready = new Promise<boolean>((resolve) => {
      if (!socket) {
        resolve(false);
        return;
      }
      socket.once('listening', () => resolve(true));
      socket.once('error', (err: NodeJS.ErrnoException) => {
        o.log.warn({ device: o.device, source: o.source, err: err.code ?? err.message },
          `simulated ${o.device} cannot send traps from ${o.source}: ${err.code ?? err.message}`);
        resolve(false);
      });
    });
  }

  /** Sends one trap stamped with the device's sysUpTime; never rejects (failures are logged at debug). */
  async send(trap: ApcTrap, upTimeTicks: number): Promise<void> {
    if (!(await this.ready) || this.closed) {
      this.o.log.debug({ device: this.o.device, trap: trap.name }, 'simulated trap not sent: no trap socket');
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (err?: Error | null) => {
        if (err) this.o.log.debug({ device: this.o.device, trap: trap.name, err: err.message }, 'simulated trap could not be sent');
        resolve();
      };
      try {
        // net-snmp puts the current process uptime in sysUpTime.0 when upTime is 0.
        this.session.trap(trap.oid, trap.varbinds, { upTime: Math.max(1, upTimeTicks) }, done);
      } catch (err) {
        done(err as Error);
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.session.close();
    } catch {
      // the bind failed or the socket is already closed
    }
  }
}
