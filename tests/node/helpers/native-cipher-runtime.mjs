// Run in Bun or Deno (tests/node/native-cipher.test.mjs spawns it): a download from the test's
// Node tls server through the runtime's own entry, once with node:crypto record protection and
// once with `nativeCipher: false`; prints one JSON line { native, wasm } with the bytes, their
// SHA-256, the records opened by the runtime's AEAD and the time.
import { createHash } from 'node:crypto';
const [entry, port, ca] = (globalThis.Deno ? Deno.args : process.argv.slice(2));
const { connect } = await import(new URL(`../../../js/${entry}`, import.meta.url).href);
const { nativeCipherStats } = await import(new URL('../../../js/core/native-cipher.js', import.meta.url).href);

async function run(nativeCipher) {
  const before = nativeCipherStats.open;
  const t0 = performance.now();
  const s = connect({ hostname: '127.0.0.1', port: Number(port) }, { serverName: 'localhost', ca, nativeCipher });
  await s.opened;
  const w = s.writable.getWriter();
  await w.write(new TextEncoder().encode('go\n'));
  const r = s.readable.getReader();
  const h = createHash('sha256');
  let bytes = 0;
  for (;;) {
    const { value, done } = await r.read();
    if (done) break;
    h.update(value);
    bytes += value.length;
  }
  await s.close().catch(() => {});
  return { bytes, sha256: h.digest('hex'), open: nativeCipherStats.open - before, ms: Math.round(performance.now() - t0) };
}

const native = await run(true);
const wasm = await run(false);
console.log(JSON.stringify({ native, wasm }));
