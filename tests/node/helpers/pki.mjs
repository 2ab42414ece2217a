// Test PKI made with the system `openssl` CLI, once per test process.
//
//   root CA (P-256, trusted by the client)
//     └─ intermediate CA (P-256, pathlen:0)
//          ├─ leaf-p256, leaf-p384, leaf-rsa2048, leaf-rsa4096   (valid now)
//          └─ leaf-expired (P-256, valid 2020-01-01 .. 2021-01-01)
//   unknown root CA (P-256, NOT trusted)
//     └─ leaf-unknown (P-256)
//
// Every leaf: SAN DNS:localhost, IP:127.0.0.1, IP:::1; CA:FALSE; EKU serverAuth.
// `chainFile` of each leaf holds leaf + issuer (intermediate, or the unknown root), and
// `issuersFile` the issuer alone (for `s_server -cert leaf -cert_chain issuers`), so servers
// present the intermediate and the client needs to trust only the root.
//
// Files live in os.tmpdir()/wasmtls-pki-<pid>, removed when the process exits.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LEAF_KINDS = ['p256', 'p384', 'rsa2048', 'rsa4096'];

export const LEAF_SUBJECTS = {
  p256: 'CN=wasmtls leaf p256',
  p384: 'CN=wasmtls leaf p384',
  rsa2048: 'CN=wasmtls leaf rsa2048',
  rsa4096: 'CN=wasmtls leaf rsa4096',
  expired: 'CN=wasmtls leaf expired',
  unknown: 'CN=wasmtls leaf unknown-ca',
};

export const LEAF_SANS = ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1'];

const CNF = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused

[v3_root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[v3_inter]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[v3_leaf_ec]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[v3_leaf_rsa]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

# Used only by 'openssl ca' for the expired leaf (it accepts -startdate/-enddate).
[ca]
default_ca = intermediate
[intermediate]
dir = @DIR@
database = @DIR@/ca-index.txt
new_certs_dir = @DIR@/ca-newcerts
serial = @DIR@/ca-serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
`;

let cached = null;

function openssl(dir, args) {
  try {
    return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr?.toString() || e.message}`);
  }
}

function genKey(dir, file, kind) {
  const spec = {
    p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
    rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
    rsa4096: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096'],
  }[kind];
  openssl(dir, ['genpkey', ...spec, '-out', file]);
}

let serial = 0x1000;

function signCsr(dir, { csr, caCert, caKey, ext, out, days = 825 }) {
  serial += 1;
  openssl(dir, ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey,
    '-set_serial', String(serial), '-days', String(days), '-sha256',
    '-extfile', 'openssl.cnf', '-extensions', ext, '-out', out]);
}

function makeCsr(dir, key, subject, out) {
  openssl(dir, ['req', '-new', '-key', key, '-subj', '/' + subject, '-config', 'openssl.cnf', '-out', out]);
}

function makeRoot(dir, name, subject) {
  genKey(dir, `${name}.key`, 'p256');
  openssl(dir, ['req', '-x509', '-new', '-key', `${name}.key`, '-subj', '/' + subject,
    '-config', 'openssl.cnf', '-extensions', 'v3_root', '-days', '3650', '-sha256',
    '-set_serial', '1', '-out', `${name}.pem`]);
}

function read(dir, f) {
  return fs.readFileSync(path.join(dir, f), 'utf8');
}

function leafEntry(dir, name, kind, subject, issuersFile) {
  return {
    issuersFile,
    kind,
    subject,
    keyFile: path.join(dir, `${name}.key`),
    certFile: path.join(dir, `${name}.pem`),
    chainFile: path.join(dir, `${name}-chain.pem`),
    certPem: read(dir, `${name}.pem`),
    keyPem: read(dir, `${name}.key`),
    chainPem: read(dir, `${name}-chain.pem`),
  };
}

