// What one poll asks of a device, whatever thread its SNMP session lives on: the poller's
// decisions (deadlines, slowness, misbehaviour) read only this.
import type { DeviceReading } from '../model.js';
import { detectProfile } from '../profiles/detect.js';
import type { Profile } from '../profiles/profile.js';
import { readDevice, type ReadOptions } from '../profiles/read-device.js';
import { readOutletStates } from '../profiles/read-outlet-states.js';
import type { SnmpClient, SnmpResult } from '../snmp/snmp-client.js';
import { readNode, type NodeReading } from './read-node.js';

export type OutletStates = Map<number, 'on' | 'off'>;
export interface NodeReadOptions { walk?: boolean; limits?: ReadOptions['limits'] }

export interface DeviceIo {
  detect(wanted: string): Promise<SnmpResult<Profile>>;
  readPdu(profile: Profile, options: ReadOptions): Promise<SnmpResult<DeviceReading>>;
  /** Null: the profile cannot read these outlets' states in one GET (read outlets and banks whole). */
  readOutletStates(profile: Profile, outlets: readonly number[]): Promise<OutletStates | null>;
  readNode(options: NodeReadOptions): Promise<SnmpResult<NodeReading>>;
  /** Datagrams received from the device so far (undefined: not counted): tells a slow device from a silent one. */
  readonly received: number | undefined;
  /** How long the device takes to answer one request, ms. */
  readonly latencyMs: number | undefined;
  /** Ends every request still out (each resolves as failed); the session is not used again. */
  close(): void;
}

/** A device's reads on this thread, through `client`. */
export function localIo(client: SnmpClient): DeviceIo {
  return {
    detect: (wanted) => detectProfile(client, wanted),
    readPdu: (profile, options) => readDevice(client, profile, options),
    readOutletStates: (profile, outlets) => readOutletStates(client, profile, outlets),
    readNode: (options) => readNode(client, options),
    get received() { return client.received; },
    get latencyMs() { return client.latencyMs; },
    close: () => client.close(),
  };
}
