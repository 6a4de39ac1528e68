// The wall's messages as a test client reads them: a snapshot arrives gzipped (binary), deltas packed.
import { gunzipSync } from 'node:zlib';
import { unpack } from '../../dashboards/wall/patch.js';

/** A `snapshot` message → the snapshot (unpacked). */
export function snapshotOf<T = unknown>(data: unknown): T {
  if (!Buffer.isBuffer(data)) throw new Error(`a snapshot is sent as binary (gzipped JSON), got ${typeof data}`);
  return unpack(JSON.parse(gunzipSync(data).toString('utf8')) as T);
}
