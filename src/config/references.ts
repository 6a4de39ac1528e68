import cron from 'node-cron';
import type { Config } from './schema.js';

export interface ReferenceProblem {
  path: (string | number)[];
  message: string;
}

/** Checks what the schema cannot: names that must exist, be unique, and cabling that must fit. */
export function checkReferences(config: Config): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const racks = new Set(config.sites.flatMap((s) => s.rows.flatMap((r) => r.racks)));
  const pdus = new Map(config.pdus.map((p) => [p.name, p]));
  const nodes = new Set(config.nodes.map((n) => n.name));
  const pools = new Set(config.pools.map((p) => p.name));

  unique(config.pdus.map((p) => p.name), 'pdus', 'PDU', problems);
  unique(config.nodes.map((n) => n.name), 'nodes', 'node', problems);
  unique(config.pools.map((p) => p.name), 'pools', 'pool', problems);
  unique(config.sites.flatMap((s) => s.rows.flatMap((r) => r.racks)), null, 'rack', problems);
  // One address may front several devices (an SNMP proxy, v3 contexts), told apart by community or context.
  const deviceAddresses = new Map<string, string>();
  const claimAddress = (device: { address: string; snmp: Config['pdus'][number]['snmp'] }, owner: string, path: (string | number)[]) => {
    const view = device.snmp.version === '3' ? `${device.snmp.user}/${device.snmp.context ?? ''}` : device.snmp.community;
    const key = `${device.address.includes(':') ? device.address : `${device.address}:161`} ${view}`;
    const other = deviceAddresses.get(key);
    if (other) problems.push({ path, message: `address ${device.address} is already used by ${other}` });
    else deviceAddresses.set(key, owner);
  };

  config.pdus.forEach((pdu, i) => {
    if (!racks.has(pdu.rack)) problems.push({ path: ['pdus', i, 'rack'], message: `rack "${pdu.rack}" is not in any site's rows` });
    if (pdu.outlets < pdu.banks) problems.push({ path: ['pdus', i, 'banks'], message: `${pdu.banks} banks cannot share ${pdu.outlets} outlets` });
    claimAddress(pdu, `PDU ${pdu.name}`, ['pdus', i, 'address']);
    if (pdu.upstream && !pdus.has(pdu.upstream)) problems.push({ path: ['pdus', i, 'upstream'], message: `device "${pdu.upstream}" is not defined under pdus` });
    if (pdu.upstream === pdu.name) problems.push({ path: ['pdus', i, 'upstream'], message: 'a device cannot feed itself' });
    if (pdu.bankPhases && (pdu.bankPhases.length !== pdu.banks || pdu.bankPhases.some((p) => p > pdu.phases))) {
      problems.push({ path: ['pdus', i, 'bankPhases'], message: `one phase (1-${pdu.phases}) for each of the ${pdu.banks} banks` });
    }
  });

  const outletOwner = new Map<string, string>();
  config.nodes.forEach((node, i) => {
    if (!racks.has(node.rack)) problems.push({ path: ['nodes', i, 'rack'], message: `rack "${node.rack}" is not in any site's rows` });
    claimAddress(node, `node ${node.name}`, ['nodes', i, 'address']);
    node.psus.forEach((psu, j) => {
      const pdu = pdus.get(psu.pdu);
      if (!pdu) {
        problems.push({ path: ['nodes', i, 'psus', j, 'pdu'], message: `PDU "${psu.pdu}" is not defined under pdus` });
        return;
      }
      if (psu.outlet > pdu.outlets) {
        problems.push({ path: ['nodes', i, 'psus', j, 'outlet'], message: `PDU ${pdu.name} has outlets 1-${pdu.outlets}, not ${psu.outlet}` });
        return;
      }
      const key = `${psu.pdu}#${psu.outlet}`;
      const owner = outletOwner.get(key);
      if (owner) problems.push({ path: ['nodes', i, 'psus', j, 'outlet'], message: `outlet ${psu.outlet} of ${psu.pdu} already feeds ${owner}` });
      else outletOwner.set(key, `${node.name} PSU ${j + 1}`);
    });
  });

  config.pools.forEach((pool, i) => {
    const seen = new Set<string>();
    pool.members.forEach((member, j) => {
      if (!nodes.has(member)) problems.push({ path: ['pools', i, 'members', j], message: `node "${member}" is not defined under nodes` });
      if (seen.has(member)) problems.push({ path: ['pools', i, 'members', j], message: `node "${member}" is listed twice` });
      seen.add(member);
    });
  });

  if (!cron.validate(config.settings.reload.schedule)) {
    problems.push({ path: ['settings', 'reload', 'schedule'], message: `"${config.settings.reload.schedule}" is not a cron expression (e.g. "0 * * * *" for hourly)` });
  }

  config.services.forEach((service, i) => {
    service.pools.forEach((pool, j) => {
      if (!pools.has(pool)) problems.push({ path: ['services', i, 'pools', j], message: `pool "${pool}" is not defined under pools` });
    });
  });
  unique(config.maintenance.map((w) => w.name), 'maintenance', 'maintenance window', problems);
  const known = {
    site: new Set(config.sites.map((s) => s.name)), row: new Set(config.sites.flatMap((s) => s.rows.map((r) => r.name))), rack: racks, pdu: new Set(pdus.keys()), pool: pools,
  };
  config.maintenance.forEach((w, i) => {
    for (const [kind, names] of Object.entries(w.scope) as [keyof typeof known, string[] | undefined][]) {
      names?.forEach((n, j) => {
        if (!known[kind].has(n)) problems.push({ path: ['maintenance', i, 'scope', kind, ...(names.length > 1 ? [j] : [])], message: `${kind === 'pdu' ? 'PDU' : kind} "${n}" is not defined` });
      });
    }
  });
  return problems;
}

function unique(names: string[], section: string | null, what: string, problems: ReferenceProblem[]): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) problems.push({ path: section ? [section, i, 'name'] : ['sites'], message: `${what} name "${n}" is used twice` });
    seen.add(n);
  });
}
