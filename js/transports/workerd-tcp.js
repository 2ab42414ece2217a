/**
 * The workerd transport: a plain TCP socket from `cloudflare:sockets`
 * (`secureTransport: 'off'`); wasmtls runs TLS on top of it.
 */
import { connect as cloudflareConnect } from 'cloudflare:sockets';
import { WasmTlsError } from '../core/errors.js';
import { formatAddress } from '../core/address.js';

/**
 * @param {{ hostname: string, port: number }} address
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {Promise<import('../core/connection.js').Transport>}
 */
export async function workerdTcpTransport(address, { signal } = {}) {
  const label = formatAddress(address);
  if (signal?.aborted) throw new WasmTlsError('CONNECT_FAILED', `connecting to ${label} was aborted`);
  let socket;
  try {
    socket = cloudflareConnect({ hostname: address.hostname, port: address.port },
      { secureTransport: 'off', allowHalfOpen: true });
  } catch (err) {
    throw new WasmTlsError('CONNECT_FAILED', `cannot connect to ${label}: ${err?.message ?? err}`, { cause: err });
  }
  const onAbort = () => { socket.close().catch(() => {}); };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await socket.opened;
  } catch (err) {
    throw new WasmTlsError('CONNECT_FAILED', `cannot connect to ${label}: ${err?.message ?? err}`, { cause: err });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return {
    readable: socket.readable,
    writable: socket.writable,
    close: () => { socket.close().catch(() => {}); },
  };
}
