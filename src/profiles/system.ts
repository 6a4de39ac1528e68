import type { Profile } from './profile.js';

// What Breakerbox reads of a device that answers but that no profile claims (by sysObjectID, by
// probe, nor the standard UPS-MIB and ENTITY-SENSOR-MIB fallbacks): its system group. The device is
// still polled and shown — who made it, what it says it is, that it answers and how long it has been
// up — and nothing it feeds is judged from it (no outlets: the nodes behind it are unknown, never down).
// Never detected: the poller falls back to it when detection finds no family.
const system = '1.3.6.1.2.1.1'; // SNMPv2-MIB system

export const systemOnly: Profile = {
  name: 'system',
  vendor: 'unknown',
  kind: 'unknown',
  mibs: ['SNMPv2-MIB'],
  detect: { sysObjectId: [], probe: [] },
  identity: {
    vendor: [{ oid: `${system}.2.0`, type: 'enterprise' }], // sysObjectID's enterprise number
    model: [{ oid: `${system}.1.0`, type: 'string' }], // sysDescr
    name: [{ oid: `${system}.5.0`, type: 'string' }], // sysName
  },
};
