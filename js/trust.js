/**
 * Trust policy applied in JS after the engine verified the chain, before
 * `opened` resolves (no application data has been sent by then):
 *   pins    SPKI SHA-256 pins (base64, as in HPKP / `openssl ... | base64`):
 *           at least one certificate of the chain must match → PIN_MISMATCH
 *   verify  the caller's hook verify(chain, info): may be async; throwing or
 *           returning false refuses the connection (the thrown WasmTlsError
 *           as is, anything else as BAD_CERTIFICATE)
 */
import { readOne, children, expect } from './der.js';
import { WasmTlsError } from './errors.js';

const SEQUENCE = 0x30;

/** The subjectPublicKeyInfo DER of a certificate. @param {Uint8Array} der */
export function spkiOf(der) {
  const cert = expect(readOne(der), SEQUENCE, 'Certificate');
  const tbs = children(expect(children(cert)[0], SEQUENCE, 'tbsCertificate'));
  const i = tbs[0].tag === 0xA0 ? 1 : 0;          // optional [0] version
  return expect(tbs[i + 5], SEQUENCE, 'subjectPublicKeyInfo').der;
}

function base64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** base64(SHA-256(SPKI)) of a certificate: the pin format. @param {Uint8Array} der */
export async function spkiPin(der) {
  return base64(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', spkiOf(der))));
}

/**
 * @param {{ pins?: string[], verify?: Function }} options
 * @param {any[]} peerCertificates  described certificates (with .der), leaf first
 * @param {object} info             what `opened` will resolve with
 */
export async function applyTrustPolicy(options, peerCertificates, info) {
  if (options.pins?.length) {
    const have = await Promise.all(peerCertificates.map((c) => spkiPin(c.der).catch(() => '')));
    if (!have.some((p) => options.pins.includes(p))) {
      throw new WasmTlsError('PIN_MISMATCH',
        `no certificate in the chain matches a pin: the chain has SPKI SHA-256 ${have.filter(Boolean).join(', ')}; pinned: ${options.pins.join(', ')}`);
    }
  }
  if (options.verify) {
    let ok;
    try {
      ok = await options.verify(peerCertificates, info);
    } catch (err) {
      if (err instanceof WasmTlsError) throw err;
      throw new WasmTlsError('BAD_CERTIFICATE', `the verify hook refused the certificate: ${err?.message ?? err}`, { cause: err });
    }
    if (ok === false) throw new WasmTlsError('BAD_CERTIFICATE', 'the verify hook refused the certificate (returned false)');
  }
}
