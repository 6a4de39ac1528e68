// Builds the OID → "MODULE::name" index from MIB files with net-snmp's ModuleStore. Parsing the
// 2.8 MB PowerNet-MIB alone takes about a second of CPU, so MibNames runs this in a worker thread
// (see mib-names.ts); buildMibIndex is exported for that worker and for measuring, and blocks.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import snmp from 'net-snmp';

export const WORKER_KIND = 'breakerbox-mib-names';

/** What the worker posts back: plain data, structured-cloned once. */
export interface MibIndex {
  /** OID → "MODULE::name"; also names OIDs below it (instance suffixes, unknown children). */
  names: Map<string, string>;
  /** The SMI skeleton (iso.org.dod.internet, mib-2, enterprises …): named only on an exact match. */
  exact: Map<string, string>;
  /** Every module in the store, net-snmp's built-in base modules included. */
  modules: string[];
  failed: { file: string; error: string }[];
  /** Loaded, but with holes: imports from modules nobody provided, nodes whose OID could not be resolved. */
  incomplete: { module: string; missingImports: string[]; unresolved: number }[];
  /** Files not read because a module of that name was already loaded (built in, or from an earlier directory). */
  duplicates: { file: string; module: string }[];
  elapsedMs: number;
}

/** The parts of net-snmp 3.29's parser (store.parser, lib/mib.js) that loadFromFile leaves behind. */
interface ParserState {
  Modules: Record<string, Record<string, unknown>>;
  SymbolBuffer: Record<string, unknown>;
  CharBuffer: { Table: Record<string, unknown>; ModuleName: Record<string, unknown> };
}

interface Store {
  loadFromFile(file: string): void;
  getModules(includeBase: boolean): Record<string, Record<string, unknown>>;
  getModuleNames(includeBase: boolean): string[];
  parser?: Partial<ParserState>;
}

interface Candidate {
  file: string;
  module: string;
  imports: string[];
}

interface MibEntry {
  ObjectName?: unknown;
  MACRO?: unknown;
  OID?: unknown;
  ENTERPRISE?: unknown;
  VALUE?: unknown;
}

/** Modules whose nodes are the skeleton every MIB hangs from: "enterprises.99999" names nothing. */
const SMI_MODULES = new Set(['RFC1155-SMI', 'SNMPv2-SMI']);
const NUMERIC_OID = /^\d+(\.\d+)*$/;
const MODULE_HEADER = /([A-Za-z][A-Za-z0-9-]*)\s+DEFINITIONS\s*(?:(?:EXPLICIT|IMPLICIT|AUTOMATIC)\s+TAGS\s*)?::=\s*BEGIN/;

/** Parse every MIB file in `dirs` (blocking: seconds for vendor MIBs) and index its names. */
export function buildMibIndex(dirs: readonly string[]): MibIndex {
  const started = performance.now();
  const failed: MibIndex['failed'] = [];
  const duplicates: MibIndex['duplicates'] = [];
  const store = snmp.createModuleStore() as Store;
  const builtIn = new Set(store.getModuleNames(true));

  const candidates = new Map<string, Candidate>();
  for (const file of listFiles(dirs, failed)) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (err) {
      failed.push({ file, error: message(err) });
      continue;
    }
    const found = scanModule(text);
    if (!found) {
      failed.push({ file, error: 'not a MIB module: no "DEFINITIONS ::= BEGIN"' });
      continue;
    }
    if (builtIn.has(found.module) || candidates.has(found.module)) {
      duplicates.push({ file, module: found.module });
      continue;
    }
    candidates.set(found.module, { file, ...found });
  }

  const loader = new Loader(store);
  // Dependency order first; then retry what failed while retries still load something, in
  // case a file's IMPORTS were misread or a dependency sat behind a failure.
  let pending = dependencyOrder(candidates, builtIn);
  for (;;) {
    const again: { candidate: Candidate; error: string }[] = [];
    for (const candidate of pending) {
      const error = loader.load(candidate);
      if (error) again.push({ candidate, error });
    }
    if (again.length === 0 || again.length === pending.length) {
      for (const { candidate, error } of again) failed.push({ file: candidate.file, error });
      break;
    }
    pending = again.map((a) => a.candidate);
  }

  const modules = store.getModules(true);
  const { names, exact, unresolved } = indexNames(modules);
  const incomplete: MibIndex['incomplete'] = [];
  for (const module of Object.keys(modules)) {
    const missingImports = [...(loader.missingImports.get(module) ?? [])].filter((m) => !(m in modules));
    const holes = unresolved.get(module) ?? 0;
    if (missingImports.length > 0 || holes > 0) incomplete.push({ module, missingImports, unresolved: holes });
  }
  return {
    names, exact, modules: Object.keys(modules).sort(), failed, incomplete, duplicates,
    elapsedMs: Math.round(performance.now() - started),
  };
}

