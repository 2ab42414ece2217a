#!/usr/bin/env node
// A Wisp server for the browser demo and tests (npm @mercuryworkshop/wisp-js,
// a dev dependency), listening on 127.0.0.1 and locked to an allow-list:
// streams may only go to the listed host:port pairs. Never run a Wisp server
// without an allow-list: it would be an open TCP relay.
//
//   node scripts/wisp-server.mjs --port 8081 --allow 127.0.0.1:8443 [--allow host:port …]
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { server as wispServer, logging } from '@mercuryworkshop/wisp-js/server';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * @param {{ port?: number, allow: { host: string, port: number }[] }} o
 * @returns {Promise<{ port: number, url: string, stop: () => Promise<void> }>}
 */
export function startWispServer({ port = 0, allow }) {
  if (!allow?.length) throw new Error('wisp-server: an allow-list is required');
  logging.set_level(logging.ERROR);
  Object.assign(wispServer.options, {
    hostname_whitelist: [...new Set(allow.map((a) => a.host))].map((h) => new RegExp(`^${escape(h)}$`)),
    port_whitelist: [...new Set(allow.map((a) => a.port))],
    allow_loopback_ips: allow.some((a) => /^(127\.|::1$|localhost$)/.test(a.host)),
    allow_private_ips: false,
    allow_udp_streams: false,
  });
  const server = http.createServer((_req, res) => { res.writeHead(426); res.end('Wisp: WebSocket only\n'); });
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('upgrade', (req, socket, head) => wispServer.routeRequest(req, socket, head));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({
        port: actual, url: `ws://127.0.0.1:${actual}/`,
        stop: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let port = 8081;
  const allow = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--allow') {
      const m = /^(.+):(\d+)$/.exec(args[++i] ?? '');
      if (!m) { console.error('--allow host:port'); process.exit(2); }
      allow.push({ host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) });
    } else { console.error('usage: wisp-server.mjs [--port N] --allow host:port …'); process.exit(2); }
  }
  const { url } = await startWispServer({ port, allow });
  console.log(`wisp server: ${url} (allowed: ${allow.map((a) => `${a.host}:${a.port}`).join(', ')})`);
}
