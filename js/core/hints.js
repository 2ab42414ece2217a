/**
 * One short, actionable hint per error code that users commonly hit, worded
 * for the API (option names). The CLI gets the same advice worded with its
 * flags (CLI_HINTS). Codes without an entry get no hint.
 *
 * UNKNOWN_CA / MISSING_INTERMEDIATE depend on whether the caller gave `ca`:
 * when the server's issuer is neither sent nor trusted, the engine cannot tell
 * a missing intermediate from an untrusted private root, so the hint says both
 * and leads with "pass `ca`" when only the bundled roots were used.
 */
export const HINTS = Object.freeze({
  CERT_EXPIRED: 'the certificate has expired, or the device clock is wrong: check the clock',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet: check the device clock',
  UNKNOWN_CA: 'the chain does not lead to a trusted root: pass `ca` (PEM or DER) for a private CA, or update the bundled roots (`wasmtls/roots`) if they are old',
  MISSING_INTERMEDIATE: 'the server\'s issuer is neither sent by the server nor trusted: if it is a private CA, pass it in `ca`; if it is a public CA\'s intermediate, the server must send it (fix the server chain, or add the intermediate to `ca`)',
  CERT_PURPOSE: 'the certificate\'s extendedKeyUsage does not allow TLS server authentication (a client or code-signing certificate?): reissue it with serverAuth',
  NAME_CONSTRAINTS: 'an intermediate CA is constrained to other names: reissue the certificate under a CA allowed to issue for this name',
  VERIFY_BUDGET: 'the chain needs too much work to verify (many candidate issuers or names × constraints): a hostile or badly built chain; the server should send just its path',
  CERT_REVOKED: 'the certificate has been revoked by its CA: the server must get a new certificate',
  PIN_MISMATCH: 'no certificate in the chain matches the configured `pins`: the server key changed, or the pins are out of date',
  BAD_CERTIFICATE: 'a certificate in the chain is malformed, badly signed, or used as a CA without being one: fix the server chain',
  EMPTY_CHAIN: 'the server sent no certificate: it is misconfigured (no certificate for this `serverName`?)',
  HOSTNAME_MISMATCH: 'the certificate does not name this server: check `serverName` (and the certificate SANs)',
  PROTOCOL_VERSION: 'no protocol version in common: wasmtls speaks TLS 1.3 and 1.2 (see minVersion/maxVersion); a TLS 1.0/1.1-only server must be upgraded',
  NO_SHARED_CIPHER: 'no cipher suite or key-exchange group in common: wasmtls needs ECDHE with AES-GCM or ChaCha20-Poly1305; enable such suites on the server',
  HANDSHAKE_FAILURE: 'the server refused the handshake parameters: check the server logs for what it expected (suites, groups, client certificate)',
  WEAK_CERTIFICATE: 'the chain uses SHA-1/MD5 signatures or an RSA key below 2048 bits: reissue the certificate',
  UNSUPPORTED_CERTIFICATE: 'the certificate uses a key type wasmtls does not support (e.g. Ed25519): use an ECDSA or RSA certificate',
  CERTIFICATE_REQUIRED: 'the server requires a client certificate (mutual TLS): pass `cert` (PEM chain) and `key`',
  NO_APPLICATION_PROTOCOL: 'the server chose none of the `alpn` protocols offered: check the `alpn` list',
  PEER_ALERT: 'the server rejected the handshake: see the alert name, and the server logs',
  UNEXPECTED_MESSAGE: 'the server sent a TLS message out of order: a broken or non-conforming server, or a middlebox rewriting the connection; try `maxVersion: \'TLSv1.2\'` to tell, and check the server logs',
  TRUNCATED: 'the connection ended without close_notify, so the data may be incomplete: the server, a proxy or a load balancer cut it short (an idle timeout?); check their logs, and do not trust a partial response',
  DECODE_ERROR: 'the server sent something that is not TLS: check the port (plain HTTP? STARTTLS protocol?)',
  CLOSED: 'the socket was already closed (by close(), or after the peer\'s close_notify): open a new connection',
  ABORTED: 'the `signal` passed in the options was aborted: the connection was cancelled on purpose',
  HANDSHAKE_TIMEOUT: 'the server did not answer in time: check host, port, firewalls, or raise `timeoutMs`',
  CONNECT_FAILED: 'the TCP connection could not be opened: check host and port, and that the server is running',
  TRANSPORT_CLOSED: 'the connection was closed by the server or the network before TLS finished: check the port and the server logs',
  TOO_MANY_MESSAGES: 'the server sent a flood of KeyUpdates, tickets, empty records or warning alerts without data: a broken or hostile server',
  SEQUENCE_LIMIT: 'the connection carried 2^64 records under one key and must end: reconnect',
  INVALID_OPTION: 'see the README for the accepted `connect()` options',
});