function listFiles(dirs: readonly string[], failed: MibIndex['failed']): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  for (const dir of dirs.map((d) => resolve(d))) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (err) {
      failed.push({ file: dir, error: message(err) });
      continue;
    }
    for (const entry of entries) {
      if (entry.startsWith('.') || /^readme/i.test(entry)) continue;
      const file = join(dir, entry);
      try {
        if (statSync(file).isFile()) files.push(file);
      } catch {
        // vanished or a dangling link: nothing to load
      }
    }
  }
  return files;
}

/** The module a file defines and the modules it imports from, read cheaply (comments removed). */
export function scanModule(text: string): { module: string; imports: string[] } | null {
  const code = text.replace(/--.*?(?:--|$)/gm, ' ');
  const header = MODULE_HEADER.exec(code);
  if (!header?.[1]) return null;
  const body = code.slice(header.index + header[0].length);
  const clause = /^\s*IMPORTS\b([^;]*);/.exec(body);
  const imports = clause?.[1] ? [...clause[1].matchAll(/\bFROM\s+([A-Za-z][A-Za-z0-9-]*)/g)].map((m) => m[1] ?? '') : [];
  return { module: header[1], imports };
}

function dependencyOrder(candidates: Map<string, Candidate>, loaded: Set<string>): Candidate[] {
  const order: Candidate[] = [];
  const visited = new Set<string>();
  const visit = (c: Candidate): void => {
    if (visited.has(c.module)) return; // done, or a cycle: load in file order
    visited.add(c.module);
    for (const dep of c.imports) {
      const d = candidates.get(dep);
      if (d && !loaded.has(dep)) visit(d);
    }
    order.push(c);
  };
  for (const c of candidates.values()) visit(c);
  return order;
}

/**
 * Loads one file at a time into the store. net-snmp's parser re-serializes and recompiles every
 * file it has ever read on each loadFromFile (quadratic: 6 s instead of 1.2 s for the shared MIBs),
 * and a file that throws stays in its buffers and makes every later load throw too. So after each
 * file the per-file buffers are emptied (compiled modules stay in parser.Modules) and a failed
 * file's half-compiled module is removed.
 */
class Loader {
  readonly missingImports = new Map<string, Set<string>>();
  private readonly parser: ParserState | null;

  constructor(private readonly store: Store) {
    const p = store.parser;
    this.parser = p?.Modules && p.SymbolBuffer && p.CharBuffer?.Table && p.CharBuffer.ModuleName ? p as ParserState : null;
  }

  /** Loads the file; returns why it failed, or null. */
  load(candidate: Candidate): string | null {
    const before = new Set(this.store.getModuleNames(true));
    const said: string[] = [];
    const { log, warn } = console;
    // The parser reports missing imports and malformed files on the console, then carries on.
    console.log = console.warn = (...args: unknown[]) => { said.push(format(...args)); };
    let error: string | null = null;
    try {
      this.store.loadFromFile(candidate.file);
    } catch (err) {
      error = message(err);
    } finally {
      console.log = log;
      console.warn = warn;
    }
    const added = this.store.getModuleNames(true).filter((m) => !before.has(m));
    for (const line of said) {
      const missing = /^(\S+): Can not find (\S+?)!*$/.exec(line);
      if (missing?.[1] && missing[2]) {
        const set = this.missingImports.get(missing[1]) ?? new Set<string>();
        this.missingImports.set(missing[1], set.add(missing[2]));
      }
      if (!error && line.includes('no END statement found')) error = `incomplete module (${line.replace(/^\[[^\]]*\]:\s*/, '')})`;
    }
    if (!error && added.length === 0) error = `defines no module (expected ${candidate.module})`;
    if (error) error = explain(error, this.missingImports.get(candidate.module));
    if (this.parser) {
      this.parser.CharBuffer.Table = {};
      this.parser.CharBuffer.ModuleName = {};
      this.parser.SymbolBuffer = {};
      if (error) {
        for (const m of added) delete this.parser.Modules[m];
        delete this.parser.Modules['undefined'];
        this.missingImports.delete(candidate.module);
      }
    }
    return error;
  }
}

/** The parser's own errors are TypeErrors from deep inside; say what they usually mean. */
function explain(error: string, missing: Set<string> | undefined): string {
  if (missing && missing.size > 0) return `${error} (imports from ${[...missing].join(', ')}, not loaded)`;
  if (/Cannot read properties of undefined/.test(error)) return `${error} (malformed or unsupported MIB syntax)`;
  return error;
}

/** OID definitions ranked: what a trap or varbind is called beats groups and compliance statements. */
function rank(macro: unknown): number {
  switch (macro) {
    case 'OBJECT-TYPE':
    case 'NOTIFICATION-TYPE':
    case 'TRAP-TYPE':
      return 3;
    case undefined: // plain OBJECT IDENTIFIER
    case 'MODULE-IDENTITY':
    case 'OBJECT-IDENTITY':
      return 2;
    default: // OBJECT-GROUP, NOTIFICATION-GROUP, MODULE-COMPLIANCE, AGENT-CAPABILITIES …
      return 1;
  }
}

