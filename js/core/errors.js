import { hintFor } from './hints.js';

/**
 * Every failure surfaced by wasmtls. `code` is stable (the engine's codes from
 * src/wt_error.h plus the JS-only HANDSHAKE_TIMEOUT, TRANSPORT_CLOSED,
 * CONNECT_FAILED and INVALID_OPTION); `message` is for humans.
 */
export class WasmTlsError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{ detail?: string, alert?: string, hint?: string, cause?: unknown }} [extra]
   */
  constructor(code, message, extra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'WasmTlsError';
    /** @type {string} */
    this.code = code;
    if (extra.detail) this.detail = extra.detail;
    if (extra.alert) this.alert = extra.alert;
    const hint = extra.hint ?? hintFor(code);
    if (hint) this.hint = hint;
  }
}

/**
 * A WasmTlsError without a stack trace, for the errors every connection makes on its normal path
 * (the streams of a cleanly closed socket are errored with CLOSED): a trace would only point into
 * the pump, and capturing one costs ~20 µs a connection.
 * @param {string} code @param {string} message
 */
export function quietError(code, message) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new WasmTlsError(code, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** @param {string} message @param {unknown} [cause] */
export function invalidOption(message, cause) {
  return new WasmTlsError('INVALID_OPTION', message, { cause });
}

/** Wrap anything thrown by a transport into a WasmTlsError (TRANSPORT_CLOSED unless it already is one). */
export function asTransportError(err, whileDoing) {
  if (err instanceof WasmTlsError) return err;
  const osCode = err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
  const text = err instanceof Error ? err.message : String(err);
  return new WasmTlsError('TRANSPORT_CLOSED',
    `the transport failed ${whileDoing}: ${text}`,
    { detail: osCode || undefined, cause: err });
}
