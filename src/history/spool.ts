// Lines that could not be written yet, on disk in arrival order: segments of line protocol, bounded in size.
import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface SpoolOptions {
  dir: string;
  /** Past this many bytes on disk the oldest segment is dropped (and its lines counted). */
  maxBytes: number;
  /** A segment is closed at this size; replay reads one segment at a time, so this bounds its memory. */
  segmentBytes?: number;
}

export interface SpoolStats {
  bytes: number;
  lines: number;
  /** Lines dropped since start: past the bound, or cut short by a crash. */
  dropped: number;
}

interface Segment { name: string; bytes: number; lines: number }

const SEGMENT = /^seg-(\d{16})\.lp$/;

/**
 * A first-in first-out queue of lines on disk that survives restarts. Every operation runs after
 * the one before it (one promise chain), so appends and replays never interleave within a file.
 */
export class Spool {
  private readonly segments: Segment[] = [];
  private nextSeq = 0;
  private droppedLines = 0;
  /** The segment this process appends to (never one an earlier run left). */
  private writing: Segment | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly segmentBytes: number;

  private constructor(private readonly options: SpoolOptions) {
    this.segmentBytes = options.segmentBytes ?? Math.max(64 * 1024, Math.min(4 * 1024 * 1024, Math.floor(options.maxBytes / 8)));
  }

  /** Opens the directory and finds what an earlier run left there. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(options);
    await mkdir(options.dir, { recursive: true });
    const names = (await readdir(options.dir)).filter((n) => SEGMENT.test(n)).sort();
    for (const name of names) {
      const text = await readFile(join(options.dir, name), 'utf8');
      spool.segments.push({ name, bytes: Buffer.byteLength(text), lines: countLines(text) });
    }
    const last = names.at(-1);
    spool.nextSeq = last ? Number(SEGMENT.exec(last)![1]) + 1 : 0;
    return spool;
  }

  get empty(): boolean {
    return this.segments.length === 0;
  }

  stats(): SpoolStats {
    let bytes = 0;
    let lines = 0;
    for (const s of this.segments) {
      bytes += s.bytes;
      lines += s.lines;
    }
    return { bytes, lines, dropped: this.droppedLines };
  }

  /** Adds lines behind everything already spooled. */
  append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return this.chain.then(() => undefined, () => undefined);
    return this.run(async () => {
      const text = lines.join('\n') + '\n';
      let tail = this.segments.at(-1);
      // A new run starts a segment of its own, so a line an earlier run left unfinished stays alone.
      if (!tail || tail !== this.writing || tail.bytes >= this.segmentBytes) {
        tail = { name: `seg-${String(this.nextSeq++).padStart(16, '0')}.lp`, bytes: 0, lines: 0 };
        this.segments.push(tail);
        this.writing = tail;
      }
      await appendFile(join(this.options.dir, tail.name), text);
      tail.bytes += Buffer.byteLength(text);
      tail.lines += lines.length;
      await this.bound();
    });
  }

  /**
   * Hands the oldest segment's lines to `send`, in order; when it resolves the segment is gone.
   * False when there was nothing to replay; a rejection from `send` leaves the segment in place.
   */
  replayOne(send: (lines: string[]) => Promise<void>): Promise<boolean> {
    return this.run(async () => {
      const head = this.segments[0];
      if (!head) return false;
      const path = join(this.options.dir, head.name);
      const text = await readFile(path, 'utf8').catch(() => '');
      const end = text.lastIndexOf('\n');
      // What follows the last newline was being written when the process died.
      if (end < text.length - 1) this.droppedLines++;
      const lines = end < 0 ? [] : text.slice(0, end).split('\n');
      await send(lines);
      await rm(path, { force: true });
      this.segments.shift();
      return true;
    });
  }

  /** Waits for every operation queued so far. */
  async settle(): Promise<void> {
    await this.chain.catch(() => undefined);
  }

  private run<T>(op: () => Promise<T>): Promise<T> {
    const next = this.chain.catch(() => undefined).then(op);
    this.chain = next;
    return next;
  }

  /** Oldest segments go while the spool is over its bound (the one being written stays). */
  private async bound(): Promise<void> {
    let total = this.segments.reduce((n, s) => n + s.bytes, 0);
    while (total > this.options.maxBytes && this.segments.length > 1) {
      const oldest = this.segments.shift()!;
      await rm(join(this.options.dir, oldest.name), { force: true });
      total -= oldest.bytes;
      this.droppedLines += oldest.lines;
    }
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
