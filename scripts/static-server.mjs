#!/usr/bin/env node
// A small read-only static file server for the browser demo and its tests:
// serves the repository root on 127.0.0.1 (GET/HEAD only, no directory
// listings, no paths outside the root), plus optional extra directories
// mounted under a URL prefix (the demo mounts its generated CA at /demo/).
//
//   node scripts/static-server.mjs [--port N] [--mount /demo/=DIR]
import http from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.pem': 'text/plain; charset=utf-8', '.md': 'text/plain; charset=utf-8',
};

/**
 * Start the server. Resolves once listening.
 * @param {{ port?: number, root?: string, mounts?: Record<string, string> }} [o]  mounts: URL prefix ('/demo/') → directory
 * @returns {Promise<{ server: http.Server, port: number, url: string, stop: () => Promise<void> }>}
 */
export function startStaticServer({ port = 0, root = ROOT, mounts = {} } = {}) {
  const server = http.createServer((req, res) => {
    serve(req, res, root, mounts).catch(() => { if (!res.headersSent) res.writeHead(500); res.end(); });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({
        server, port: actual, url: `http://127.0.0.1:${actual}/`,
        stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

async function serve(req, res, root, mounts) {
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { allow: 'GET, HEAD' }); res.end(); return; }
  let pathname;
  try { pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400); res.end(); return; }
  let base = root;
  let rel = pathname;
  for (const [prefix, dir] of Object.entries(mounts)) {
    if (pathname.startsWith(prefix)) { base = path.resolve(dir); rel = pathname.slice(prefix.length - 1); break; }
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(base, '.' + path.posix.normalize(rel));
  if (file !== base && !file.startsWith(base + path.sep)) { res.writeHead(403); res.end(); return; }
  if (/(^|[\\/])\.|node_modules/.test(path.relative(base, file))) { res.writeHead(404); res.end(); return; }
  let info;
  try { info = await stat(file); } catch { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found'); return; }
  if (info.isDirectory()) { res.writeHead(301, { location: pathname + '/' }); res.end(); return; }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') { res.end(); return; }
  createReadStream(file).pipe(res);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opts = { port: 8000, mounts: {} };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') opts.port = Number(args[++i]);
    else if (args[i] === '--mount') { const [p, d] = args[++i].split('='); opts.mounts[p] = d; }
    else { console.error(`usage: static-server.mjs [--port N] [--mount /prefix/=DIR]`); process.exit(2); }
  }
  const { url } = await startStaticServer(opts);
  console.log(`static server: ${url}`);
}
