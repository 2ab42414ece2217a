// Client certificates for mutual-TLS tests, issued by the intermediate CA of helpers/pki.mjs
// (extendedKeyUsage clientAuth), with their keys in each format wasmtls reads:
// PKCS#8 (openssl genpkey's default), SEC1 "EC PRIVATE KEY" and PKCS#1 "RSA PRIVATE KEY".

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { getPki } from './pki.mjs';

let cached = null;

function openssl(dir, args) {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

const KINDS = {
  p256: { gen: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], sec1: true },
  p384: { gen: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], sec1: true },
  rsa2048: { gen: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], sec1: false },
};

/**
 * @returns {Record<'p256'|'p384'|'rsa2048', { certPem: string, chainPem: string, pkcs8Pem: string,
 *   legacyPem: string, certFile: string, chainFile: string, keyFile: string, legacyKeyFile: string, subject: string }>}
 */
export function getClientPki() {
  if (cached) return cached;
  const pki = getPki();
  const dir = path.join(pki.dir, 'clients');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ext.cnf'),
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  const out = {};
  let serial = 0x7000;
  for (const [kind, spec] of Object.entries(KINDS)) {
    const subject = `CN=wasmtls test client ${kind}`;
    openssl(dir, ['genpkey', ...spec.gen, '-out', `${kind}.key`]);
    openssl(dir, ['req', '-new', '-key', `${kind}.key`, '-subj', `/${subject}`, '-out', `${kind}.csr`]);
    openssl(dir, ['x509', '-req', '-in', `${kind}.csr`, '-CA', pki.interFile, '-CAkey', path.join(pki.dir, 'inter.key'),
      '-set_serial', String(++serial), '-days', '30', '-sha256', '-extfile', 'ext.cnf', '-out', `${kind}.pem`]);
    // SEC1 / PKCS#1 form of the same key
    const legacy = spec.sec1 ? ['ec', '-in', `${kind}.key`, '-out', `${kind}-legacy.key`]
      : ['rsa', '-in', `${kind}.key`, '-traditional', '-out', `${kind}-legacy.key`];
    openssl(dir, legacy);
    const certPem = fs.readFileSync(path.join(dir, `${kind}.pem`), 'utf8');
    fs.writeFileSync(path.join(dir, `${kind}-chain.pem`), certPem + pki.interPem);
    out[kind] = {
      subject,
      certPem,
      chainPem: certPem + pki.interPem,
      pkcs8Pem: fs.readFileSync(path.join(dir, `${kind}.key`), 'utf8'),
      legacyPem: fs.readFileSync(path.join(dir, `${kind}-legacy.key`), 'utf8'),
      certFile: path.join(dir, `${kind}.pem`),
      chainFile: path.join(dir, `${kind}-chain.pem`),
      keyFile: path.join(dir, `${kind}.key`),
      legacyKeyFile: path.join(dir, `${kind}-legacy.key`),
    };
  }
  cached = out;
  return out;
}
