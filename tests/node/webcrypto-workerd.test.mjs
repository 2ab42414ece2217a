// workerd (the packed package, cloudflare:sockets): the workerd entry verifies the handshake's
// signatures with WebCrypto through the engine's waiting state (issue 18 item 1, phase 2), for
// TLS 1.3 P-256 / RSA-2048 and TLS 1.2; `nativeVerify: false` leaves BearSSL alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getPki } from './helpers/pki.mjs';
import { startSServer } from './helpers/servers.mjs';
import { installPackedCopy, runtimeBinary, REPO } from './helpers/packed.mjs';
import { startWorkerd } from './helpers/workerd.mjs';

const rt = runtimeBinary('workerd');
const skip = rt.bin ? false : rt.reason;
let pkg, pki;
const servers = {};

before(async () => {
  if (skip) return;
  pki = getPki();
  pkg = installPackedCopy();
  fs.copyFileSync(path.join(REPO, 'tests/node/edge/webcrypto-worker.js'), path.join(pkg.dir, 'webcrypto-worker.js'));
  servers.p256 = await startSServer({ leaf: pki.leaves.p256 });
  servers.rsa2048 = await startSServer({ leaf: pki.leaves.rsa2048 });
  servers.tls12 = await startSServer({ leaf: pki.leaves.p256, args: ['-tls1_2'] });
});
after(async () => { await Promise.all(Object.values(servers).map((s) => s.stop())); });

for (const [kind, version, algs] of [['p256', 'TLSv1.3', ['ECDSA', 'ECDSA', 'ECDSA']], ['rsa2048', 'TLSv1.3', ['ECDSA', 'ECDSA', 'RSA-PSS']],
  ['tls12', 'TLSv1.2', ['ECDSA', 'ECDSA', 'ECDSA']]]) {
  test(`workerd: ${kind} handshake verified by WebCrypto (async path); nativeVerify: false → BearSSL`, { skip, timeout: 60_000 }, async () => {
    const worker = await startWorkerd({
      workerdBin: rt.bin, projectDir: pkg.dir, workerFile: 'webcrypto-worker.js', name: `workerd-wc-${kind}`,
      bindings: { TARGET: `127.0.0.1:${servers[kind].port}`, CA_PEM: pki.rootPem, SERVER_NAME: 'localhost' },
    });
    try {
      const on = await (await fetch(`${worker.url}/`)).json();
      assert.equal(on.ok, true, JSON.stringify(on) + worker.output());
      assert.equal(on.version, version);
      assert.equal(on.wrapped, true, 'crypto.subtle.verify could be wrapped');
      assert.deepEqual(on.verified.map((v) => v.alg).sort(), algs.sort(), JSON.stringify(on.verified));
      assert.ok(on.verified.every((v) => v.ok === true), JSON.stringify(on.verified));
      const off = await (await fetch(`${worker.url}/?native=0`)).json();
      assert.equal(off.ok, true, JSON.stringify(off));
      assert.deepEqual(off.verified, [], 'nativeVerify: false: no WebCrypto verify');
    } finally {
      await worker.stop();
    }
  });
}
