// Malicious TLS servers for tests, on 127.0.0.1 only.
//
// startScriptedServer(script): a raw TCP server; `script(sock, clientHello)` runs once the
//   client's first bytes arrived and writes whatever bytes the case needs (garbage, an oversize
//   record header, an alert, a handshake message out of order…).
// startMutatingProxy(upstreamPort, mutate): a TCP proxy in front of a real TLS server (openssl
//   s_server) that reframes the server→client byte stream into TLS records and lets `mutate`
//   rewrite them: flip a byte of an encrypted record, split a handshake record into 1-byte
//   records, inject a change_cipher_spec, cut the connection. Client→server bytes pass unchanged.

import net from 'node:net';

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

function stopper(server, sockets) {
  return () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
}

/** A TLS record as bytes. */
export function record(type, body) {
  const b = Buffer.from(body);
  return Buffer.concat([Buffer.from([type, 3, 3, b.length >> 8, b.length & 0xff]), b]);
}

/** A handshake message (type, u24 length, body). */
export function handshake(type, body) {
  const b = Buffer.from(body);
  return Buffer.concat([Buffer.from([type, b.length >> 16, (b.length >> 8) & 0xff, b.length & 0xff]), b]);
}

/** @param {(sock: net.Socket, clientHello: Buffer) => void} script */
export async function startScriptedServer(script) {
  const sockets = new Set();
  let connections = 0;
  const server = net.createServer((sock) => {
    connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let started = false;
    sock.on('data', (d) => {
      if (started) return;
      started = true;
      script(sock, d);
    });
  });
  const port = await listen(server);
  return { port, connections: () => connections, stop: stopper(server, sockets) };
}

/**
 * @typedef {{ type: number, body: Buffer, index: number, encrypted: boolean }} ProxyRecord
 * `index` counts server records on this connection; `encrypted` is true from the first
 * application_data-typed record on (TLS 1.3 hides everything after ServerHello in those).
 * @param {number} upstreamPort
 * @param {(rec: ProxyRecord, ctx: { client: net.Socket, clientBytes: number }) => Buffer | Buffer[] | null | 'cut'} mutate
 *   returns the bytes to send instead (Buffer or list), null to pass the record unchanged,
 *   or 'cut' to end the connection to the client right there (a FIN, no close_notify) and drop upstream.
 */
export async function startMutatingProxy(upstreamPort, mutate) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    const ctx = { client, clientBytes: 0 };
    let cut = false;
    client.on('data', (d) => { ctx.clientBytes += d.length; if (!cut) upstream.write(d); });
    client.on('end', () => upstream.end());
    let pending = Buffer.alloc(0);
    let index = 0;
    let encrypted = false;
    upstream.on('data', (d) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 5) {
        const len = pending.readUInt16BE(3);
        if (pending.length < 5 + len) break;
        const type = pending[0];
        const whole = pending.subarray(0, 5 + len);
        pending = pending.subarray(5 + len);
        if (type === 23) encrypted = true;
        const out = mutate({ type, body: Buffer.from(whole.subarray(5)), index: index++, encrypted }, ctx);
        // a FIN, not a reset: destroy() with client bytes still unread sends RST, and the
        // client would see ECONNRESET (TRANSPORT_CLOSED) instead of an end without close_notify
        if (out === 'cut') { cut = true; upstream.destroy(); client.end(); return; }
        if (out === null || out === undefined) client.write(whole);
        else for (const b of [].concat(out)) client.write(b);
      }
    });
    upstream.on('end', () => client.end());
  });
  const port = await listen(server);
  return { port, stop: stopper(server, sockets) };
}
