/**
 * One short, actionable hint per error code that users commonly hit.
 * Codes without an entry get no hint.
 */
export const HINTS = Object.freeze({
  CERT_EXPIRED: 'the certificate has expired, or the device clock is wrong: check the clock',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet: check the device clock',
  UNKNOWN_CA: 'the chain does not lead to a trusted root: pass `ca` (PEM or DER) for a private CA, or update the bundled roots (`wasmtls/roots`) if they are old',
  MISSING_INTERMEDIATE: 'the server must send its intermediate certificate(s) too: fix the server chain, or add the intermediate to `ca`',
  CERT_PURPOSE: 'the certificate\'s extendedKeyUsage does not allow TLS server authentication (a client or code-signing certificate?): reissue it with serverAuth',
  NAME_CONSTRAINTS: 'an intermediate CA is constrained to other names: reissue the certificate under a CA allowed to issue for this name',
  CERT_REVOKED: 'the certificate has been revoked by its CA: the server must get a new certificate',
  PIN_MISMATCH: 'no certificate in the chain matches the configured `pins`: the server key changed, or the pins are out of date',
  BAD_CERTIFICATE: 'a certificate in the chain is malformed, badly signed, or used as a CA without being one: fix the server chain',
  HOSTNAME_MISMATCH: 'the certificate does not name this server: check `serverName` (and the certificate SANs)',
  PROTOCOL_VERSION: 'no protocol version in common: wasmtls speaks TLS 1.3 and 1.2 (see minVersion/maxVersion); a TLS 1.0/1.1-only server must be upgraded',
  NO_SHARED_CIPHER: 'no cipher suite or key-exchange group in common: wasmtls needs ECDHE with AES-GCM or ChaCha20-Poly1305; enable such suites on the server',
  WEAK_CERTIFICATE: 'the chain uses SHA-1/MD5 signatures or an RSA key below 2048 bits: reissue the certificate',
  UNSUPPORTED_CERTIFICATE: 'the certificate uses a key type wasmtls does not support (e.g. Ed25519): use an ECDSA or RSA certificate',
  CERTIFICATE_REQUIRED: 'the server requires a client certificate (mutual TLS): pass `cert` (PEM chain) and `key` (or --cert and --key)',
  NO_APPLICATION_PROTOCOL: 'the server chose none of the `alpn` protocols offered: check the `alpn` list',
  PEER_ALERT: 'the server rejected the handshake: see the alert name, and the server logs',
  TRUNCATED: 'the connection ended without close_notify: the server or a middlebox cut it short',
  DECODE_ERROR: 'the server sent something that is not TLS: check the port (plain HTTP? STARTTLS protocol?)',
  HANDSHAKE_TIMEOUT: 'the server did not answer in time: check host, port, firewalls, or raise `timeoutMs`',
  CONNECT_FAILED: 'the TCP connection could not be opened: check host and port, and that the server is running',
  TRANSPORT_CLOSED: 'the connection was closed by the server or the network before TLS finished: check the port and the server logs',
  TOO_MANY_MESSAGES: 'the server sent a flood of KeyUpdates, tickets, empty records or warning alerts without data: a broken or hostile server',
  SEQUENCE_LIMIT: 'the connection carried 2^64 records under one key and must end: reconnect',
  INVALID_OPTION: 'see the README for the accepted `connect()` options',
});

/**
 * @param {string} code
 * @returns {string | undefined}
 */
export function hintFor(code) {
  return HINTS[code];
}
