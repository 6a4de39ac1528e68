import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MembershipEntry, PoolBackend } from './pool-backend.js';

/**
 * The membership file nodes read at their reload: DIR/POOL.members holds one active member per
 * line; DIR/POOL.json holds every member with its state and reason. Both written atomically.
 */
export class MembershipFileBackend implements PoolBackend {
  readonly kind = 'file';

  constructor(private readonly dir: string) {}

  membersPath(pool: string): string {
    return join(this.dir, `${pool}.members`);
  }

  jsonPath(pool: string): string {
    return join(this.dir, `${pool}.json`);
  }

  async readActive(pool: string): Promise<Set<string> | null> {
    let text: string;
    try {
      text = await readFile(this.membersPath(pool), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return new Set(text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
  }

  async apply(pool: string, members: MembershipEntry[]): Promise<void> {
    const active = members.filter((m) => m.state === 'active').map((m) => m.node);
    // Both files at once (a drain waits for the slower of two writes, not their sum); the directory
    // is made when missing, not looked for at every write.
    const write = async () => {
      const done = await Promise.allSettled([
        atomicWrite(this.membersPath(pool), active.length ? `${active.join('\n')}\n` : ''),
        atomicWrite(this.jsonPath(pool), `${JSON.stringify({ pool, members }, null, 2)}\n`),
      ]);
      const failed = done.flatMap((d) => (d.status === 'rejected' ? [d.reason as NodeJS.ErrnoException] : []));
      if (failed.length > 0) throw failed.find((e) => e.code !== 'ENOENT') ?? failed[0];
    };
    try {
      await write();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(this.dir, { recursive: true });
      await write();
    }
  }
}

/** Readers see the old file or the new one, never half of one. */
async function atomicWrite(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, 'utf8');
  await rename(tmp, path);
}
