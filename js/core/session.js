/**
 * Sessions as users keep them: an opaque string "wtls2.<base64url>" around
 * the trust-policy digest (js/core/policy.js, 32 bytes) and the engine's session
 * encoding (src/wt_session.h). It holds the resumption secret of a
 * connection: store it like a password, never log it.
 *
 * A session is resumed only by a connection whose trust policy (anchors,
 * pins, insecureSkipVerify, a verify hook, serverName) has the same digest
 * as the one that made it: resuming skips certificate verification, so a
 * session made under a weaker policy must never stand in for a stronger one.
 * Sessions from wasmtls 0.1 ("wtls1.", no digest) are accepted as options
 * but never resumed (a full handshake is made).
 */
import { invalidOption } from './errors.js';

const PREFIX = 'wtls2.';
const OLD_PREFIX = 'wtls1.';
const POLICY_LEN = 32;

/**
 * @param {Uint8Array} policy the trust-policy digest of the connection that made it
 * @param {Uint8Array} bytes the engine's session encoding
 * @returns {string}
 */
export function encodeSession(policy, bytes) {
  const all = new Uint8Array(POLICY_LEN + bytes.length);
  all.set(policy.subarray(0, POLICY_LEN));
  all.set(bytes, POLICY_LEN);
  let bin = '';
  for (let i = 0; i < all.length; i++) bin += String.fromCharCode(all[i]);
  all.fill(0);
  return PREFIX + btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * The `session` option: a string from `socket.session` / the 'session' event,
 * or null/undefined for none.
 * @returns {{ policy: Uint8Array | null, bytes: Uint8Array } | null} policy null: never resumed
 */
export function sessionOf(value) {
  if (value === undefined || value === null) return null;
  const prefix = typeof value === 'string' ? [PREFIX, OLD_PREFIX].find((p) => value.startsWith(p)) : undefined;
  if (!prefix || !/^[A-Za-z0-9_-]+$/.test(value.slice(prefix.length))) {
    throw invalidOption('session must be a string from socket.session or the \'session\' event ("wtls2.…")');
  }
  const b64 = value.slice(prefix.length).replaceAll('-', '+').replaceAll('_', '/');
  let bin;
  try {
    bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch (err) {
    throw invalidOption('session is not valid base64url', err);
  }
  const all = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) all[i] = bin.charCodeAt(i);
  const skip = prefix === PREFIX ? POLICY_LEN : 0;
  const bytes = all.subarray(skip);
  if (all.length < skip + 8 || bytes[0] !== 0x77 || bytes[1] !== 0x74 || bytes[2] !== 0x73 || bytes[3] !== 1) {
    throw invalidOption('session was not made by this version of wasmtls');
  }
  return { policy: prefix === PREFIX ? all.subarray(0, POLICY_LEN) : null, bytes };
}
