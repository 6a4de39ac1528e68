import type { BackendConfig } from '../config/schema.js';
import type { MemberState } from '../model.js';
import {
  ADMIN, adminActive, describeAddress, describeAdmin, parseRuntimeAddress, parseServersState, runtimeCommand,
  type RuntimeAddress, type ServerState,
} from './haproxy-runtime.js';
import type { BackendState, MembershipEntry, PoolBackend } from './pool-backend.js';

type HaproxyConfig = Extract<BackendConfig, { type: 'haproxy' }>;

/** The runtime state a member's server is put in: active → ready, drained and held → maint. */
type Target = 'ready' | 'maint';

/** Names go into one-line runtime commands: nothing that could split or extend a command. */
const SAFE_NAME = /^[^\s;#\\]+$/;

/**
 * HAProxy through its runtime API (a `stats socket ... level admin`, unix or TCP).
 *
 * Mapping: an active member's server is `ready`; a drained or held member's server is `maint`,
 * not `drain`. In HAProxy `drain` only removes a server from load balancing: it still accepts new
 * *persistent* connections (cookie or stick-table persistence), so clients pinned to a server
 * whose power failed would keep being sent to it. `maint` refuses all new traffic and sends
 * persistent clients elsewhere; it also pauses health checks, which a dead server fails anyway.
 *
 * A server counts as active when no maintenance or drain flag is set in `srv_admin_state`
 * (FMAINT, IMAINT, RMAINT, FDRAIN, IDRAIN); CMAINT (declared `disabled` in the configuration)
 * is a marker HAProxy keeps even after `ready` and does not stop traffic. The operational
 * (health-check) state is not membership and is ignored.
 *
 * HAProxy forgets runtime state when it restarts or reloads; `readState` then shows the drained
 * servers active again and the drain controller re-applies. `readState` also reports servers put
 * in maint or drain by hand, so the controller can leave them alone (an operator's, not its own).
 */
export class HaproxyBackend implements PoolBackend {
  readonly kind = 'haproxy';
  private readonly address: RuntimeAddress;
  /** The members of the last apply: readState reports exactly these (the backend may hold more servers). */
  private members: string[] | null = null;

  constructor(private readonly spec: HaproxyConfig, private readonly pool: string) {
    this.address = parseRuntimeAddress(spec.socket);
  }

  private get backend(): string {
    return this.spec.backend ?? this.pool;
  }

  private get where(): string {
    return `HAProxy backend "${this.backend}" at ${describeAddress(this.address)}`;
  }

  serverOf(node: string): string {
    return this.spec.servers[node] ?? node;
  }

  async readActive(pool: string): Promise<Set<string> | null> {
    return (await this.readState(pool)).active;
  }

  /**
   * Every member's server: active, or out of service with its admin state in words. HAProxy does
   * not say who set a state; the controller knows which of these it took out itself.
   */
  async readState(_pool: string): Promise<BackendState> {
    this.checkNames(this.members ?? []);
    const state = await this.showState();
    const result: BackendState = { active: new Set(), out: new Map() };
    const note = (node: string, server: ServerState) => {
      if (adminActive(server.adminState)) result.active.add(node);
      else result.out.set(node, describeAdmin(server.adminState));
    };
    if (this.members) {
      this.requireKnown(this.members, state);
      for (const node of this.members) note(node, state.get(this.serverOf(node))!);
      return result;
    }
    // Before the first apply the member list is unknown: every server of the backend, by node name.
    this.requireKnown(Object.keys(this.spec.servers), state);
    const nodeOf = new Map(Object.entries(this.spec.servers).map(([node, server]) => [server, node]));
    for (const server of state.values()) {
      const renamedAway = server.name in this.spec.servers && this.spec.servers[server.name] !== server.name;
      const node = nodeOf.get(server.name) ?? (renamedAway ? null : server.name);
      if (node !== null) note(node, server);
    }
    return result;
  }

  /**
   * Reads the servers' state, sets only those that differ (ready before maint, so capacity comes
   * back before more leaves), then reads again and throws naming every server that does not
   * match. Members whose server HAProxy does not know are reported after the others are applied:
   * one typo must not stop a power drain of the rest.
   */
  async apply(_pool: string, members: MembershipEntry[]): Promise<void> {
    const nodes = members.map((m) => m.node);
    this.checkNames(nodes);
    this.members = nodes;
    const before = await this.showState();
    const unknown = members.filter((m) => !before.has(this.serverOf(m.node)));
    const known = members.filter((m) => before.has(this.serverOf(m.node)));

    const changes = known
      .filter((m) => !satisfied(m, before.get(this.serverOf(m.node))!))
      .map((m) => ({ node: m.node, server: this.serverOf(m.node), target: targetOf(m.state) }))
      .sort((a, b) => (a.target === b.target ? 0 : a.target === 'ready' ? -1 : 1));
    const replies = new Map<string, string>();
    for (const change of changes) {
      const reply = await this.command(`set server ${this.backend}/${change.server} state ${change.target}`);
      if (reply.trim() !== '') replies.set(change.node, reply.trim().split('\n')[0]!);
    }

    const after = changes.length > 0 ? await this.showState() : before;
    const problems: string[] = [];
    for (const m of known) {
      const server = this.serverOf(m.node);
      const now = after.get(server);
      if (!now) {
        problems.push(`${label(m.node, server)} disappeared`);
        continue;
      }
      if (satisfied(m, now)) continue;
      const said = replies.get(m.node);
      problems.push(`${label(m.node, server)} is ${describeAdmin(now.adminState)}, wanted ${targetOf(m.state)}${said ? ` (HAProxy said: ${explain(said)})` : ''}`);
    }
    if (unknown.length > 0) problems.push(unknownMessage(unknown.map((m) => m.node), (n) => this.serverOf(n)));
    if (problems.length > 0) throw new Error(`${this.where} does not match pool ${this.pool}: ${problems.join('; ')}`);
  }

  private async command(command: string): Promise<string> {
    return runtimeCommand(this.address, command, this.spec.timeout);
  }

  private async showState(): Promise<Map<string, ServerState>> {
    const reply = await this.command(`show servers state ${this.backend}`);
    return parseServersState(reply, this.backend, describeAddress(this.address));
  }

  private requireKnown(nodes: readonly string[], state: Map<string, ServerState>): void {
    const unknown = nodes.filter((n) => !state.has(this.serverOf(n)));
    if (unknown.length > 0) throw new Error(`${this.where}: ${unknownMessage(unknown, (n) => this.serverOf(n))}`);
  }

  private checkNames(nodes: readonly string[]): void {
    if (!SAFE_NAME.test(this.backend)) throw new Error(`HAProxy backend name ${JSON.stringify(this.backend)} of pool ${this.pool} is not usable in a runtime command`);
    const bad = [...nodes, ...Object.keys(this.spec.servers)].map((n) => this.serverOf(n)).filter((s) => !SAFE_NAME.test(s));
    if (bad.length > 0) throw new Error(`${this.where}: server names not usable in a runtime command: ${bad.map((s) => JSON.stringify(s)).join(', ')}`);
    const seen = new Map<string, string>();
    for (const node of nodes) {
      const server = this.serverOf(node);
      const other = seen.get(server);
      if (other !== undefined && other !== node) throw new Error(`${this.where}: members ${other} and ${node} both map to server ${server}`);
      seen.set(server, node);
    }
  }
}

function targetOf(state: MemberState): Target {
  return state === 'active' ? 'ready' : 'maint';
}

/**
 * Whether a member's server already is what its state asks: active → no maint/drain flag;
 * drained → forced maintenance (an operator's drain is upgraded to maint); held → anything out
 * of service (the operator's choice of drain or maint is left alone); held in HAProxy by someone
 * else → whatever it is now (it may have been set ready since it was read: never forced back).
 */
function satisfied(member: MembershipEntry, server: ServerState): boolean {
  if (member.external) return true;
  switch (member.state) {
    case 'active': return adminActive(server.adminState);
    case 'drained': return (server.adminState & ADMIN.FMAINT) !== 0;
    case 'held': return !adminActive(server.adminState);
  }
}

function label(node: string, server: string): string {
  return node === server ? node : `${node} (server ${server})`;
}

function unknownMessage(nodes: readonly string[], serverOf: (node: string) => string): string {
  return `HAProxy has no server ${nodes.map((n) => label(n, serverOf(n))).join(', ')} (check the pool's members and "servers" map)`;
}

function explain(reply: string): string {
  if (/permission denied/i.test(reply)) return `${reply} — the stats socket needs "level admin"`;
  return reply;
}
