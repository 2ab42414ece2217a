import { sessionOf } from './session.js';
import { invalidOption } from './errors.js';

export const DEFAULT_TIMEOUT_MS = 30000;
const KNOWN = ['serverName', 'ca', 'alpn', 'timeoutMs', 'transport', 'insecureSkipVerify', 'minVersion', 'maxVersion', 'cert', 'key',
  'pins', 'verify', 'session', 'keyUpdateAfterBytes', 'earlyData', 'allowHalfOpen', 'signal', 'keylog', 'groups',
  'nativeVerify', 'nativeCipher'];
/** Key-exchange groups by IANA name (the names of the C group table, src/wt_kex.c). */
export const GROUPS = Object.freeze({ X25519MLKEM768: 0x11ec, x25519: 0x001d, secp256r1: 0x0017, secp384r1: 0x0018 });
/** Protocol versions by their Node.js names. */
export const VERSIONS = Object.freeze({ 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304 });
const encoder = new TextEncoder();

/**
 * Validate `connect()` options and turn them into engine configuration.
 * Throws INVALID_OPTION.
 * @param {unknown} options
 * @param {{ hostname: string }} address
 */
export function normalizeOptions(options, address) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw invalidOption('options must be an object');
  const o = /** @type {Record<string, unknown>} */ (options);
  for (const key of Object.keys(o)) {
    if (!KNOWN.includes(key) && o[key] !== undefined) {
      throw invalidOption(`unknown option ${JSON.stringify(key)} (known: ${KNOWN.join(', ')})`);
    }
  }
  const versions = versionsOf(o.minVersion, o.maxVersion);
  const groups = groupsOf(o.groups);
  if (groups && versions.maxVersion < VERSIONS['TLSv1.3'] && !groups.some((g) => g !== GROUPS.X25519MLKEM768)) {
    throw invalidOption('groups: X25519MLKEM768 is TLS 1.3 only; a TLS 1.2-only connection needs x25519, secp256r1 or secp384r1');
  }
  return {
    serverName: serverNameOf(o.serverName, address.hostname),
    ca: caList(o.ca),
    alpn: alpnList(o.alpn),
    timeoutMs: timeoutOf(o.timeoutMs),
    transport: o.transport ?? 'tcp',
    insecureSkipVerify: insecureOf(o.insecureSkipVerify),
    ...versions,
    groups,
    ...clientCertOf(o.cert, o.key),
    pins: pinsOf(o.pins),
    verify: verifyHookOf(o.verify),
    session: sessionOf(o.session),
    keyUpdateAfterBytes: keyUpdateOf(o.keyUpdateAfterBytes),
    earlyData: earlyDataOf(o.earlyData),
    allowHalfOpen: booleanOf(o.allowHalfOpen, 'allowHalfOpen'),
    signal: signalOf(o.signal),
    keylog: keylogOf(o.keylog),
    // false: BearSSL verifies every signature of this connection even where the runtime has a native verifier
    nativeVerify: o.nativeVerify === undefined ? true : booleanOf(o.nativeVerify, 'nativeVerify'),
    // false: the wasm AEAD protects every record of this connection even where the runtime has a native one
    nativeCipher: o.nativeCipher === undefined ? true : booleanOf(o.nativeCipher, 'nativeCipher'),
  };
}

/**
 * `keylog`: a function `(line) => void` given each NSS key log line, or `true` (the socket's 'keylog'
 * events only). Off by default: the lines are the connection's secrets.
 * @returns {((line: string) => void) | true | null}
 */
function keylogOf(value) {
  if (value === undefined || value === null || value === false) return null;
  if (value === true || typeof value === 'function') return value;
  throw invalidOption(`keylog must be a function (line) => void or true (got ${typeof value})`);
}

/** `signal`: an AbortSignal; aborting it fails the socket with ABORTED. */
function signalOf(value) {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || typeof value.aborted !== 'boolean' || typeof value.addEventListener !== 'function') {
    throw invalidOption('signal must be an AbortSignal');
  }
  return value;
}

/** `earlyData`: the first bytes to send, in 0-RTT when a session allows it (at most 16 KiB). */
function earlyDataOf(value) {
  if (value === undefined || value === null) return null;
  let bytes;
  if (typeof value === 'string') bytes = encoder.encode(value);
  else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
  else if (ArrayBuffer.isView(value)) bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  else throw invalidOption('earlyData must be a string or bytes');
  if (bytes.length === 0 || bytes.length > 16384) throw invalidOption(`earlyData must be 1 to 16384 bytes (got ${bytes.length})`);
  return bytes.slice();
}

