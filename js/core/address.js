import { invalidOption } from './errors.js';

/**
 * Normalise `{ hostname, port }` or `'host:port'` / `'[v6]:port'` into
 * `{ hostname, port }` (hostname without brackets). Throws INVALID_OPTION.
 * @param {string | { hostname: string, port: number | string }} address
 * @returns {{ hostname: string, port: number }}
 */
export function parseAddress(address) {
  let hostname;
  let port;
  if (typeof address === 'string') {
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:[\]]+):(\d+)$/.exec(address);
    if (!m) {
      throw invalidOption(`address must be "host:port" or "[ipv6]:port", got ${JSON.stringify(address)}`);
    }
    [, hostname, port] = m;
  } else if (address && typeof address === 'object') {
    ({ hostname, port } = address);
    if (typeof hostname !== 'string') throw invalidOption('address.hostname must be a string');
    const bracketed = /^\[(.+)\]$/.exec(hostname);
    if (bracketed) hostname = bracketed[1];
  } else {
    throw invalidOption('address must be { hostname, port } or a "host:port" string');
  }
  if (!hostname) throw invalidOption('address.hostname must not be empty');
  const portNumber = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
  if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
    throw invalidOption(`port must be an integer from 1 to 65535, got ${JSON.stringify(port)}`);
  }
  return { hostname, port: /** @type {number} */ (portNumber) };
}

/** "host:port", with brackets around IPv6 literals. */
export function formatAddress({ hostname, port }) {
  return hostname.includes(':') ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}
