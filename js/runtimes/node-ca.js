/**
 * The default trust anchors in Node (the API and the CLI): the bundled Mozilla
 * roots (js/roots.js) plus the certificates of the PEM file named by
 * NODE_EXTRA_CA_CERTS, as Node itself does — added to the defaults (never
 * replacing them), read once per process; a missing or unreadable file, or one
 * without a CERTIFICATE block, is a process warning, not a failure.
 * An explicit `ca` replaces all of this (like Node's `ca` option).
 */
import { readFile } from './node.js';

/** @type {Promise<Uint8Array[]> | null} */
let loading = null;

/** @returns {Promise<Uint8Array[]>} the roots (DER) and the extra certificates (PEM text as UTF-8 bytes, as `ca` takes them) */
export function loadNodeDefaultCa() {
  loading ??= (async () => {
    const [{ default: roots }, extra] = await Promise.all([import('../roots.js'), readExtraCaCerts(process.env.NODE_EXTRA_CA_CERTS)]);
    if (!extra.length) return roots;
    // a system bundle (NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt is common) repeats most roots: add only the new ones
    const known = new Set(roots.map((der) => Buffer.from(der).toString('base64')));
    const added = extra.filter((pem) => !known.has(pemBody(pem)));
    return added.length ? [...roots, ...added] : roots;
  })();
  return loading;
}

/**
 * The PEM certificates of `file` (each one PEM text, as bytes), or [] with a warning.
 * @param {string | undefined} file
 * @returns {Promise<Uint8Array[]>}
 */
export async function readExtraCaCerts(file) {
  if (!file) return [];
  let text;
  try {
    text = await readFile(file, 'latin1');
  } catch (err) {
    warn(`Ignoring extra certs from \`${file}\`, load failed: ${err.code ?? ''} ${err.message}`.replace('  ', ' '));
    return [];
  }
  const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (!certs.length) warn(`Ignoring extra certs from \`${file}\`, load failed: no PEM CERTIFICATE block in it`);
  const encoder = new TextEncoder();
  return certs.map((pem) => encoder.encode(`${pem}\n`));
}

/** The base64 body of one PEM certificate (UTF-8 bytes), whitespace removed. */
function pemBody(pem) {
  return new TextDecoder().decode(pem).replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

function warn(message) {
  process.emitWarning(`wasmtls: ${message}`, { code: 'WASMTLS_EXTRA_CA_CERTS' });
}
