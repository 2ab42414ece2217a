/**
 * Errors of the HTTP layer. Every failure is a WasmTlsError (so `err.code` works as for
 * connect()): TLS and transport failures keep their own code (UNKNOWN_CA, TRUNCATED, …);
 * protocol failures of the server have code 'HTTP_PROTOCOL', the others their own code below,
 * and every HttpError also carries `httpCode`, the HTTP-level reason:
 *
 *   MALFORMED_STATUS_LINE, MALFORMED_HEADER, BARE_LF, HEADERS_TOO_LARGE, INVALID_CHUNK,
 *   INVALID_CONTENT_LENGTH, CONFLICTING_LENGTH, UNSUPPORTED_TRANSFER_ENCODING,
 *   UNEXPECTED_DATA, NO_RESPONSE (code 'HTTP_PROTOCOL');
 *   TRUNCATED_BODY, TRUNCATED_HEAD (code 'TRUNCATED' or the TLS code that ended the stream);
 *   TOO_MANY_REDIRECTS, REDIRECT_NOT_ALLOWED, BAD_REDIRECT, BODY_NOT_REPLAYABLE (code 'HTTP_REDIRECT');
 *   UNSUPPORTED_SCHEME, INVALID_REQUEST (code 'INVALID_OPTION').
 */
import { WasmTlsError } from '../core/errors.js';

export class HttpError extends WasmTlsError {
  /**
   * @param {string} code      the WasmTlsError-style code
   * @param {string} httpCode  the HTTP-level code
   * @param {string} message
   * @param {{ cause?: unknown, detail?: string }} [extra]
   */
  constructor(code, httpCode, message, extra = {}) {
    super(code, message, extra);
    this.name = 'HttpError';
    this.httpCode = httpCode;
  }
}

/** A protocol violation by the server. */
export function protocolError(httpCode, message) {
  return new HttpError('HTTP_PROTOCOL', httpCode, message);
}

/**
 * The stream ended (or failed) before the message did: keep the TLS code (TRUNCATED when the
 * server closed without close_notify, CLOSED when it closed cleanly) as `code`.
 */
export function truncated(httpCode, message, cause) {
  const code = cause instanceof WasmTlsError ? cause.code : 'TRUNCATED';
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new HttpError(code, httpCode, `${message}${why}`, { cause });
}
