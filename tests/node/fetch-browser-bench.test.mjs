// Smoke check of bench/fetch-browser.mjs (not a timed test: no assertion on any rate): the bench's
// quick mode in headless Chromium, through one Wisp server to Debian nginx, for all three clients
// (wasmtls/fetch, epoxy-tls's fetch, libcurl.js's fetch). Every response must have been 200 with the
// file's exact byte count, each client must reject nginx's chain without the CA, and the figures the
// bench reports must be there (numbers, not what they are).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENTS, fetchBrowserBench, fetchBrowserSkipReason, formatFetchBrowser } from '../../bench/fetch-browser.mjs';

const skip = fetchBrowserSkipReason() ?? false;
if (skip) console.log(`# SKIP fetch-browser-bench: ${skip}`);

test('bench/fetch-browser.mjs --quick: three fetch clients in Chromium, every request 200 with the right bytes', { skip, timeout: 180_000 }, async () => {
  const R = await fetchBrowserBench({ quick: true });
  assert.equal(R.skipped, undefined);
  assert.deepEqual(Object.keys(R.clients), CLIENTS);
  for (const [name, C] of Object.entries(R.clients)) {
    assert.equal(C.error, undefined, `${name}: ${C.error}`);
    assert.deepEqual(C.rounds.filter((x) => x.error), [], name);
    // every request of every phase: status 200 and exactly the file's bytes
    assert.deepEqual(C.checks.sequential, { n: R.params.requests, status200: R.params.requests, rightBytes: R.params.requests }, `${name} sequential`);
    assert.deepEqual(C.checks.concurrent, { n: R.params.requests, status200: R.params.requests, rightBytes: R.params.requests }, `${name} concurrent`);
    assert.deepEqual(C.checks.download, { n: 1, status200: 1, rightBytes: 1 }, `${name} download`);
    assert.deepEqual([C.warm.status, C.warm.bytes], [200, 1024], `${name} warm-up`);
    assert.deepEqual([C.negotiated.status, C.negotiated.bytes], [200, 1024], `${name} first request`);
    assert.equal(C.allOk, true, name);
    // the CA is what makes the chain trusted: without it the same request fails
    assert.equal(C.caCheck.rejected, true, `${name} accepted nginx's chain without the CA`);
    for (const k of ['seqRps', 'concRps', 'downMBps']) assert.ok(C[k] > 0, `${name} ${k}`);
    assert.ok(C.size.gzip > 0 && C.size.files.some((f) => f.file.endsWith('.wasm')), `${name} size`);
    // one warm connection carried the sequential and concurrent GETs and the download
    assert.deepEqual(C.wispStreams, { warmup: 1, sequential: 0, concurrent: 0, download: 0 }, `${name} Wisp streams`);
  }
  // what the clients that report it say they negotiated with nginx
  assert.deepEqual([R.clients.wasmtls.negotiated.httpVersion, R.clients.wasmtls.negotiated.alpn, R.clients.wasmtls.negotiated.tls.version], ['2', 'h2', 'TLSv1.3']);
  assert.deepEqual([R.clients['libcurl.js'].negotiated.httpVersion, R.clients['libcurl.js'].negotiated.alpn, R.clients['libcurl.js'].negotiated.tls?.version], ['2', 'h2', 'TLSv1.3']);
  // libcurl.js got our CA in its in-memory bundle, the rest of its roots kept
  const store = R.clients['libcurl.js'].caStore;
  assert.equal(store.certsAfter, store.certsBefore);
  assert.ok(store.replaced >= 1 && store.replaced < store.certsBefore);
  assert.equal(R.comparison.length, 8);
  assert.ok(R.comparison.every((c) => c.verdict === 'ahead' || c.verdict === 'behind'));
  assert.match(formatFetchBrowser(R), /wasmtls \/ peer/);
});
