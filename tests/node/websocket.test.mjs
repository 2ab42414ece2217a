// WebSocket from wasmtls/fetch against the npm `ws` server over Node https (wss://) and plain
// http (ws://) on 127.0.0.1: echo, 16 MiB messages both ways, fragmentation, ping/pong, close
// codes both ways, subprotocols, maxMessageSize, and a server with a wrong Sec-WebSocket-Accept.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import http from 'node:http';
import tls from 'node:tls';
import crypto from 'node:crypto';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { WebSocket } from '../../js/fetch/index.node.js';
import { getPki } from './helpers/pki.mjs';

let pki;
const closers = [];
before(() => { pki = getPki(); });
after(async () => { await Promise.all(closers.map((c) => c())); });

async function wsServer({ secure = true, onConnection, wssOptions = {} } = {}) {
  const leaf = pki.leaves.p256;
  const server = secure ? https.createServer({ cert: leaf.chainPem, key: leaf.keyPem }) : http.createServer();
  const wss = new WebSocketServer({ server, maxPayload: 64 << 20, ...wssOptions });
  wss.on('connection', (ws, req) => {
    ws.on('error', () => {});
    if (onConnection) onConnection(ws, req);
    else ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const stop = () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(); server.closeAllConnections?.(); server.close(() => r()); });
  closers.push(stop);
  return { url: `${secure ? 'wss' : 'ws'}://127.0.0.1:${server.address().port}/path?x=1`, wss };
}

