import type { ReadLimits } from '../profiles/read-device.js';
import { overLimit, type SnmpClient, type SnmpResult, type Varbind } from '../snmp/snmp-client.js';

/** What a server's own agent says about it: that it answers, since when it runs, how busy it is. */
export interface NodeReading {
  /** Host uptime (HOST-RESOURCES hrSystemUptime) in hundredths of a second, else the agent's sysUpTime. */
  uptimeTicks: number | null;
  /** Which clock uptimeTicks came from: an agent restart resets sysUpTime but not the host's. */
  uptimeSource: 'host' | 'agent' | null;
  sysDescr: string | null;
  /** UCD-SNMP laLoad.1: the 1-minute load average. */
  load1: number | null;
  /** HOST-RESOURCES hrProcessorLoad averaged over processors, %. */
  cpuLoad: number | null;
  /** IF-MIB: interfaces administratively up, and how many of those are operationally up. */
  interfaces: { up: number; total: number } | null;
}

const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
const HR_SYSTEM_UPTIME = '1.3.6.1.2.1.25.1.1.0';
const LA_LOAD_1 = '1.3.6.1.4.1.2021.10.1.3.1';
const HR_PROCESSOR_LOAD = '1.3.6.1.2.1.25.3.3.1.2';
const IF_ADMIN_STATUS = '1.3.6.1.2.1.2.2.1.7';
const IF_OPER_STATUS = '1.3.6.1.2.1.2.2.1.8';
const IF_TYPE = '1.3.6.1.2.1.2.2.1.3';
const SOFTWARE_LOOPBACK = 24;

const NOTHING: SnmpResult<Varbind[]> = { ok: true, value: [] };

/**
 * One GET decides reachability; the walks only add detail and may come back empty. `walk: false`
 * skips them (an agent that served none of them last time is asked again only now and then).
 */
export async function readNode(client: SnmpClient, options: { walk?: boolean; limits?: ReadLimits | undefined } = {}): Promise<SnmpResult<NodeReading>> {
  const walk = options.walk ?? true;
  const bounds = { maxRows: options.limits?.maxRowsDefault, maxValueBytes: options.limits?.maxValueBytes };
  const [get, cpu, admin, oper, types] = await Promise.all([
    client.get([SYS_UPTIME, SYS_DESCR, HR_SYSTEM_UPTIME, LA_LOAD_1]),
    walk ? client.subtree(HR_PROCESSOR_LOAD, bounds) : NOTHING,
    walk ? client.subtree(IF_ADMIN_STATUS, bounds) : NOTHING,
    walk ? client.subtree(IF_OPER_STATUS, bounds) : NOTHING,
    walk ? client.subtree(IF_TYPE, bounds) : NOTHING,
  ]);
  if (!get.ok) return get;
  // A table or value past the bounds is the device misbehaving, whatever else it answered.
  for (const r of [cpu, admin, oper, types]) if (!r.ok && r.kind === 'limit') return r;
  for (const vb of get.value) {
    const exceeded = overLimit(vb.value, 1, { maxRows: Infinity, maxValueBytes: bounds.maxValueBytes ?? Infinity });
    if (exceeded) return exceeded;
  }
  const [sysUp, descr, hostUp, la] = get.value.map((vb) => vb.value);
  const host = typeof hostUp === 'number' ? hostUp : null;
  const agent = typeof sysUp === 'number' ? sysUp : null;
  const loads = cpu.ok ? cpu.value.map((vb) => vb.value).filter((v): v is number => typeof v === 'number' && v >= 0 && v <= 100) : [];
  return {
    ok: true,
    value: {
      uptimeTicks: host ?? agent,
      uptimeSource: host !== null ? 'host' : agent !== null ? 'agent' : null,
      sysDescr: text(descr),
      load1: parseLoad(la),
      cpuLoad: loads.length ? Math.round(loads.reduce((a, b) => a + b, 0) / loads.length) : null,
      interfaces: admin.ok && oper.ok && admin.value.length ? countInterfaces(admin.value, oper.value, types.ok ? types.value : []) : null,
    },
  };
}

function countInterfaces(admin: Varbind[], oper: Varbind[], types: Varbind[]): { up: number; total: number } {
  const index = (vb: Varbind) => vb.oid.slice(vb.oid.lastIndexOf('.') + 1);
  const operBy = new Map(oper.map((vb) => [index(vb), vb.value]));
  const typeBy = new Map(types.map((vb) => [index(vb), vb.value]));
  let up = 0;
  let total = 0;
  for (const vb of admin) {
    if (vb.value !== 1 || typeBy.get(index(vb)) === SOFTWARE_LOOPBACK) continue;
    total++;
    if (operBy.get(index(vb)) === 1) up++;
  }
  return { up, total };
}

function text(v: unknown): string | null {
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'string' ? v : null;
}

/** laLoad is a DisplayString such as "0.42". */
function parseLoad(v: unknown): number | null {
  const s = text(v);
  if (s === null) return null;
  const n = Number(s.trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
}
