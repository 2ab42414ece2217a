// js/transports/node-tcp.js: the direct() reader/writer the connection uses on a node:net socket
// reads exactly what the socket received, in order; holds data until a reader is chosen; pauses
// the socket while more than 64 KiB wait unread and resumes it; ends with done on FIN and fails
// with TRANSPORT_CLOSED on a reset; and a transport is read one way only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';
import { socketStreams } from '../../js/transports/node-tcp.js';

/** A loopback server running `onSocket`, and a client socket connected to it. */
async function pair(onSocket) {
  const server = net.createServer(onSocket);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const client = net.connect(server.address().port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  return { client, close: () => new Promise((r) => { client.destroy(); server.close(r); }) };
}

test('direct(): every byte in order, backpressure pauses and resumes the socket, FIN ends it', async () => {
  const data = crypto.randomBytes(4 << 20);
  const { client, close } = await pair((s) => s.end(data));
  try {
    const t = socketStreams(client);
    // nothing is read before a reader is chosen, and nothing is lost
    await new Promise((r) => setTimeout(r, 50));
    const { reader, writer } = t.direct();
    assert.equal(typeof writer.write, 'function');
    await new Promise((r) => setTimeout(r, 100));           // the reader does not read: the socket must pause
    assert.equal(client.isPaused(), true, 'paused while unread data waits');
    const parts = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
    }
    assert.ok(Buffer.concat(parts).equals(data), 'the same bytes, in order');
    assert.deepEqual(await reader.read(), { value: undefined, done: true });
    assert.throws(() => t.readable, /already read through direct\(\)/);
  } finally {
    await close();
  }
});

test('direct(): a reset fails the read with TRANSPORT_CLOSED; write after the end rejects', async () => {
  const { client, close } = await pair((s) => { s.write('x'); setTimeout(() => s.resetAndDestroy(), 20); });
  try {
    const { reader, writer } = socketStreams(client).direct();
    const first = await reader.read();
    assert.equal(Buffer.from(first.value).toString(), 'x');
    await assert.rejects(reader.read(), (e) => e.code === 'TRANSPORT_CLOSED');
    await assert.rejects(writer.write(new Uint8Array(1)), (e) => e.code === 'TRANSPORT_CLOSED');
  } finally {
    await close();
  }
});

test('the web streams still work for other users of the transport, and exclude direct()', async () => {
  const { client, close } = await pair((s) => s.on('data', (b) => s.end(b)));
  try {
    const t = socketStreams(client);
    const w = t.writable.getWriter();
    await w.write(new TextEncoder().encode('ping'));
    const r = t.readable.getReader();
    let text = '';
    for (;;) { const { value, done } = await r.read(); if (done) break; text += Buffer.from(value).toString(); }
    assert.equal(text, 'ping');
    assert.throws(() => t.direct(), /already read through its streams/);
  } finally {
    await close();
  }
});
