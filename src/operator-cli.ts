// breakerbox drain|hold|release|reload: operator control through the running service's API.

export interface OperatorOptions {
  url: string; // the service, e.g. http://127.0.0.1:8080
  token?: string | undefined;
  pool?: string | undefined;
  mode?: string | undefined;
  reason?: string | undefined;
}

/** Performs one operator action; resolves to what to print and the exit code. */
export async function operatorCommand(command: 'drain' | 'hold' | 'release' | 'reload', node: string | undefined, o: OperatorOptions): Promise<{ output: string; code: number }> {
  let path: string;
  let method = 'POST';
  const body: Record<string, string> = {};
  if (o.reason) body.reason = o.reason;
  if (command === 'reload') path = '/api/reload';
  else {
    if (!node) return { output: `breakerbox ${command}: which node?`, code: 64 };
    if (!o.pool) return { output: `breakerbox ${command}: --pool POOL is needed`, code: 64 };
    if (command !== 'release' && !o.reason) return { output: `breakerbox ${command}: say why with --reason "…" (it goes in the audit trail)`, code: 64 };
    const member = `/api/pools/${encodeURIComponent(o.pool)}/members/${encodeURIComponent(node)}`;
    if (command === 'drain') path = `${member}/drain`;
    else {
      path = `${member}/hold`;
      if (command === 'release') method = 'DELETE';
      else body.mode = o.mode ?? 'out';
    }
  }
  let res: Response;
  try {
    res = await fetch(new URL(path, o.url), {
      method, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000),
      headers: { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
    });
  } catch (err) {
    return { output: `cannot reach Breakerbox at ${o.url}: ${(err as Error).message}`, code: 1 };
  }
  const json = (await res.json().catch(() => ({}))) as { error?: string; outcome?: string };
  if (!res.ok && !(command === 'reload' && json.outcome)) return { output: `${command} refused (${res.status}): ${json.error ?? res.statusText}`, code: 1 };
  switch (command) {
    case 'reload': return { output: `reload: ${json.outcome ?? 'done'}`, code: res.ok ? 0 : 1 };
    case 'drain': return { output: `${node} drained from ${o.pool}`, code: 0 };
    case 'hold': return { output: `${node} held ${o.mode === 'in' ? 'in' : 'out of'} ${o.pool}`, code: 0 };
    case 'release': return { output: `${node} released in ${o.pool}`, code: 0 };
  }
}
