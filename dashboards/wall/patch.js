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
