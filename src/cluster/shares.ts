// Which process polls which device: rendezvous (highest random weight) hashing over the live
// processes. Every process computes the same answer from the same list, with no coordinator; when
// a process joins or leaves, only the devices it gains or held move.
import { createHash } from 'node:crypto';

const weight = (member: string, device: string): bigint => createHash('sha1').update(member).update('\0').update(device).digest().readBigUInt64BE(0);

/** The member that owns `device` among `members` (null when there are none). */
export function ownerOf(members: readonly string[], device: string): string | null {
  let best: string | null = null;
  let top = -1n;
  for (const m of members) {
    const w = weight(m, device);
    if (w > top || (w === top && best !== null && m < best)) {
      best = m;
      top = w;
    }
  }
  return best;
}

/** This process's share of the devices, for the live members as last read; answers are kept until the members change. */
export class Share {
  private members: string[] = [];
  private readonly cache = new Map<string, boolean>();

  constructor(readonly self: string) {}

  /** The live members changed (this process is always one of them). True when the list differs. */
  update(live: readonly string[]): boolean {
    const next = [...new Set([...live, this.self])].sort();
    if (next.join('\n') === this.members.join('\n')) return false;
    this.members = next;
    this.cache.clear();
    return true;
  }

  /** Whether this process polls the device (by its key, "pdu:NAME" or "node:NAME"). */
  mine(device: string): boolean {
    let answer = this.cache.get(device);
    if (answer === undefined) {
      answer = ownerOf(this.members, device) === this.self;
      this.cache.set(device, answer);
    }
    return answer;
  }

  live(): readonly string[] {
    return this.members;
  }
}
