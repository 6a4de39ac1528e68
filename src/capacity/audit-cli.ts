// `breakerbox check-config FILE --audit`: the single points of failure the cabling has, one a line;
// the exit code says whether there are any.
import type { Config } from '../config/schema.js';
import { Topology } from '../health/topology.js';
import { audit } from './audit.js';

/** Exit code of an audit that found single points of failure (0: none). */
export const AUDIT_FOUND = 4;

export function auditCommand(config: Config): { output: string; code: number } {
  const topology = new Topology(config);
  const { findings, notes } = audit(topology);
  const upstream = config.pdus.some((p) => p.upstream !== undefined);
  const lines = [
    findings.length === 0
      ? `no single point of failure found (${plural(config.nodes.length, 'node')}, ${plural(config.pools.length, 'pool')}, ${plural(config.services.length, 'service')})`
      : `${findings.length} single point${findings.length === 1 ? '' : 's'} of failure:`,
    ...findings.map((f) => `  ${f.message}`),
    ...notes.map((n) => `note: ${n}`),
    // The config cannot say whether an upstream device is an ATS, nor whether both its sources are live.
    ...(upstream ? ['note: an ATS that lost a source is found live, from its readings: GET /api/capacity/audit'] : []),
  ];
  return { output: lines.join('\n'), code: findings.length === 0 ? 0 : AUDIT_FOUND };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
