// A config file a reload refused is still on disk while Breakerbox runs on the version it had: the
// next restart would fail on it, and the running configuration is not what the file says. Health is
// degraded until a reload loads a good file or the file is put back to the version running.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { maxConfigBytes } from '../config/load-config.js';
import type { ApiProblem } from '../http/api-types.js';

/**
 * sha-256 of a file's bytes, or null when it cannot be read (gone, unreadable). A file over the
 * size limit is never read (a reload refuses it unread): it stands for itself by size and time.
 */
export function fileDigest(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    if (s.size > BigInt(maxConfigBytes())) return `over the limit: ${s.size} bytes at ${s.mtimeNs}`;
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

export class RefusedFile {
  /** The digest of the version the running config was read from. */
  private running: string | null;
  private refusal: { digest: string | null; error: string; at: number } | null = null;
  /** The file's digest, read again only when its inode, size or mtime moves (health is asked often). */
  private seen: { stamp: string; digest: string | null } | null = null;

  constructor(private readonly path: string) {
    this.running = fileDigest(path);
  }

  /** A reload read and applied the version with this digest. */
  applied(digest: string | null): void {
    this.running = digest;
    this.refusal = null;
  }

  /** A reload refused the version with this digest; the running one is kept. */
  refused(digest: string | null, error: string, at: number): void {
    this.refusal = { digest, error, at };
  }

  /** BB_ERR_CONFIG_REJECTED while a refusal stands and the file on disk is not the running version. */
  problem(): ApiProblem | null {
    if (!this.refusal) return null;
    const onDisk = this.digestOnDisk();
    if (onDisk === this.running) return null; // put back as it was
    const { error, at, digest } = this.refusal;
    const since = digest === onDisk ? '' : ' (the file has changed since; the next reload checks it)';
    return {
      code: 'BB_ERR_CONFIG_REJECTED',
      message: `the configuration file was refused at the last reload${since}; Breakerbox runs on the configuration it had, not on the file: ${error.replace(/\n/g, '; ')}`,
      since: at,
    };
  }

  private digestOnDisk(): string | null {
    let stamp: string;
    try {
      const s = statSync(this.path, { bigint: true });
      stamp = `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      stamp = 'missing';
    }
    if (this.seen?.stamp !== stamp) this.seen = { stamp, digest: stamp === 'missing' ? null : fileDigest(this.path) };
    return this.seen.digest;
  }
}
