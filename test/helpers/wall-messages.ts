// The wall's messages as a test client reads them: a topology and a snapshot arrive gzipped (binary), deltas packed.
import { gunzipSync } from 'node:zlib';
import { unpack } from '../../dashboards/wall/patch.js';

/** A `snapshot` (or `topology`) message → the snapshot (unpacked), as sent: without its topology. */
export function snapshotOf<T = unknown>(data: unknown): T {
  if (!Buffer.isBuffer(data)) throw new Error(`a snapshot is sent as binary (gzipped JSON), got ${typeof data}`);
  return unpack(JSON.parse(gunzipSync(data).toString('utf8')) as T);
}
