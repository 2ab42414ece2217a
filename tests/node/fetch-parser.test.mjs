// The HTTP/1.1 response parser (js/fetch/http1.js) on its own: a table of heads and bodies,
// every split of a valid response into two reads, and a seeded mutation fuzz: each input must
// end (a parsed response or an HttpError) without hanging and without any other exception.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { H1Connection, parseHead, framingOf } from '../../js/fetch/http1.js';
import { HttpError } from '../../js/fetch/errors.js';

const latin1 = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** An H1Connection over a fake socket delivering `chunks`, then a clean end. */
function connOver(chunks, { maxHeaderSize } = {}) {
  const queue = chunks.slice();
  const socket = {
    readable: new ReadableStream({ pull(c) { const next = queue.shift(); if (next) c.enqueue(next); else c.close(); } }),
    writable: new WritableStream(),
    close: async () => {},
  };
  return new H1Connection(socket, { alpn: 'http/1.1' }, { maxHeaderSize });
}

/** Parse one response: { status, headers, body } or the HttpError. */
async function parse(chunks, method = 'GET', opts) {
  const conn = connOver(chunks, opts);
  try {
    const { head, framing } = await conn.readResponseHead(method);
    const reader = conn.bodyReader(framing);
    const parts = [];
    for (;;) {
      const c = await reader.next();
      if (c === null) break;
      parts.push(...c);
    }
    return { status: head.status, headers: head.headers, body: String.fromCharCode(...parts), framing: framing.kind };
  } catch (err) {
    if (err instanceof HttpError) return { error: err.httpCode };
    throw err;
  }
}

