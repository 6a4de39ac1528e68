import { resolve } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import type { BackendConfig } from '../config/schema.js';
import { HaproxyBackend } from './haproxy-backend.js';
import { MembershipFileBackend } from './membership-file-backend.js';
import type { PoolBackend } from './pool-backend.js';
import { WebhookBackend } from './webhook-backend.js';

/** The backend a pool's config describes; relative file directories resolve against `stateDir`. */
export function createBackend(pool: string, spec: BackendConfig, stateDir: string, clock: Clock = systemClock): PoolBackend {
  switch (spec.type) {
    case 'file': return new MembershipFileBackend(resolve(stateDir, spec.dir));
    case 'haproxy': return new HaproxyBackend(spec, pool);
    case 'webhook': return new WebhookBackend(spec, { clock });
  }
}

/** Backends live as long as their config does: one per pool and spec. */
export class Backends {
  private readonly cache = new Map<string, { key: string; backend: PoolBackend }>();

  constructor(private readonly stateDir: string, private readonly clock: Clock = systemClock) {}

  for(pool: string, spec: BackendConfig): PoolBackend {
    const key = JSON.stringify(spec);
    const hit = this.cache.get(pool);
    if (hit && hit.key === key) return hit.backend;
    const backend = createBackend(pool, spec, this.stateDir, this.clock);
    this.cache.set(pool, { key, backend });
    return backend;
  }
}
