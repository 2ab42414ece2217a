// Bench of wasmtls/fetch against a local Debian nginx (tests/node/helpers/nginx.mjs, 127.0.0.1),
// next to Node's native clients on OpenSSL (node:https keep-alive agent, node:http2) as the
// baseline: 100 sequential and 100 concurrent 1 KiB GETs, and a 64 MiB download, over h2 and
// HTTP/1.1. Usage: node bench/fetch.mjs [--json]
import https from 'node:https';
import http2 from 'node:http2';
import { createFetch } from '../js/fetch/index.node.js';
import { getPki } from '../tests/node/helpers/pki.mjs';
import { startNginx } from '../tests/node/helpers/nginx.mjs';

const pki = getPki();
const nginx = await startNginx({ leaf: pki.leaves.p256, sizes: { '1k.bin': 1024, '64m.bin': 64 << 20 } });
const results = {};

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function wasmtls(http) {
  const f = createFetch({ tls: { ca: pki.rootPem }, http, maxConnectionsPerOrigin: 6 });
  const get = async (p) => { const r = await f(`${nginx.url}/${p}`); let n = 0; for await (const c of r.body) n += c.length; return n; };
  await get('1k.bin'); // warm: connection and wasm
  const seq = await time(async () => { for (let i = 0; i < 100; i++) await get('1k.bin'); });
  const conc = await time(() => Promise.all(Array.from({ length: 100 }, () => get('1k.bin'))));
  const dl = await time(() => get('64m.bin'));
  await f.close();
  return { seq, conc, dl };
}

async function nodeHttps() {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 6, ca: pki.rootPem });
  const get = (p) => new Promise((resolve, reject) => {
    https.get(`${nginx.url}/${p}`, { agent }, (res) => { let n = 0; res.on('data', (c) => { n += c.length; }); res.on('end', () => resolve(n)); }).on('error', reject);
  });
  await get('1k.bin');
  const seq = await time(async () => { for (let i = 0; i < 100; i++) await get('1k.bin'); });
  const conc = await time(() => Promise.all(Array.from({ length: 100 }, () => get('1k.bin'))));
  const dl = await time(() => get('64m.bin'));
  agent.destroy();
  return { seq, conc, dl };
}

async function nodeHttp2() {
  const session = http2.connect(nginx.url, { ca: pki.rootPem });
  const get = (p) => new Promise((resolve, reject) => {
    const s = session.request({ ':path': `/${p}` });
    let n = 0;
    s.on('data', (c) => { n += c.length; });
    s.on('end', () => resolve(n));
    s.on('error', reject);
  });
  await get('1k.bin');
  const seq = await time(async () => { for (let i = 0; i < 100; i++) await get('1k.bin'); });
  const conc = await time(() => Promise.all(Array.from({ length: 100 }, () => get('1k.bin'))));
  const dl = await time(() => get('64m.bin'));
  session.close();
  return { seq, conc, dl };
}

try {
  results['wasmtls/fetch h2'] = await wasmtls(undefined);
  results['node:http2 (OpenSSL)'] = await nodeHttp2();
  results['wasmtls/fetch http/1.1'] = await wasmtls('1.1');
  results['node:https keep-alive (OpenSSL)'] = await nodeHttps();
} finally {
  await nginx.stop();
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results));
} else {
  console.log('client                              100 seq req/s  100 conc req/s  64 MiB MB/s');
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(36)}${(100000 / r.seq).toFixed(0).padStart(13)}${(100000 / r.conc).toFixed(0).padStart(16)}${(64 * 1.048576 / (r.dl / 1000)).toFixed(1).padStart(13)}`);
  }
}