function build(dir) {
  fs.writeFileSync(path.join(dir, 'openssl.cnf'), CNF.replaceAll('@DIR@', dir));

  makeRoot(dir, 'root', 'CN=wasmtls Test Root CA');
  genKey(dir, 'inter.key', 'p256');
  makeCsr(dir, 'inter.key', 'CN=wasmtls Test Intermediate CA', 'inter.csr');
  signCsr(dir, { csr: 'inter.csr', caCert: 'root.pem', caKey: 'root.key', ext: 'v3_inter', out: 'inter.pem', days: 3650 });
  const inter = read(dir, 'inter.pem');

  const leaves = {};
  for (const kind of LEAF_KINDS) {
    const name = `leaf-${kind}`;
    genKey(dir, `${name}.key`, kind);
    makeCsr(dir, `${name}.key`, LEAF_SUBJECTS[kind], `${name}.csr`);
    signCsr(dir, { csr: `${name}.csr`, caCert: 'inter.pem', caKey: 'inter.key',
      ext: kind.startsWith('rsa') ? 'v3_leaf_rsa' : 'v3_leaf_ec', out: `${name}.pem` });
    fs.writeFileSync(path.join(dir, `${name}-chain.pem`), read(dir, `${name}.pem`) + inter);
    leaves[kind] = leafEntry(dir, name, kind, LEAF_SUBJECTS[kind], path.join(dir, 'inter.pem'));
  }

  // Expired leaf via `openssl ca` (openssl 3.0's `x509 -req` cannot set notBefore/notAfter).
  fs.writeFileSync(path.join(dir, 'ca-index.txt'), '');
  fs.writeFileSync(path.join(dir, 'ca-serial'), '2000\n');
  fs.mkdirSync(path.join(dir, 'ca-newcerts'));
  genKey(dir, 'leaf-expired.key', 'p256');
  makeCsr(dir, 'leaf-expired.key', LEAF_SUBJECTS.expired, 'leaf-expired.csr');
  openssl(dir, ['ca', '-batch', '-config', 'openssl.cnf', '-in', 'leaf-expired.csr',
    '-cert', 'inter.pem', '-keyfile', 'inter.key', '-extensions', 'v3_leaf_ec', '-extfile', 'openssl.cnf',
    '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-notext', '-out', 'leaf-expired.pem']);
  fs.writeFileSync(path.join(dir, 'leaf-expired-chain.pem'), read(dir, 'leaf-expired.pem') + inter);
  const expired = leafEntry(dir, 'leaf-expired', 'p256', LEAF_SUBJECTS.expired, path.join(dir, 'inter.pem'));

  // Leaf from a CA the client does not trust; the chain file ends at that root.
  makeRoot(dir, 'unknown-root', 'CN=wasmtls Unknown Root CA');
  genKey(dir, 'leaf-unknown.key', 'p256');
  makeCsr(dir, 'leaf-unknown.key', LEAF_SUBJECTS.unknown, 'leaf-unknown.csr');
  signCsr(dir, { csr: 'leaf-unknown.csr', caCert: 'unknown-root.pem', caKey: 'unknown-root.key',
    ext: 'v3_leaf_ec', out: 'leaf-unknown.pem' });
  fs.writeFileSync(path.join(dir, 'leaf-unknown-chain.pem'), read(dir, 'leaf-unknown.pem') + read(dir, 'unknown-root.pem'));
  const unknown = leafEntry(dir, 'leaf-unknown', 'p256', LEAF_SUBJECTS.unknown, path.join(dir, 'unknown-root.pem'));

  const rootPem = read(dir, 'root.pem');
  const rootDer = new Uint8Array(openssl(dir, ['x509', '-in', 'root.pem', '-outform', 'DER']));
  return {
    dir,
    rootFile: path.join(dir, 'root.pem'),
    rootPem,
    rootDer,
    interFile: path.join(dir, 'inter.pem'),
    interPem: inter,
    unknownRootFile: path.join(dir, 'unknown-root.pem'),
    unknownRootPem: read(dir, 'unknown-root.pem'),
    leaves,
    expired,
    unknown,
  };
}

/** The PKI for this process (built on first call, synchronous). */
export function getPki() {
  if (cached) return cached;
  const dir = path.join(os.tmpdir(), `wasmtls-pki-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  process.once('exit', () => {
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* ignore */ }
  });
  cached = build(dir);
  return cached;
}