/** TLS 1.3: send a KeyUpdate after this many bytes written (at least 1 KiB); default never. */
function keyUpdateOf(value) {
  if (value === undefined || value === 0) return 0;
  if (!Number.isSafeInteger(value) || value < 1024) {
    throw invalidOption(`keyUpdateAfterBytes must be an integer of at least 1024 (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** Client certificate: `cert` (PEM chain, leaf first, or DER) and `key` (PEM or DER), both or neither. */
function clientCertOf(cert, key) {
  if (cert === undefined && key === undefined) return { cert: null, key: null };
  if (cert === undefined || key === undefined) throw invalidOption('cert and key must be given together');
  const bytes = (value, name) => {
    if (typeof value === 'string') {
      if (!value.includes('-----BEGIN')) throw invalidOption(`${name} is a string but not PEM text`);
      return encoder.encode(value);
    }
    // copies (the caller may reuse or wipe its buffer once connect() returned); the connection wipes
    // them once the engine has its own (js/core/connection.js)
    if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
    throw invalidOption(`${name} must be PEM text or DER bytes`);
  };
  return { cert: bytes(cert, 'cert'), key: bytes(key, 'key') };
}

/**
 * `groups`: key-exchange groups in preference order, IANA names ('X25519MLKEM768', 'x25519',
 * 'secp256r1', 'secp384r1'), as an array or a comma-separated string. The first is the initial key
 * share. Default: all four in that order. Returns the NamedGroup code points, or null for the default.
 */
function groupsOf(value) {
  if (value === undefined || value === null) return null;
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0) throw invalidOption('groups must be a non-empty array of group names');
  const ids = list.map((name) => {
    if (typeof name !== 'string' || !Object.hasOwn(GROUPS, name)) {
      throw invalidOption(`groups: unknown group ${JSON.stringify(name)} (known: ${Object.keys(GROUPS).join(', ')})`);
    }
    return GROUPS[name];
  });
  if (new Set(ids).size !== ids.length) throw invalidOption('groups: a group is listed twice');
  return ids;
}

/** minVersion / maxVersion as Node names them ('TLSv1.2' | 'TLSv1.3'); default both. */
function versionsOf(min, max) {
  const pick = (value, name, fallback) => {
    if (value === undefined) return fallback;
    if (!Object.hasOwn(VERSIONS, value)) {
      throw invalidOption(`${name} must be 'TLSv1.2' or 'TLSv1.3' (got ${JSON.stringify(value)}); older versions are not supported`);
    }
    return VERSIONS[value];
  };
  const minVersion = pick(min, 'minVersion', VERSIONS['TLSv1.2']);
  const maxVersion = pick(max, 'maxVersion', VERSIONS['TLSv1.3']);
  if (minVersion > maxVersion) throw invalidOption(`minVersion ${min} is above maxVersion ${max}`);
  return { minVersion, maxVersion };
}

/** `pins`: base64 SHA-256 of a SubjectPublicKeyInfo (44 characters), one or more. */
function pinsOf(value) {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  list.forEach((p, i) => {
    if (typeof p !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(p)) {
      throw invalidOption(`pins[${i}] must be a base64 SHA-256 SPKI hash (44 characters), got ${JSON.stringify(p)}`);
    }
  });
  return list.length ? list : undefined;
}

function verifyHookOf(value) {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalidOption('verify must be a function (chain, info) => boolean | Promise<boolean>');
  return value;
}

function serverNameOf(value, hostname) {
  if (value === undefined) return hostname;
  if (typeof value !== 'string' || value === '') throw invalidOption('serverName must be a non-empty string');
  if (encoder.encode(value).length > 255) throw invalidOption('serverName is longer than 255 bytes');
  if (/[\s\0/]/.test(value)) throw invalidOption(`serverName contains invalid characters: ${JSON.stringify(value)}`);
  return value;
}

/** @returns {Uint8Array[]} PEM text (UTF-8) or DER, one entry per option item */
function caList(value) {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => {
    if (typeof item === 'string') {
      if (!item.includes('-----BEGIN')) throw invalidOption(`ca[${i}] is a string but not PEM text`);
      return encoder.encode(item);
    }
    // copies: the caller may reuse its buffer once connect() returned (the engine reads the
    // anchors after the wasm is ready, and verifiedChain finds the anchor's DER when first read)
    if (item instanceof ArrayBuffer) return new Uint8Array(item.slice(0));
    if (ArrayBuffer.isView(item)) return new Uint8Array(item.buffer, item.byteOffset, item.byteLength).slice();
    throw invalidOption(`ca[${i}] must be a PEM string or DER bytes (Uint8Array)`);
  });
}

/** @returns {{ names: string[], wire: Uint8Array } | null} */
function alpnList(value) {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length === 0) throw invalidOption('alpn must be a non-empty array of strings');
  const parts = value.map((name, i) => {
    if (typeof name !== 'string' || name === '') throw invalidOption(`alpn[${i}] must be a non-empty string`);
    const bytes = encoder.encode(name);
    if (bytes.length > 255) throw invalidOption(`alpn[${i}] is longer than 255 bytes`);
    return bytes;
  });
  const wire = new Uint8Array(parts.reduce((n, p) => n + 1 + p.length, 0));
  if (wire.length > 256) throw invalidOption('alpn list is too long (more than 256 bytes encoded)');
  let off = 0;
  for (const p of parts) { wire[off++] = p.length; wire.set(p, off); off += p.length; }
  return { names: value.slice(), wire };
}

function timeoutOf(value) {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !(value > 0)) throw invalidOption('timeoutMs must be a positive number (Infinity: no timeout)');
  return value;
}

function insecureOf(value) {
  return booleanOf(value, 'insecureSkipVerify');
}

function booleanOf(value, name) {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalidOption(`${name} must be a boolean`);
  return value;
}