describe('HTTP/1.1 response parser', () => {
  it('table: heads', () => {
    const ok = [
      ['HTTP/1.1 200 OK', 200, 'OK'],
      ['HTTP/1.1 200 ', 200, ''],
      ['HTTP/1.1 200', 200, ''],
      ['HTTP/1.0 404 Not Found', 404, 'Not Found'],
      ['HTTP/1.1 599 x\x80y', 599, 'x\x80y'],
    ];
    for (const [line, status, text] of ok) {
      const h = parseHead(`${line}\r\nA: b`);
      assert.deepEqual([h.status, h.statusText, h.headers], [status, text, [['a', 'b']]], line);
    }
    const bad = ['HTTP/1.1 20 OK', 'HTTP/1.1 099 x', 'HTTP/1.2 200 OK', 'http/1.1 200 OK', 'HTTP/1.1  200 OK', 'HTTP/1.1 200 O\x00K', ' HTTP/1.1 200 OK', 'HTTP/11 200 OK'];
    for (const line of bad) assert.throws(() => parseHead(line), (e) => e.httpCode === 'MALFORMED_STATUS_LINE', JSON.stringify(line));
    const badHeaders = ['a b: c', 'a:\x7f', ': v', 'a\t: v', '\tcont', 'x-a: 1\x00', 'a(b): c'];
    for (const h of badHeaders) assert.throws(() => parseHead(`HTTP/1.1 200 OK\r\n${h}`), (e) => e.httpCode === 'MALFORMED_HEADER', JSON.stringify(h));
    assert.deepEqual(parseHead('HTTP/1.1 200 OK\r\nX:  \t spaced value \t').headers, [['x', 'spaced value']]);
  });

  it('table: framing (RFC 9112 §6.3)', () => {
    const head = (...hs) => parseHead(['HTTP/1.1 200 OK', ...hs].join('\r\n'));
    assert.deepEqual(framingOf('GET', head('Content-Length: 12')), { kind: 'length', length: 12 });
    assert.deepEqual(framingOf('GET', head('Transfer-Encoding: Chunked')), { kind: 'chunked' });
    assert.deepEqual(framingOf('GET', head()), { kind: 'close' });
    assert.deepEqual(framingOf('HEAD', head('Content-Length: 12')), { kind: 'none' });
    assert.deepEqual(framingOf('GET', parseHead('HTTP/1.1 304 Not Modified\r\nContent-Length: 12')), { kind: 'none' });
    assert.deepEqual(framingOf('GET', parseHead('HTTP/1.1 204 No Content')), { kind: 'none' });
    for (const [hs, code] of [
      [['Content-Length: 1', 'Transfer-Encoding: chunked'], 'CONFLICTING_LENGTH'],
      [['Content-Length: 1, 2'], 'INVALID_CONTENT_LENGTH'],
      [['Content-Length: 5, 5'], 'INVALID_CONTENT_LENGTH'], // found by fetch-llhttp-diff: llhttp refuses lists
      [['Content-Length: 5', 'content-length: 5'], 'INVALID_CONTENT_LENGTH'],
      [['Content-Length: +1'], 'INVALID_CONTENT_LENGTH'],
      [['Content-Length: 0x10'], 'INVALID_CONTENT_LENGTH'],
      [['Content-Length: 1234567890123456'], 'INVALID_CONTENT_LENGTH'],
      [['Content-Length:'], 'INVALID_CONTENT_LENGTH'],
      [['Transfer-Encoding: gzip, chunked'], 'UNSUPPORTED_TRANSFER_ENCODING'],
      [['Transfer-Encoding: chunked, identity'], 'UNSUPPORTED_TRANSFER_ENCODING'],
      [['Transfer-Encoding: identity'], 'UNSUPPORTED_TRANSFER_ENCODING'],
    ]) assert.throws(() => framingOf('GET', head(...hs)), (e) => e.httpCode === code, hs.join(' | '));
    assert.throws(() => framingOf('GET', parseHead('HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked')), (e) => e.httpCode === 'UNSUPPORTED_TRANSFER_ENCODING');
  });

  const VALID = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\nTrailer: t\r\n\r\n';
  it('every split of a valid chunked response into two reads parses the same', async () => {
    const bytes = latin1(VALID);
    for (let i = 1; i < bytes.length; i++) {
      const r = await parse([bytes.slice(0, i), bytes.slice(i)]);
      assert.deepEqual([r.status, r.body, r.framing], [200, 'hello world!', 'chunked'], `split at ${i}`);
    }
    const oneByte = await parse(Array.from(bytes, (b) => Uint8Array.of(b)));
    assert.equal(oneByte.body, 'hello world!');
  });

  it('bodies: truncation and chunk errors are typed', async () => {
    const cases = [
      ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', 'TRUNCATED_BODY'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', 'TRUNCATED_BODY'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n', 'TRUNCATED_BODY'],
      ['HTTP/1.1 200 OK\r\nContent-Le', 'TRUNCATED_HEAD'],
      ['', 'NO_RESPONSE'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n', 'INVALID_CHUNK'],
      [`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;${'e'.repeat(5000)}\r\nhello\r\n0\r\n\r\n`, 'INVALID_CHUNK'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n', 'MALFORMED_HEADER'],
      ['HTTP/1.1 200 OK\r\nA: 1\r\r\n\r\n', 'MALFORMED_HEADER'],
    ];
    for (const [text, code] of cases) assert.deepEqual(await parse([latin1(text)]), { error: code }, JSON.stringify(text.slice(0, 60)));
    assert.deepEqual(await parse([latin1('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: ' + 'a'.repeat(2000) + '\r\n\r\n')], 'GET', { maxHeaderSize: 1024 }), { error: 'HEADERS_TOO_LARGE' });
    // 1xx responses are skipped
    const r = await parse([latin1('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')]);
    assert.deepEqual([r.status, r.body], [200, 'ok']);
  });

  it('fuzz: 3000 seeded mutations end in a response or an HttpError, never a hang or another exception', async () => {
    let seed = 0x2545f491;
    const rand = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
    const seeds = [VALID, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', 'HTTP/1.0 200 OK\r\n\r\nclose-delimited', 'HTTP/1.1 204 No Content\r\n\r\n'].map(latin1);
    const interesting = latin1('\r\n:; \t0aF-9\x00\x7f\x80');
    let errors = 0;
    for (let i = 0; i < 3000; i++) {
      const base = seeds[rand(seeds.length)];
      const bytes = Array.from(base);
      const edits = 1 + rand(4);
      for (let e = 0; e < edits; e++) {
        const at = rand(bytes.length + 1);
        const op = rand(3);
        if (op === 0) bytes.splice(at, 1);
        else if (op === 1) bytes.splice(at, 0, interesting[rand(interesting.length)]);
        else bytes[Math.min(at, bytes.length - 1)] = rand(256);
      }
      const input = Uint8Array.from(bytes);
      const cut = rand(input.length + 1);
      const r = await Promise.race([
        parse([input.slice(0, cut), input.slice(cut)].filter((c) => c.length)),
        new Promise((_, rej) => setTimeout(() => rej(new Error(`hang on ${JSON.stringify(String.fromCharCode(...input))}`)), 1000)),
      ]);
      if (r.error) errors++;
      else assert.ok(r.status >= 100 && r.status <= 999);
    }
    assert.ok(errors > 300, `mutations are mostly refused (${errors})`);
  });
});
