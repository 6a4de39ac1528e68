// Applies a patch made by the server (src/http/patch.ts): returns the new value; the old one is not changed.
//   { $p: { key: patch } }            an object whose listed keys changed
//   { $a: { index: patch }, $n: n }   an array whose listed positions changed, of length n
//   anything else                     the new value itself

export function applyPatch(value, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  if ('$p' in patch) {
    const out = { ...(value && typeof value === 'object' && !Array.isArray(value) ? value : {}) };
    for (const [key, p] of Object.entries(patch.$p)) out[key] = applyPatch(out[key], p);
    return out;
  }
  if ('$a' in patch) {
    const out = (Array.isArray(value) ? value : []).slice(0, patch.$n);
    while (out.length < patch.$n) out.push(null);
    for (const [index, p] of Object.entries(patch.$a)) out[Number(index)] = applyPatch(out[Number(index)], p);
    return out;
  }
  return patch;
}

/** Makes a message packed by the server whole again (tables back to objects, shared strings put back). */
export function unpack(message) {
  const table = Array.isArray(message?.$strings) ? message.$strings : [];
  const put = (v) => {
    if (Array.isArray(v)) return v.map(put);
    if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 1 && typeof v.$s === 'number') return table[v.$s];
      if (keys.length === 2 && Array.isArray(v.$k) && Array.isArray(v.$r)) {
        return v.$r.map((row) => Object.fromEntries(v.$k.map((k, i) => [k, put(row[i])])));
      }
      const out = {};
      for (const k of keys) if (k !== '$strings') out[k] = put(v[k]);
      return out;
    }
    return v;
  };
  return put(message);
}

/** A snapshot as the server sends it: gzipped JSON, a binary message (ArrayBuffer or bytes) → the packed message. */
export async function inflate(data) {
  if (!(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) return data;
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text());
}

/**
 * A snapshot whole again: the server leaves out what the wall's topology (of its version) says, the
 * racks and each PDU's, node's and pool's fixed part (src/http/snapshot.ts, `withoutTopology`).
 */
export function withTopology(topology, s) {
  const byName = (list) => new Map(list.map((x) => [x.name, x]));
  const pdus = byName(topology.pdus);
  const nodes = byName(topology.nodes);
  const pools = byName(topology.pools);
  const { topology: _version, ...rest } = s;
  return {
    ...rest,
    sites: topology.sites,
    pdus: s.pdus.map((p) => {
      const { cabling, ...fixed } = pdus.get(p.name);
      const feeds = new Map(cabling.map((c) => [c.outlet, { node: c.node, psu: c.psu }]));
      return { ...p, ...fixed, outlets: p.outlets.map((o) => ({ ...o, feeds: feeds.get(o.index) ?? null })) };
    }),
    nodes: s.nodes.map((n) => {
      const { psus, ...fixed } = nodes.get(n.name);
      return { ...n, ...fixed, psus: n.psus.map((p, i) => ({ ...psus[i], ...p })) };
    }),
    // A removed pool is not in the topology: it came whole.
    pools: s.pools.map((p) => (pools.has(p.name) ? { ...p, members: p.members.map((m, i) => ({ node: pools.get(p.name).members[i], ...m })) } : p)),
  };
}
