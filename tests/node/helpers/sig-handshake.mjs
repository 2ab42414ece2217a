// One TLS handshake against a loopback server for the signature-verifier tests
// (native-verify-handshake, webcrypto-verify): connect to 127.0.0.1:port with SNI localhost and
// the test root, then close; or expect it to fail with a WasmTlsError.
import assert from 'node:assert/strict';
import { connect, WasmTlsError } from '../../../js/index.node.js';
import { withTimeout } from './servers.mjs';

/** @returns {Promise<object>} what `opened` resolved with (the connection is closed again) */
export async function handshakeInfo(port, ca, extra = {}) {
  const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca, timeoutMs: 8000, ...extra });
  const info = await withTimeout(s.opened, 10_000, 'opened');
  await withTimeout(s.close(), 5000, 'close');
  return info;
}

/** @returns {Promise<WasmTlsError>} the error `opened` rejected with */
export async function handshakeError(port, ca, extra = {}) {
  const s = connect({ hostname: '127.0.0.1', port }, { serverName: 'localhost', ca, timeoutMs: 8000, ...extra });
  s.closed.catch(() => {});
  const err = await withTimeout(s.opened.then(() => null, (e) => e), 10_000, 'opened');
  assert.ok(err instanceof WasmTlsError, `expected a WasmTlsError, got ${err}`);
  return err;
}
