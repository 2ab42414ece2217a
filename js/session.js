/**
 * Sessions as users keep them: an opaque string "wtls1.<base64url>" around
 * the engine's session encoding (src/wt_session.h). It holds the resumption
 * secret of a connection: store it like a password, never log it.
 */
import { invalidOption } from './errors.js';

const PREFIX = 'wtls1.';

/** @param {Uint8Array} bytes @returns {string} */
export function encodeSession(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return PREFIX + btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * The `session` option: a string from `socket.session` / the 'session' event,
 * or null/undefined for none.
 * @returns {Uint8Array | null}
 */
export function sessionOf(value) {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !value.startsWith(PREFIX) || !/^[A-Za-z0-9_-]+$/.test(value.slice(PREFIX.length))) {
    throw invalidOption('session must be a string from socket.session or the \'session\' event ("wtls1.…")');
  }
  const b64 = value.slice(PREFIX.length).replaceAll('-', '+').replaceAll('_', '/');
  let bin;
  try {
    bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch (err) {
    throw invalidOption('session is not valid base64url', err);
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (out.length < 8 || out[0] !== 0x77 || out[1] !== 0x74 || out[2] !== 0x73 || out[3] !== 1) {
    throw invalidOption('session was not made by this version of wasmtls');
  }
  return out;
}
