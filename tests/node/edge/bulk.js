// Runtime-neutral bulk check (Deno, Bun, Node): send SIZE bytes to a TLS echo
// server through wasmtls while reading the echo back concurrently, and compare
// SHA-256 digests. Usage: bulk.js HOST:PORT CA.pem SIZE
import { connect } from 'wasmtls';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const [address, caFile, sizeText] = args;
const size = Number(sizeText);
const ca = globalThis.Deno ? await Deno.readTextFile(caFile)
  : globalThis.Bun ? await Bun.file(caFile).text()
  : (await import('node:fs')).readFileSync(caFile, 'utf8');

const data = new Uint8Array(size);
for (let off = 0; off < size; off += 65536) crypto.getRandomValues(data.subarray(off, Math.min(size, off + 65536)));
const hex = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');

const t0 = performance.now();
const socket = connect(address, { ca, serverName: 'localhost', timeoutMs: 10000 });
const info = await socket.opened;
const received = new Uint8Array(size);
let got = 0;
const reading = (async () => {
  const reader = socket.readable.getReader();
  while (got < size) {
    const { value, done } = await reader.read();
    if (done) break;
    received.set(value.subarray(0, size - got), got);
    got += value.length;
  }
  reader.releaseLock();
})();
const writer = socket.writable.getWriter();
for (let off = 0; off < size; off += 100000) await writer.write(data.subarray(off, Math.min(size, off + 100000)));
writer.releaseLock();
await reading;
const ms = performance.now() - t0;
await socket.close();
console.log(JSON.stringify({ version: info.version, size, got, same: (await hex(data)) === (await hex(received)), ms: Math.round(ms) }));
