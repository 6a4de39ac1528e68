import pino, { type Logger } from 'pino';

/** Paths that may hold secrets anywhere in a logged object: communities, v3 keys, tokens. */
export const REDACT_PATHS = [
  'community', '*.community', '*.*.community', '*.*.*.community',
  'authKey', '*.authKey', '*.*.authKey', '*.*.*.authKey',
  'privKey', '*.privKey', '*.*.privKey', '*.*.*.privKey',
  'token', '*.token', 'authorization', '*.authorization', '*.headers.authorization',
  'snmp', '*.snmp', '*.*.snmp',
  'communities', '*.communities', '*.*.communities', '*.*.*.communities',
  'users', '*.users', '*.*.users',
  'secret', '*.secret', '*.*.secret', '*.*.*.secret',
  'tokens', '*.tokens', '*.*.tokens',
  'password', '*.password', '*.*.password', '*.*.*.password',
];

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'breakerbox' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
