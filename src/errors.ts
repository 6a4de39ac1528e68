// Every error code Breakerbox answers with, in one place: stable strings users can search for.
// An HTTP error body is always {"error": "<human text>", "code": "<one of these>"}.

export const ERROR_CODES = {
  BB_ERR_BAD_REQUEST: 'the request is malformed (bad JSON, a bad parameter)',
  BB_ERR_NOT_FOUND: 'no such endpoint or thing',
  BB_ERR_INTERNAL: 'an unexpected failure inside Breakerbox (logged)',
  BB_ERR_UNAUTHORIZED: 'a token is needed, or the one given is unknown',
  BB_ERR_BAD_HOST: 'the Host header is not one of settings.api.hosts (DNS rebinding guard)',
  BB_ERR_BAD_ORIGIN: 'a change (or the live connection) came from a page of another origin (not in settings.api.origins)',
  BB_ERR_NOT_JSON: 'changes are accepted as Content-Type: application/json only',
  BB_ERR_CONFIG: 'the configuration is invalid (file:line, key path)',
  BB_ERR_CONFIG_TOO_LARGE: 'the configuration file is over the size limit (8 MiB; BREAKERBOX_MAX_CONFIG_BYTES sets another); refused unread',
  BB_ERR_CONFIG_ALIASES: 'the configuration\'s YAML aliases expand more than 100 times (an alias bomb); refused',
  BB_ERR_CONFIG_TIMEOUT: 'the configuration could not be read and checked within the time limit of a reload; refused',
  BB_ERR_NO_POOL: 'no pool of that name',
  BB_ERR_NOT_MEMBER: 'the node is not a member of that pool',
  BB_ERR_HELD: 'the member is held by an operator: release it first',
  BB_ERR_NOT_HELD: 'the member is not held',
  BB_ERR_NO_REASON: 'an operator change must say why',
  BB_ERR_STORAGE: 'the database cannot be written: health is degraded, operator changes are refused until it can (automatic drains go on)',
  BB_ERR_DB_LOCKED: 'another Breakerbox process holds this database (one process per database); the second one exits with code 75, naming the holder\'s pid when the OS tells',
  BB_ERR_PORT_IN_USE: 'another process holds the HTTP or trap port Breakerbox must listen on; it exits with code 75, naming the holder\'s pid when the OS tells',
  BB_ERR_CONFIG_REJECTED: 'the configuration file on disk was refused at the last reload and Breakerbox runs on the one it had: health is degraded until a good file is loaded or the file is put back',
  BB_ERR_BAD_FAULT: 'the simulator cannot inject that fault',
  BB_ERR_SIM_FAULT: 'the simulator cannot inject that fault',
  BB_ERR_BAD_QUERY: 'a history or journal query names an unknown thing or metric, or a range, step or limit it cannot answer',
  BB_ERR_HISTORY_UNAVAILABLE: 'the history store (InfluxDB) did not answer the query; points still wait in the spool and nothing is lost',
  BB_ERR_POLLS_STALE: 'no poll of any device was recorded for as long as facts stay fresh: Breakerbox\'s own polling is stuck; health is degraded and the wall shows NO DATA',
  BB_ERR_BAD_CIDR: 'a trap allow-list or relay block is not valid IPv4 CIDR (octets 0-255, prefix 0-32)',
  BB_ERR_OVERLOADED: 'polls of silent devices took far longer than their timeouts allow: Breakerbox itself is too slow to tell a silent device, so those polls record nothing (their facts age into unknown, nothing drains on them); health is degraded for a minute after the last',
  BB_ERR_STANDBY: 'this process of a cluster stands by: the API and the wall are the controller\'s, named in the answer',
  BB_ERR_FENCED: 'a write of a cluster\'s controller refused because another process took the controller lease; the deposed one exits with code 76',
  BB_ERR_SCHEMA: 'the cluster database was migrated by a newer Breakerbox than this one',
  BB_ERR_CLUSTER_DB: 'a standby cannot reach the cluster database: it cannot take over until it can',
} as const satisfies Record<`BB_ERR_${string}`, string>;

export type ErrorCode = keyof typeof ERROR_CODES;
