// Types for the tests that read the server's messages with the wall's own code.
export function applyPatch<T>(value: T, patch: unknown): T;
export function unpack<T>(message: T): T;
export function inflate(data: unknown): Promise<unknown>;
export function withTopology<T>(topology: unknown, snapshot: unknown): T;