/**
 * Every named OID: OBJECT-TYPE, NOTIFICATION-TYPE, OBJECT IDENTIFIER and identity nodes at their
 * OID; SMIv1 TRAP-TYPEs at enterprise.0.specific, the snmpTrapOID an SNMPv1 trap becomes
 * (RFC 3584 §3.1, v1TrapOid in trap-receiver.ts); an SMIv2 notification whose next-to-last
 * sub-identifier is not 0 (UPS-MIB's upsTraps.1) also at parent.0.last, because an agent that
 * sends it as SNMPv1 uses enterprise = parent, specific = last (§3.2), which arrives as
 * parent.0.last. Never at enterprise.specific: apc.1 and apc.2 are PowerNet-MIB's products and
 * apcmgmt, and a v1 trap never arrives in that form.
 * One name per OID: highest rank, then SMIv2 over SMIv1 (SNMPv2-MIB::sysDescr, not
 * RFC1213-MIB::sysDescr), then the module loaded first.
 */
function indexNames(modules: Record<string, Record<string, unknown>>): Pick<MibIndex, 'names' | 'exact'> & { unresolved: Map<string, number> } {
  const best = new Map<string, { name: string; score: number }>();
  const unresolved = new Map<string, number>();
  const skeleton = new Set<string>();
  const offer = (oid: string, name: string, score: number): void => {
    const current = best.get(oid);
    if (!current || score > current.score) best.set(oid, { name, score });
  };

  for (const [module, entries] of Object.entries(modules)) {
    const imports = (entries['IMPORTS'] ?? {}) as Record<string, unknown>;
    const smiV2 = 'SNMPv2-SMI' in imports || module === 'SNMPv2-SMI';
    for (const raw of Object.values(entries)) {
      const e = raw as MibEntry;
      if (!e || typeof e !== 'object' || typeof e.ObjectName !== 'string') continue;
      const name = `${module}::${e.ObjectName}`;
      const score = rank(e.MACRO) * 2 + (smiV2 ? 1 : 0);
      if (e.MACRO === 'TRAP-TYPE') {
        const enterprise = typeof e.ENTERPRISE === 'string' ? resolveName(e.ENTERPRISE, module, modules) : null;
        if (enterprise && Number.isInteger(e.VALUE)) offer(`${enterprise}.0.${String(e.VALUE)}`, name, score);
        else unresolved.set(module, (unresolved.get(module) ?? 0) + 1);
        continue;
      }
      if (typeof e.OID !== 'string') continue;
      if (!NUMERIC_OID.test(e.OID)) {
        // a parent the parser could not find (a missing import): its OID is partial, e.g. ".5.1"
        unresolved.set(module, (unresolved.get(module) ?? 0) + 1);
        continue;
      }
      offer(e.OID, name, score);
      if (SMI_MODULES.has(module)) skeleton.add(e.OID);
      if (e.MACRO === 'NOTIFICATION-TYPE') {
        const cut = e.OID.lastIndexOf('.');
        const parent = e.OID.slice(0, cut);
        if (!parent.endsWith('.0')) offer(`${parent}.0${e.OID.slice(cut)}`, name, 0);
      }
    }
  }

  const names = new Map<string, string>();
  const exact = new Map<string, string>();
  for (const [oid, { name }] of best) (skeleton.has(oid) ? exact : names).set(oid, name);
  return { names, exact, unresolved };
}

/** The OID of a name as `module` sees it: its own definitions, then what it imports, then anyone's. */
function resolveName(name: string, module: string, modules: Record<string, Record<string, unknown>>): string | null {
  const oidOf = (m: string | undefined): string | null => {
    const e = m === undefined ? undefined : modules[m]?.[name] as MibEntry | undefined;
    return typeof e?.OID === 'string' && NUMERIC_OID.test(e.OID) ? e.OID : null;
  };
  const own = oidOf(module);
  if (own) return own;
  const imports = (modules[module]?.['IMPORTS'] ?? {}) as Record<string, unknown>;
  for (const [from, symbols] of Object.entries(imports)) {
    if (Array.isArray(symbols) && symbols.includes(name)) {
      const found = oidOf(from);
      if (found) return found;
    }
  }
  for (const m of Object.keys(modules)) {
    const found = oidOf(m);
    if (found) return found;
  }
  return null;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

if (!isMainThread && parentPort && (workerData as { kind?: unknown } | null)?.kind === WORKER_KIND) {
  const { dirs } = workerData as { dirs: string[] };
  parentPort.postMessage(buildMibIndex(dirs));
}
