// Local test servers: openssl s_server, Node tls echo server, and misbehaving raw TCP servers.
// Everything listens on 127.0.0.1 only. Every server is stopped by its own stop(); all
// s_server child processes are also killed (by PID) when the test process exits.

import { spawn } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';

const children = new Set();
process.once('exit', () => {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch { /* ignore */ }
  }
});

/** A TCP port that was free a moment ago (bind 127.0.0.1:0, read, close). */
export function getFreePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function killChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      children.delete(child);
      resolve();
      return;
    }
    child.once('exit', () => { children.delete(child); resolve(); });
    try { child.kill('SIGKILL'); } catch { children.delete(child); resolve(); }
  });
}

/**
 * Start `openssl s_server` on 127.0.0.1.
 * @param {object} o
 * @param {object} o.leaf  a leaf entry from getPki(): its certFile, keyFile and issuersFile
 *                         (sent as -cert_chain, so the client receives the intermediate)
 * @param {'rev'|'www'|'plain'} [o.mode='rev']  -rev: each received line is sent back reversed
 * @param {string} [o.ciphersuites]  TLS 1.3 suites, e.g. 'TLS_AES_256_GCM_SHA384'
 * @param {string} [o.groups]        e.g. 'X25519' or 'P-256'
 * @param {string[]} [o.args]        extra flags, e.g. ['-tls1_2'] (default adds '-tls1_3' unless a
 *                                   -tls1_x or -no_tls1_x flag is given)
 * @param {string[]} [o.alpn]
 * @returns {Promise<{port:number, child, output:()=>string, stop:()=>Promise<void>}>}
 */
export async function startSServer(o) {
  const mode = o.mode ?? 'rev';
  let lastErr;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await getFreePort();
    const args = ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', o.leaf.certFile,
      '-cert_chain', o.leaf.issuersFile, '-key', o.leaf.keyFile,
      '-ign_eof'];
    const extra = o.args ?? [];
    if (!extra.some((a) => /^-(no_)?tls1(_\d)?$/.test(a))) args.push('-tls1_3');
    if (o.ciphersuites) args.push('-ciphersuites', o.ciphersuites);
    if (o.groups) args.push('-groups', o.groups);
    if (o.alpn) args.push('-alpn', o.alpn.join(','));
    if (mode === 'rev') args.push('-rev');
    else if (mode === 'www') args.push('-www');
    args.push(...extra);
    // -ign_eof is meaningless for -rev/-www but keeps plain mode from quitting on stdin EOF.
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const ok = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000);
      const check = () => {
        if (/ACCEPT/.test(out)) { clearTimeout(timer); resolve(true); }
      };
      child.stdout.on('data', check);
      child.once('exit', () => { clearTimeout(timer); resolve(false); });
    });
    if (ok) {
      return {
        port,
        child,
        args,
        output: () => out + err,
        stdout: () => out,
        stderr: () => err,
        // s_server writes what it verified to its own pipes; those bytes can arrive after the
        // reply on the TLS socket, so a test waits for them instead of reading them once
        waitForOutput: async (re, ms = 5000) => {
          const until = Date.now() + ms;
          while (!re.test(out + err) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
          return out + err;
        },
        stop: () => killChild(child),
      };
    }
    await killChild(child);
    lastErr = new Error(`openssl ${args.join(' ')} did not start: ${out}${err}`);
    // a port race or a slow start under load is retried; a refused configuration is not
    if (child.exitCode !== null && !/bind|in use|Address/i.test(err)) break;
  }
  throw lastErr;
}

/**
 * Start `gnutls-serv --echo` (the TLS stack of GnuTLS, a second independent peer).
 * gnutls-serv listens on all interfaces; tests only connect to 127.0.0.1.
 * @param {object} o
 * @param {object} o.leaf       a leaf entry from getPki() (cert + intermediates are sent)
 * @param {string} o.priority   GnuTLS priority string, e.g. 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
 * @param {string[]} [o.args]   extra flags
 * @returns {Promise<{port:number, child, args:string[], output:()=>string, stop:()=>Promise<void>}>}
 */
export async function startGnutlsServer(o) {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const chainFile = path.join(path.dirname(o.leaf.certFile), `${path.basename(o.leaf.certFile, '.pem')}-fullchain.pem`);
  if (!fs.existsSync(chainFile)) {
    fs.writeFileSync(chainFile, fs.readFileSync(o.leaf.certFile, 'utf8') + fs.readFileSync(o.leaf.issuersFile, 'utf8'));
  }
  let lastErr;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await getFreePort();
    const args = ['--port', String(port), '--echo', '--disable-client-cert', '--x509certfile', chainFile,
      '--x509keyfile', o.leaf.keyFile, '--priority', o.priority, ...(o.args ?? [])];
    const child = spawn('gnutls-serv', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const ok = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000);
      const check = () => { if (/listening/i.test(out)) { clearTimeout(timer); resolve(true); } };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      child.once('exit', () => { clearTimeout(timer); resolve(false); });
    });
    if (ok) {
      // "listening" is printed before the socket accepts: wait until it does.
      for (let i = 0; i < 50; i++) {
        const up = await new Promise((resolve) => {
          const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
          c.on('error', () => resolve(false));
        });
        if (up) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return { port, child, args, output: () => out, stop: () => killChild(child) };
    }
    await killChild(child);
    lastErr = new Error(`gnutls-serv ${args.join(' ')} did not start: ${out}`);
    if (!/bind|in use|Address/i.test(out)) break;
  }
  throw lastErr;
}

/**
 * Node tls.createServer on 127.0.0.1:0, TLS 1.3 only. Default handler: echo.
 * @returns {Promise<{port, server, sessions: tls.TLSSocket[], stop}>}
 */
export async function startNodeTlsServer({ cert, key, ALPNProtocols, onSecureConnection, options = {} } = {}) {
  const sockets = new Set();
  const server = tls.createServer({
    cert, key, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ALPNProtocols, ...options,
  });
  server.on('secureConnection', (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    if (onSecureConnection) onSecureConnection(sock);
    else sock.pipe(sock);
  });
  server.on('tlsClientError', () => {});
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    server,
    stop: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * Raw TCP server on 127.0.0.1:0. behavior:
 *  - 'close-after-hello': read the first bytes (ClientHello), then destroy the socket.
 *  - 'silent': accept and never send anything (socket held open until stop()).
 *  - 'garbage': send non-TLS bytes after the ClientHello.
 * @returns {Promise<{port, server, received: ()=>Buffer, connections: ()=>number, stop}>}
 */
export async function startRawServer(behavior) {
  const sockets = new Set();
  let received = Buffer.alloc(0);
  let connections = 0;
  const server = net.createServer((sock) => {
    connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.on('data', (d) => {
      received = Buffer.concat([received, d]);
      if (behavior === 'close-after-hello') sock.destroy();
      else if (behavior === 'garbage') sock.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    server,
    received: () => received,
    connections: () => connections,
    stop: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Run async tasks with at most `limit` in flight; returns results in order. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Reject after ms with a clear message (for guarding awaits that must not hang). */
export function withTimeout(promise, ms, what = 'operation') {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