const opened = (ws) => new Promise((resolve, reject) => {
  ws.addEventListener('open', () => resolve(), { once: true });
  ws.addEventListener('error', (e) => reject(e.error ?? new Error('error event')), { once: true });
});
const nextMessage = (ws) => new Promise((resolve) => ws.addEventListener('message', (e) => resolve(e.data), { once: true }));
const closedEv = (ws) => new Promise((resolve) => ws.addEventListener('close', (e) => resolve(e), { once: true }));
function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([promise, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timeout: ${what}`)), ms); })])
    .finally(() => clearTimeout(t));
}
const tlsOpts = () => ({ tls: { ca: pki.rootPem } });

describe('WebSocket over wasmtls', { timeout: 60_000 }, () => {
  it('wss:// echo: text, ArrayBuffer, Blob; readyState; onopen/onmessage properties', { timeout: 20_000 }, async () => {
    let path;
    const srv = await wsServer({ onConnection: (ws, req) => { path = req.url; ws.on('message', (d, b) => ws.send(d, { binary: b })); } });
    const ws = new WebSocket(srv.url, [], tlsOpts());
    assert.equal(ws.readyState, WebSocket.CONNECTING);
    let viaProperty = 0;
    ws.onmessage = () => { viaProperty++; };
    await withTimeout(opened(ws), 5000, 'open');
    assert.equal(ws.readyState, WebSocket.OPEN);
    assert.equal(path, '/path?x=1');
    ws.send('héllo ✓');
    assert.equal(await nextMessage(ws), 'héllo ✓');
    ws.binaryType = 'arraybuffer';
    ws.send(new Uint8Array([1, 2, 3]));
    const ab = await nextMessage(ws);
    assert.ok(ab instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(ab)], [1, 2, 3]);
    ws.binaryType = 'blob';
    ws.send(new Blob(['blob!']));
    const blob = await nextMessage(ws);
    assert.ok(blob instanceof Blob);
    assert.equal(await blob.text(), 'blob!');
    assert.equal(viaProperty, 3);
    ws.close(1000, 'done');
    const ev = await withTimeout(closedEv(ws), 5000, 'close');
    assert.deepEqual([ev.code, ev.reason, ev.wasClean], [1000, 'done', true]);
    assert.equal(ws.readyState, WebSocket.CLOSED);
  });

  it('16 MiB messages both ways', { timeout: 20_000 }, async () => {
    const srv = await wsServer();
    const ws = new WebSocket(srv.url, [], tlsOpts());
    ws.binaryType = 'arraybuffer';
    await withTimeout(opened(ws), 5000, 'open');
    const big = crypto.randomBytes(16 << 20);
    ws.send(big);
    const back = await withTimeout(nextMessage(ws), 30_000, 'big echo');
    assert.equal(crypto.createHash('sha256').update(Buffer.from(back)).digest('hex'), crypto.createHash('sha256').update(big).digest('hex'));
    ws.close();
    assert.equal((await closedEv(ws)).wasClean, true);
  });

  it('fragmented messages are reassembled; ping is answered with pong; server close code arrives', { timeout: 20_000 }, async () => {
    let pong;
    const srv = await wsServer({
      onConnection: (ws) => {
        ws.send('frag-', { fin: false });
        ws.send('ment', { fin: false });
        ws.send('ed', { fin: true });
        pong = new Promise((r) => ws.on('pong', (d) => r(d.toString())));
        ws.ping('are you there');
        ws.on('message', () => ws.close(4001, 'server says bye'));
      },
    });
    const ws = new WebSocket(srv.url, [], tlsOpts());
    const first = nextMessage(ws);
    await withTimeout(opened(ws), 5000, 'open');
    assert.equal(await first, 'frag-mented');
    assert.equal(await withTimeout(pong, 5000, 'pong'), 'are you there');
    const closing = closedEv(ws);
    ws.send('close please');
    const ev = await withTimeout(closing, 5000, 'server close');
    assert.deepEqual([ev.code, ev.reason, ev.wasClean], [4001, 'server says bye', true]);
  });

  it('client close code and reason reach the server; invalid codes throw', { timeout: 20_000 }, async () => {
    let got;
    const srv = await wsServer({ onConnection: (ws) => { got = new Promise((r) => ws.on('close', (code, reason) => r([code, reason.toString()]))); } });
    const ws = new WebSocket(srv.url, [], tlsOpts());
    await withTimeout(opened(ws), 5000, 'open');
    assert.throws(() => ws.close(1006), (e) => e.name === 'InvalidAccessError');
    assert.throws(() => ws.close(4000, 'x'.repeat(124)), (e) => e.name === 'SyntaxError');
    const closing = closedEv(ws);
    ws.close(4000, 'client bye');
    assert.deepEqual(await withTimeout(got, 5000, 'server saw close'), [4000, 'client bye']);
    assert.equal((await withTimeout(closing, 5000, 'close event')).code, 4000);
  });

  it('subprotocols: the server picks one of ours', { timeout: 20_000 }, async () => {
    const srv = await wsServer({ wssOptions: { handleProtocols: (set) => (set.has('chat.v2') ? 'chat.v2' : false) } });
    const ws = new WebSocket(srv.url, ['chat.v1', 'chat.v2'], tlsOpts());
    await withTimeout(opened(ws), 5000, 'open');
    assert.equal(ws.protocol, 'chat.v2');
    ws.close();
    await closedEv(ws);
  });

  it('maxMessageSize: a bigger message fails the connection with MESSAGE_TOO_BIG and close code 1009 to the server', { timeout: 20_000 }, async () => {
    let serverClose;
    const srv = await wsServer({ onConnection: (ws) => { serverClose = new Promise((r) => ws.on('close', (c) => r(c))); ws.send(Buffer.alloc(70_000)); } });
    const ws = new WebSocket(srv.url, [], { ...tlsOpts(), maxMessageSize: 65_536 });
    const err = new Promise((r) => ws.addEventListener('error', (e) => r(e.error)));
    const ev = await withTimeout(closedEv(ws), 5000, 'close');
    assert.equal((await err).httpCode, 'MESSAGE_TOO_BIG');
    assert.equal(ev.wasClean, false);
    assert.equal(await withTimeout(serverClose, 5000, 'server close'), 1009);
  });

  it('ws:// over plain TCP', { timeout: 20_000 }, async () => {
    const srv = await wsServer({ secure: false });
    const ws = new WebSocket(srv.url);
    await withTimeout(opened(ws), 5000, 'open');
    ws.send('plain');
    assert.equal(await nextMessage(ws), 'plain');
    ws.close();
    assert.equal((await closedEv(ws)).wasClean, true);
  });

  it('a wrong Sec-WebSocket-Accept, or a TLS failure, is an error event and close 1006', { timeout: 20_000 }, async () => {
    const leaf = pki.leaves.p256;
    const raw = tls.createServer({ cert: leaf.chainPem, key: leaf.keyPem }, (s) => {
      s.on('error', () => {});
      s.once('data', () => s.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n'));
    });
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    closers.push(() => new Promise((r) => raw.close(() => r())));
    let ws = new WebSocket(`wss://127.0.0.1:${raw.address().port}/`, [], tlsOpts());
    let err = new Promise((r) => ws.addEventListener('error', (e) => r(e.error)));
    let ev = await withTimeout(closedEv(ws), 5000, 'bad accept');
    assert.equal((await err).httpCode, 'BAD_ACCEPT');
    assert.deepEqual([ev.code, ev.wasClean], [1006, false]);
    const srv = await wsServer();
    ws = new WebSocket(srv.url); // no test CA: the default roots refuse the chain
    err = new Promise((r) => ws.addEventListener('error', (e) => r(e.error)));
    ev = await withTimeout(closedEv(ws), 5000, 'tls failure');
    assert.equal((await err).code, 'UNKNOWN_CA');
    assert.equal(ev.code, 1006);
  });
});