/** The same advice for `wasmtls connect`, with its flags instead of option names. */
export const CLI_HINTS = Object.freeze({
  ...HINTS,
  UNKNOWN_CA: 'the chain does not lead to a trusted root: pass --ca FILE (PEM or DER) for a private CA, or update wasmtls if its bundled roots are old',
  MISSING_INTERMEDIATE: 'the server\'s issuer is neither sent by the server nor trusted: if it is a private CA, pass it with --ca FILE; if it is a public CA\'s intermediate, the server must send it (fix the server chain, or add the intermediate with --ca FILE)',
  PIN_MISMATCH: 'no certificate in the chain matches a --pin: the server key changed, or the pins are out of date',
  EMPTY_CHAIN: 'the server sent no certificate: it is misconfigured (no certificate for this --servername?)',
  HOSTNAME_MISMATCH: 'the certificate does not name this server: check --servername (and the certificate SANs)',
  PROTOCOL_VERSION: 'no protocol version in common: wasmtls speaks TLS 1.3 and 1.2 (see --min-version/--max-version); a TLS 1.0/1.1-only server must be upgraded',
  CERTIFICATE_REQUIRED: 'the server requires a client certificate (mutual TLS): pass --cert FILE (PEM chain) and --key FILE',
  NO_APPLICATION_PROTOCOL: 'the server chose none of the --alpn protocols offered: check the --alpn list',
  UNEXPECTED_MESSAGE: 'the server sent a TLS message out of order: a broken or non-conforming server, or a middlebox rewriting the connection; try --max-version TLSv1.2 to tell, and check the server logs',
  HANDSHAKE_TIMEOUT: 'the server did not answer in time: check host, port, firewalls, or raise --timeout-ms',
  INVALID_OPTION: 'see `wasmtls --help` for the flags',
});

/** When no `ca` was given: the bundled roots were the only anchors, so a private CA is the likely cause. */
const NO_CA_HINTS = Object.freeze({
  UNKNOWN_CA: 'no `ca` was given, so only the bundled Mozilla roots are trusted: pass `ca` (the PEM of your private CA); if the server uses a public CA, update the bundled roots (`wasmtls/roots`)',
  MISSING_INTERMEDIATE: 'no `ca` was given, so only the bundled Mozilla roots are trusted: pass `ca` (the PEM of the CA that issued the server certificate) if it is a private CA; if it is a public CA\'s intermediate, the server must send it (fix the server chain)',
});

const CLI_NO_CA_HINTS = Object.freeze({
  UNKNOWN_CA: 'no --ca was given, so only the bundled Mozilla roots (and NODE_EXTRA_CA_CERTS) are trusted: pass --ca FILE (the PEM of your private CA); if the server uses a public CA, update wasmtls',
  MISSING_INTERMEDIATE: 'no --ca was given, so only the bundled Mozilla roots (and NODE_EXTRA_CA_CERTS) are trusted: pass --ca FILE (the PEM of the CA that issued the server certificate) if it is a private CA; if it is a public CA\'s intermediate, the server must send it (fix the server chain)',
});

/**
 * @param {string} code
 * @param {{ cli?: boolean, caGiven?: boolean }} [context]  cli: word it with the CLI's flags;
 *   caGiven: false when no `ca` (no --ca) was given, only the default roots were trusted
 * @returns {string | undefined}
 */
export function hintFor(code, context = {}) {
  if (context.caGiven === false) {
    const noCa = context.cli ? CLI_NO_CA_HINTS : NO_CA_HINTS;
    if (Object.hasOwn(noCa, code)) return noCa[code];
  }
  const table = context.cli ? CLI_HINTS : HINTS;
  return Object.hasOwn(table, code) ? table[code] : undefined;
}
