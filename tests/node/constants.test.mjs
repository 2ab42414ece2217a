// Item 4 of issue 17: the numbers JS uses (states, event kinds, handshake types, keys kinds, error codes,
// flags, the status word) come from the C headers through scripts/gen-constants.mjs, and they agree
// with what the wasm build does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generate } from '../../scripts/gen-constants.mjs';
import { instantiateFresh } from '../../js/core/wasm.js';
import { STATE, STATE_NAMES, ERR, IO, IO_FIELDS, EVENT_KIND, HANDSHAKE_TYPE_NAMES } from '../../js/core/names.js';

const ROOT = new URL('../..', import.meta.url);

test('js/core/constants.js is what the C headers give (run node scripts/gen-constants.mjs)', () => {
  const committed = fs.readFileSync(new URL('js/core/constants.js', ROOT), 'utf8');
  assert.equal(committed, generate());
});

test('the wasm agrees: error numbers name the same codes, the status word and wt_io mean what JS reads', async () => {
  const wasm = await instantiateFresh(fs.readFileSync(fileURLToPath(new URL('js/dist/wasmtls.wasm', ROOT))));
  const x = wasm.exports;
  for (const [name, n] of Object.entries(ERR)) assert.equal(wasm.cstring(x.wt_error_name(n)), name, `error ${n}`);
  assert.equal(wasm.cstring(x.wt_error_name(Math.max(...Object.values(ERR)) + 1)), 'UNKNOWN');
  assert.equal(STATE_NAMES[STATE.CONNECTED], 'CONNECTED');
  assert.equal(HANDSHAKE_TYPE_NAMES[1], 'ClientHello');

  const conn = x.wt_conn_new();
  try {
    const io = x.wt_conn_io(conn);
    const field = (i) => new DataView(x.memory.buffer, io, IO_FIELDS * 4).getUint32(i * 4, true);
    assert.equal(wasm.withBytes('localhost', (p, n) => x.wt_conn_set_server_name(conn, p, n)), 0);
    x.wt_conn_set_flags(conn, 1);
    const status = x.wt_conn_start(conn) >>> 0;
    assert.equal(field(0), status, 'io.status is the word returned');
    assert.equal(field(1), STATE.WAIT_SH, 'io.state: the ClientHello is built');
    assert.equal(field(2), ERR.OK);
    assert.ok(status & IO.SEND, 'records to send');
    assert.ok(status & IO.RECV, 'room to receive records');
    assert.ok(status & IO.EVENTS, 'the ClientHello event waits');
    assert.equal(status & (IO.READ | IO.WRITE | IO.CONNECTED | IO.FAILED | IO.CLOSED), 0);
    const sendLen = field(5);
    assert.ok(sendLen > 0);
    assert.equal(new Uint8Array(x.memory.buffer, field(4), 1)[0], 22, 'a handshake record in the send window');
    const ev = new DataView(x.memory.buffer, field(12), 8);
    assert.ok(field(13) >= 1);
    assert.equal(ev.getUint8(1), EVENT_KIND.HANDSHAKE);
    assert.equal(ev.getUint16(2, true), 1, 'ClientHello');
    // the transport ends now: TRUNCATED, our side closed, the engine failed
    const after = x.wt_conn_eof(conn) >>> 0;
    assert.equal(field(3), ERR.TRUNCATED, 'io.result');
    assert.ok(after & IO.FAILED && after & IO.CLOSED);
  } finally {
    x.wt_conn_free(conn);
  }
});
