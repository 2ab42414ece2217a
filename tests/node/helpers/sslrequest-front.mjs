// A TCP front for PostgreSQL that lets a client pipeline its SSLRequest and ClientHello
// (what Neon's proxy allows and the Neon driver does with `pipelineTLS`), which stock
// PostgreSQL refuses ("received unencrypted data after SSL request"). It forwards the
// 8-byte SSLRequest, holds back whatever the client sends meanwhile until PostgreSQL
// answered, passes the answer on (after `delayMs`, so a pipelining client is seen
// sending before it), then the held bytes, then pipes both ways. 127.0.0.1 only.
// With `answer` set, it answers the SSLRequest itself with those bytes and closes
// (a server that refuses SSL: 'N').

import net from 'node:net';

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * @param {number} pgPort
 * @param {{ delayMs?: number, answer?: string }} [o]
 * @returns {Promise<{ port: number, early: () => Buffer[], stop: () => Promise<void> }>}
 *   early(): per connection, the bytes after the SSLRequest received before the answer went out
 */
export async function startSslRequestFront(pgPort, { delayMs = 50, answer } = {}) {
  const sockets = new Set();
  const early = [];
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    let held = Buffer.alloc(0);
    let answered = false;
    let upstream = null;
    const index = early.length;
    early.push(Buffer.alloc(0));
    const onData = (d) => {
      held = Buffer.concat([held, d]);
      if (held.length < 8 || upstream || answered) return;
      if (!held.subarray(0, 8).equals(SSL_REQUEST)) { client.destroy(); return; }
      if (answer !== undefined) {
        answered = true;
        setTimeout(() => { early[index] = held.subarray(8); client.end(answer); }, delayMs);
        return;
      }
      upstream = net.connect({ host: '127.0.0.1', port: pgPort }, () => upstream.write(SSL_REQUEST));
      sockets.add(upstream);
      upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.once('data', (reply) => {
        upstream.pause();
        setTimeout(() => {
          answered = true;
          client.off('data', onData);
          early[index] = held.subarray(8);
          client.write(reply);
          upstream.write(held.subarray(8));
          client.pipe(upstream);
          upstream.pipe(client);
          upstream.resume();
        }, delayMs);
      });
    };
    client.on('data', onData);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    early: () => early,
    stop: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
