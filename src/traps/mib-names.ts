// Names for OIDs no profile knows, from MIB files: "PowerNet-MIB::apcTestTrap" for a trap OID,
// "PowerNet-MIB::mtrapargsString.0" for a varbind. Parsing vendor MIBs takes seconds of CPU and
// this process also answers SNMP and receives traps, so the MIBs are parsed in a worker thread
// (mib-names-worker.ts) that posts back only the finished index; until it arrives, callers use
// MibNames.empty().
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../paths.js';
import { WORKER_KIND, type MibIndex } from './mib-names-worker.js';

export interface MibNamesLog {
  warn(obj: object, msg: string): void;
}

/** The project's own MIB directory (mibs/): always read, before the configured ones. */
export const projectMibDir = (): string => resolve(packageRoot(), 'mibs');

/** Directories to load, in precedence order: mibs/, then settings.traps.mibDirs. */
export function mibDirs(configured: readonly string[]): string[] {
  return [projectMibDir(), ...configured.map((d) => resolve(d))];
}

export class MibNames {
  private constructor(
    private readonly names: ReadonlyMap<string, string>,
    private readonly exact: ReadonlyMap<string, string>,
    /** Loaded module names, net-snmp's built-in base modules (SNMPv2-SMI, SNMPv2-MIB …) included. */
    readonly modules: string[],
    /** Files (or directories) that could not be loaded, and why. */
    readonly failed: { file: string; error: string }[],
  ) {}

  /** Numeric names only: what callers use until load() resolves. */
  static empty(): MibNames {
    return new MibNames(new Map(), new Map(), [], []);
  }

  /**
   * Parses every MIB file in `dirs` in a worker thread. Never rejects: files that do not parse,
   * and a worker that dies, end up in `failed` (and in one warning); the rest is usable.
   * Among files defining the same module, the first directory wins.
   */
  static load(dirs: readonly string[], log?: MibNamesLog): Promise<MibNames> {
    return new Promise((done) => {
      const finish = (names: MibNames): void => {
        if (names.failed.length > 0) {
          log?.warn({ count: names.failed.length, failed: names.failed },
            `${names.failed.length} MIB file(s) not loaded: ${names.failed.map((f) => f.file).join(', ')}`);
        }
        done(names);
      };
      const broken = (error: string): void =>
        finish(new MibNames(new Map(), new Map(), [], [{ file: '(mib-names worker)', error }]));

      let worker: Worker;
      try {
        worker = startWorker([...dirs]);
      } catch (err) {
        broken(err instanceof Error ? err.message : String(err));
        return;
      }
      let settled = false;
      worker.once('message', (index: MibIndex) => {
        settled = true;
        if (index.incomplete.length > 0) {
          log?.warn({ incomplete: index.incomplete }, 'some MIB modules import from modules that are not loaded; some of their names may stay numeric');
        }
        finish(new MibNames(index.names, index.exact, index.modules, index.failed));
      });
      worker.once('error', (err) => {
        if (!settled) broken(err.message);
        settled = true;
      });
      worker.once('exit', (code) => {
        if (!settled) broken(`worker exited with code ${code} before posting its index`);
        settled = true;
      });
    });
  }

  /**
   * The MIB name of an OID: the longest known prefix plus the rest as instance suffix
   * ("PowerNet-MIB::mtrapargsString.0"); the OID as given when nothing is known. The SMI skeleton
   * (enterprises, mib-2 …) names only itself: 1.3.6.1.4.1.99999.1 stays numeric.
   */
  name(oid: string): string {
    const o = oid.startsWith('.') ? oid.slice(1) : oid;
    const known = this.names.get(o) ?? this.exact.get(o);
    if (known !== undefined) return known;
    for (let cut = o.lastIndexOf('.'); cut > 0; cut = o.lastIndexOf('.', cut - 1)) {
      const prefix = this.names.get(o.slice(0, cut));
      if (prefix !== undefined) return prefix + o.slice(cut);
    }
    return oid;
  }
}

/**
 * From dist/ the worker is plain JS. From source under tsx (tests, `node --import tsx`), tsx's
 * loader does not reach worker threads on Node 20, so a one-line bootstrap registers it first.
 */
function startWorker(dirs: string[]): Worker {
  const workerData = { kind: WORKER_KIND, dirs };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./mib-names-worker.js', import.meta.url), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./mib-names-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
