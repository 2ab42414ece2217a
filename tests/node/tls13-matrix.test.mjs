// TLS 1.3 interop matrix against `openssl s_server -rev`:
// 3 suites × 3 groups (x25519 directly; P-256 and P-384 via HelloRetryRequest, since the
// client's only key share is x25519) × 4 leaf key types = 36 handshakes, each followed by
// an echo in both directions and a clean close.

import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect, WasmTlsError } from '../../js/index.node.js';
import { getPki, LEAF_KINDS, LEAF_SUBJECTS } from './helpers/pki.mjs';
import { startSServer, withTimeout } from './helpers/servers.mjs';
import { readUntil, reverseLines } from './helpers/streams.mjs';

const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const GROUPS = [
  { server: 'X25519', expect: 'x25519' },
  { server: 'P-256', expect: 'secp256r1' },
  { server: 'P-384', expect: 'secp384r1' },
];

let pki;
before(() => { pki = getPki(); });

describe('TLS 1.3 matrix vs openssl s_server', { concurrency: 4, timeout: 120_000 }, () => {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      for (const kind of LEAF_KINDS) {
        const name = `${suite} / ${group.server} / ${kind}`;
        it(name, { timeout: 30_000 }, async () => {
          const leaf = pki.leaves[kind];
          const srv = await startSServer({ leaf, ciphersuites: suite, groups: group.server });
          try {
            const s = connect({ hostname: '127.0.0.1', port: srv.port },
              { serverName: 'localhost', ca: pki.rootPem, timeoutMs: 10_000 });
            let info;
            try {
              info = await withTimeout(s.opened, 15_000, 's.opened');
            } catch (e) {
              throw new Error(`handshake failed (${e?.code ?? e?.name}: ${e?.message}; detail=${JSON.stringify(e?.detail)})\n` +
                `server: openssl ${srv.args.join(' ')}\nserver output:\n${srv.output()}`, { cause: e });
            }

            assert.equal(info.version, 'TLSv1.3');
            assert.equal(info.cipher, suite);
            assert.equal(info.group, group.expect);
            assert.equal(info.alpn, null);
            assert.equal(info.serverName, 'localhost');

            assert.ok(Array.isArray(info.peerCertificates), 'peerCertificates is an array');
            assert.ok(info.peerCertificates.length >= 1);
            const cert = info.peerCertificates[0];
            assert.ok(cert.der instanceof Uint8Array && cert.der.length > 100, 'leaf DER present');
            assert.match(cert.subject, new RegExp(LEAF_SUBJECTS[kind].replace('CN=', '')));
            assert.match(cert.issuer, /wasmtls Test Intermediate CA/);
            assert.deepEqual(cert.subjectAltNames.slice(0, 2), ['DNS:localhost', 'IP Address:127.0.0.1']);
            assert.equal(cert.subjectAltNames.length, 3);
            assert.match(cert.subjectAltNames[2], /^IP Address:(::1|0:0:0:0:0:0:0:1)$/);
            if (info.peerCertificates.length > 1) {
              assert.match(info.peerCertificates[1].subject, /wasmtls Test Intermediate CA/);
            }

            assert.equal(typeof info.timings?.handshakeMs, 'number');
            assert.ok(info.timings.handshakeMs >= 0);
            assert.ok(Array.isArray(info.timings.steps) && info.timings.steps.length > 0, 'timings.steps non-empty');

            // Echo both ways: s_server -rev sends each line back reversed.
            const writer = s.writable.getWriter();
            const reader = s.readable.getReader();
            const msg = `hello from wasmtls ${name}\n${'0123456789abcdef'.repeat(256)}\nbye\n`;
            await withTimeout(writer.write(new TextEncoder().encode(msg)), 5000, 'writer.write');
            const { text } = await readUntil(reader, (t) => t.length >= msg.length, { timeoutMs: 10_000 });
            assert.equal(text, reverseLines(msg));

            // Clean close: our close_notify, then the server's; readable ends, closed resolves.
            await withTimeout(writer.close(), 5000, 'writer.close');
            const end = await readUntil(reader, () => false, { timeoutMs: 5000 });
            assert.equal(end.ended, true);
            assert.equal(end.bytes, 0, 'no data after the echo');
            await withTimeout(s.closed, 5000, 's.closed');
          } catch (e) {
            if (e instanceof WasmTlsError && !/server output/.test(e.message)) {
              e.message += `\nserver: openssl ${srv.args.join(' ')}\nserver output:\n${srv.output()}`;
            }
            throw e;
          } finally {
            await srv.stop();
          }
        });
      }
    }
  }
});
