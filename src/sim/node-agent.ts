// One simulated server: a Net-SNMP-like agent serving only the SNMPv2-MIB system group.
import type { Logger } from 'pino';
import type { NodeConfig } from '../config/schema.js';
import { SnmpDevice, stableHash } from './snmp-device.js';

/** NET-SNMP-MIB::netSnmpAgentOIDs.linux, what snmpd on Linux reports. */
const LINUX_SYS_OBJECT_ID = '1.3.6.1.4.1.8072.3.2.10';
const DAY = 86_400_000;

export class NodeAgent {
  readonly device: SnmpDevice;

  constructor(node: NodeConfig, o: { now: () => number; log: Logger }) {
    const h = stableHash(`${node.name}/uptime`);
    this.device = new SnmpDevice({
      role: 'node', name: node.name, address: node.address, credentials: node.snmp, now: o.now, log: o.log,
      initialUptimeMs: (1 + (h % 40)) * DAY + (h % DAY),
      system: {
        descr: `Linux ${node.name} 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64`,
        objectId: LINUX_SYS_OBJECT_ID,
        contact: 'Me <me@example.org>', // snmpd's shipped default
        location: node.rack,
      },
    });
  }

  /** A server answers while it has power and is not down; coming back is a boot. */
  setPowered(powered: boolean): void {
    this.device.setAlive(powered);
  }
}
