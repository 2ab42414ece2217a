// Differential test of the HTTP/1.1 response parser (js/fetch/http1.js) against llhttp, the
// reference (Node's http client parses with it, strict: no insecureHTTPParser). The same bytes,
// followed by a clean end of stream, go to both: through a plain TCP server on 127.0.0.1 to
// node:http, and through a fake socket to H1Connection. Wherever llhttp refuses a response ours
// must refuse it too, and where both accept, status and body must agree.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { H1Connection } from '../../js/fetch/http1.js';
import { HttpError } from '../../js/fetch/errors.js';

const latin1 = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));

async function ours(text) {
  let sent = false;
  const socket = {
    readable: new ReadableStream({ pull(c) { if (!sent) { sent = true; c.enqueue(latin1(text)); } else c.close(); } }),
    writable: new WritableStream(),
    close: async () => {},
  };
  const conn = new H1Connection(socket, {}, {});
  try {
    const { head, framing } = await conn.readResponseHead('GET');
    const reader = conn.bodyReader(framing);
    let body = '';
    for (;;) { const c = await reader.next(); if (c === null) break; body += String.fromCharCode(...c); }
    return { ok: true, status: head.status, body };
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    return { ok: false, why: err.httpCode };
  }
}

function llhttp(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ ok: true, status: res.statusCode, body }));
      res.on('error', (e) => resolve({ ok: false, why: e.code ?? e.message }));
      res.on('aborted', () => resolve({ ok: false, why: 'aborted' }));
    });
    req.on('error', (e) => resolve({ ok: false, why: e.code ?? e.message }));
    req.setTimeout(3000, () => { req.destroy(); resolve({ ok: false, why: 'timeout' }); });
  });
}

const CASES = [
  // valid
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nT: x\r\n\r\n',
  'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end',
  'HTTP/1.0 200 OK\r\n\r\nold style',
  'HTTP/1.1 204 No Content\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello',
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nbody',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'HTTP/1.1 200 OK\r\n\x7fbad: v\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nX: \x80\xff\r\nContent-Length: 2\r\n\r\nok',
  'HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok',
  'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  // invalid
  'HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\ncontent-length : 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
  'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nxx',
  'HTTP/1.1 200 OK\r\nx-a: a\rb\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nx-a: a\x00b\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Le',
  'HTP/1.1 200 OK\r\n\r\n',
  'HTTP/1.1 200 OK\nContent-Length: 0\n\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n',
];

describe('HTTP/1.1 parser vs llhttp (node:http)', { timeout: 60_000 }, () => {
  it(`${CASES.length} responses: at least as strict as llhttp, the same result where both accept`, async () => {
    let current = '';
    const srv = net.createServer((s) => {
      s.on('error', () => {});
      s.once('data', () => s.end(Buffer.from(current, 'latin1')));
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const { port } = srv.address();
    const diffs = [];
    const lenient = [];
    try {
      for (const text of CASES) {
        current = text;
        const ref = await llhttp(port);
        const got = await ours(text);
        const label = JSON.stringify(text.slice(0, 70));
        if (!ref.ok && got.ok) lenient.push(`${label} (llhttp: ${ref.why})`);
        if (ref.ok && got.ok && (got.status !== ref.status || got.body !== ref.body)) lenient.push(`${label}: differs`);
        if (ref.ok && !got.ok) diffs.push(`${label}: llhttp accepts, ours ${got.why}`);
      }
    } finally {
      srv.close();
    }
    assert.deepEqual(lenient, [], 'accepted by ours but refused by llhttp, or different results');
    if (diffs.length) console.log(`# stricter than llhttp:\n# ${diffs.join('\n# ')}`);
  });
});
