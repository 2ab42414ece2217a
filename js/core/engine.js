/**
 * A thin, synchronous wrapper around one `wt_conn` of the wasm engine. Every
 * call that moves bytes returns the engine's status word (IO bits) and leaves
 * the windows in the conn's wt_io, read here in one pass (`sync`): this.io.
 * It never awaits; connection.js's pump decides when to move bytes.
 */
import { WasmTlsError } from './errors.js';
import { getAeadNative, getAsyncSigVerifier, getSigVerifier } from './wasm.js';
import { EARLY_NAMES, ERR, EVENT_KIND, FLAG, IO, IO_FIELDS, KEYLOG_LABELS, STATE, versionName } from './names.js';

const EVENT_SIZE = 8;
/** u32 fields of one request of wt_conn_sig_batch (wasm/wt_wasm.c WT_SIG_REQ_FIELDS). */
const SIG_REQ_FIELDS = 9;

export class Engine {
  /** @param {import('./wasm.js').WasmTls} wasm */
  constructor(wasm) {
    this.wasm = wasm;
    this.x = wasm.exports;
    this.conn = this.x.wt_conn_new();
    if (!this.conn) throw new WasmTlsError('INTERNAL', 'wasmtls: cannot allocate a connection (out of wasm memory)');
    /** where the conn's wt_io lives (fixed for its lifetime) */
    this.ioPtr = this.x.wt_conn_io(this.conn);
    /** @type {DataView | null} */
    this.view = null;
    /** the last wt_io read: status word (IO bits), state, errors, windows */
    this.io = {
      status: 0, state: 0, error: 0, result: 0, sendPtr: 0, sendLen: 0, recvPtr: 0, recvLen: 0,
      writePtr: 0, writeLen: 0, readPtr: 0, readLen: 0, eventsPtr: 0, eventsLen: 0,
    };
  }

  get freed() { return this.conn === 0; }

  /**
   * Apply the configuration; throws a WasmTlsError for values the engine refuses.
   * @param {{ serverName: string, ca: Uint8Array[], alpnWire: Uint8Array | null,
   *           nowSeconds: number, insecureSkipVerify: boolean, keyShareGroup?: number, groups?: number[] | null,
   *           minVersion?: number, maxVersion?: number, keylog?: boolean, nativeVerify?: boolean, nativeCipher?: boolean }} cfg
   */
  configure(cfg) {
    const { x, wasm, conn } = this;
    let err = wasm.withBytes(cfg.serverName, (p, n) => x.wt_conn_set_server_name(conn, p, n));
    if (err) throw new WasmTlsError('INVALID_OPTION', `serverName is not acceptable (${this.errorName(err)}): ${JSON.stringify(cfg.serverName)}`);
    /** how many trust anchors each `ca` item gave (see anchors.js) */
    this.anchorCounts = cfg.ca.map((cert, i) => {
      const added = wasm.withBytes(cert, (p, n) => x.wt_conn_add_ca(conn, p, n));
      if (added <= 0) {
        const name = added < 0 ? this.errorName(-added) : 'no certificate found';
        throw new WasmTlsError('INVALID_OPTION', `ca[${i}] could not be loaded as a trust anchor (${name})`);
      }
      return added;
    });
    if (cfg.alpnWire) {
      err = wasm.withBytes(cfg.alpnWire, (p, n) => x.wt_conn_set_alpn(conn, p, n));
      if (err) throw new WasmTlsError('INVALID_OPTION', `alpn list is not acceptable (${this.errorName(err)})`);
    }
    x.wt_conn_set_time(conn, cfg.nowSeconds);
    x.wt_conn_set_flags(conn, (cfg.insecureSkipVerify ? FLAG.INSECURE_SKIP_VERIFY : 0) | (cfg.keylog ? FLAG.KEYLOG : 0));
    if (cfg.keyShareGroup) x.wt_conn_set_key_share(conn, cfg.keyShareGroup);
    // signature checks ask the runtime's native verifier first (js/core/native-verify.js), unless turned off
    this.nativeVerify = cfg.nativeVerify !== false && getSigVerifier() !== null && typeof x.wt_conn_set_native_verify === 'function';
    if (this.nativeVerify) x.wt_conn_set_native_verify(conn, 1);
    // no synchronous verifier: the asynchronous one (WebCrypto), the engine waiting for its verdicts (IO.VERIFY)
    this.asyncVerifier = !this.nativeVerify && cfg.nativeVerify !== false && typeof x.wt_conn_set_async_verify === 'function'
      ? getAsyncSigVerifier() : null;
    if (this.asyncVerifier) x.wt_conn_set_async_verify(conn, 1);
    // records sealed and opened by the runtime's AEAD (js/core/native-cipher.js), unless turned off
    this.nativeCipher = cfg.nativeCipher !== false && getAeadNative() !== null && typeof x.wt_conn_set_native_cipher === 'function';
    if (this.nativeCipher) x.wt_conn_set_native_cipher(conn, 1);
    for (const g of cfg.groups ?? []) {
      err = x.wt_conn_add_group(conn, g);
      if (err) throw new WasmTlsError('INVALID_OPTION', `groups: 0x${g.toString(16)} is not acceptable (${this.errorName(err)})`);
    }
    if (cfg.minVersion || cfg.maxVersion) x.wt_conn_set_versions(conn, cfg.minVersion ?? 0, cfg.maxVersion ?? 0);
    if (cfg.cert && cfg.key) {
      const n = wasm.withBytes(cfg.cert, (p, len) => x.wt_conn_set_client_cert(conn, p, len));
      if (n <= 0) throw new WasmTlsError('INVALID_OPTION', `cert could not be loaded (${n < 0 ? this.errorName(-n) : 'no certificate found'})`);
      err = wasm.withBytes(cfg.key, (p, len) => x.wt_conn_set_client_key(conn, p, len));
      if (err) throw new WasmTlsError('INVALID_OPTION', 'key could not be loaded: PEM or DER (PKCS#8, SEC1 EC on P-256/P-384, PKCS#1 RSA 2048-4096), unencrypted');
    }
    for (const pin of cfg.pins ?? []) {
      err = wasm.withBytes(base64Bytes(pin), (p, len) => x.wt_conn_add_pin(conn, p, len));
      if (err) throw new WasmTlsError('INVALID_OPTION', `pin ${pin} is not acceptable (${this.errorName(err)})`);
    }
    if (cfg.session) {
      err = wasm.withBytes(cfg.session, (p, len) => x.wt_conn_set_session(conn, p, len));
      if (err) throw new WasmTlsError('INVALID_OPTION', `session is not acceptable (${this.errorName(err)})`);
    }
    if (cfg.keyUpdateAfterBytes) x.wt_conn_set_key_update_bytes(conn, cfg.keyUpdateAfterBytes);
    if (cfg.earlyData?.length) {
      err = wasm.withBytes(cfg.earlyData, (p, len) => x.wt_conn_set_early_data(conn, p, len));
      if (err) throw new WasmTlsError('INTERNAL', `cannot keep earlyData (${this.errorName(err)})`);
    }
  }

  /**
   * What became of the 0-RTT data.
   * @returns {{ status: 'not-sent' | 'pending' | 'accepted' | 'rejected', sent: number }}
   */
  earlyData() {
    const status = EARLY_NAMES[this.x.wt_conn_early_status(this.conn)] ?? 'not-sent';
    return { status, sent: this.x.wt_conn_early_sent(this.conn) };
  }

  /**
   * Re-read the connection's wt_io (wasm/wt_io.h) in one pass: the status word, state, errors and
   * the five windows. Called with the word every moving export returns.
   * @param {number} status
   */
  sync(status) {
    const buf = this.x.memory.buffer;
    if (this.view?.buffer !== buf) this.view = new DataView(buf, this.ioPtr, IO_FIELDS * 4);
    const v = this.view;
    const io = this.io;
    io.status = status >>> 0;
    io.state = v.getUint32(4, true);
    io.error = v.getUint32(8, true);
    io.result = v.getUint32(12, true);
    io.sendPtr = v.getUint32(16, true); io.sendLen = v.getUint32(20, true);
    io.recvPtr = v.getUint32(24, true); io.recvLen = v.getUint32(28, true);
    io.writePtr = v.getUint32(32, true); io.writeLen = v.getUint32(36, true);
    io.readPtr = v.getUint32(40, true); io.readLen = v.getUint32(44, true);
    io.eventsPtr = v.getUint32(48, true); io.eventsLen = v.getUint32(52, true);
    return io.status;
  }

  /** The status word (IO bits) as of the last call. */
  get status() { return this.io.status; }

  /** Build the ClientHello. @returns {number} 0 or an error code */
  start() {
    this.sync(this.x.wt_conn_start(this.conn));
    return this.io.result;
  }

  /** The engine state (js/core/names.js STATE) as of the last call. */
  state() { return this.io.state; }

  /** The status word now (nothing moves). */
  poll() { return this.sync(this.x.wt_conn_poll(this.conn)); }

  /**
   * Give received bytes to the recv window (as many as it takes now).
   * @param {Uint8Array} bytes @returns {number} how many were taken
   */
  recv(bytes) {
    const n = Math.min(this.io.recvLen, bytes.length);
    if (!n) return 0;
    this.wasm.copyIn(this.io.recvPtr, n === bytes.length ? bytes : bytes.subarray(0, n));
    this.sync(this.x.wt_conn_recv_done(this.conn, n));
    return n;
  }

  /** Take everything in the send window, or null. @returns {Uint8Array | null} */
  takeSend() {
    const len = this.io.sendLen;
    if (!len) return null;
    const out = this.wasm.copyOut(this.io.sendPtr, len);
    this.sync(this.x.wt_conn_send_done(this.conn, len));
    return out;
  }

  /** Take up to `max` bytes of decrypted application data, or null if none waits. */
  takePlaintext(max = Infinity) {
    const len = this.io.readLen;
    if (!len) return null;
    const n = Math.min(len, max);
    const out = this.wasm.copyOut(this.io.readPtr, n);
    this.sync(this.x.wt_conn_read_done(this.conn, n));
    return out;
  }

  /** The app has data to write (true), or none any more (false): the engine sizes its output area. */
  wantWrite(want) { return this.sync(this.x.wt_conn_want_write(this.conn, want ? 1 : 0)); }

  /**
   * Seal one record with a prefix of `bytes` (the write window must be open).
   * @param {Uint8Array} bytes @returns {number} bytes sealed (0 on error: see status FAILED)
   */
  writeRecord(bytes) {
    const n = Math.min(this.io.writeLen, bytes.length);
    if (!n) return 0;
    this.wasm.copyIn(this.io.writePtr, n === bytes.length ? bytes : bytes.subarray(0, n));
    this.sync(this.x.wt_conn_write_done(this.conn, n));
    return this.io.error ? 0 : n;
  }

  /** Queue close_notify. @returns {number} 0 or an error code */
  close() { this.sync(this.x.wt_conn_close(this.conn)); return this.io.result; }

  /** The transport ended. @returns {number} 0 if the peer closed cleanly, else an error code */
  eof() { this.sync(this.x.wt_conn_eof(this.conn)); return this.io.result; }

  /**
   * TLS 1.3: send a KeyUpdate now (new write keys); `requestPeer` asks the server to update too.
   * The record appears in the send window. @returns {number} 0 or an error code
   */
  keyUpdate(requestPeer) {
    this.sync(this.x.wt_conn_key_update(this.conn, requestPeer ? 1 : 0));
    return this.io.result;
  }

  /** The handshake's results (chain, path, negotiated) were read: the engine may compact itself. */
  takeChain() { return this.sync(this.x.wt_conn_take_chain(this.conn)); }

  /** Did the handshake resume the configured session? */
  resumed() { return this.x.wt_conn_resumed(this.conn) === 1; }

  /** The latest session the server gave (engine encoding, holds a secret), or null. */
  session() {
    const { x, wasm, conn } = this;
    const len = x.wt_conn_session_len(conn);
    return len ? wasm.copyOut(x.wt_conn_session_ptr(conn), len) : null;
  }

  /** Whether the engine keeps a key log (only when `keylog` was configured). */
  keylogEnabled() {
    return this.x.wt_conn_keylog_enabled(this.conn) === 1;
  }

  /**
   * Drain the key log: the NSS key log lines (no newline) of the secrets derived since the last
   * call. The engine's copy is wiped. Secret material.
   * @returns {string[]}
   */
  takeKeylog() {
    const { x, conn } = this;
    const len = x.wt_conn_keylog_len(conn);
    if (!len) return [];
    const bytes = new Uint8Array(x.memory.buffer, x.wt_conn_keylog_ptr(conn), len);
    const lines = [];
    const hexOf = (a) => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
    for (let o = 0; o + 38 <= len;) {
      const label = KEYLOG_LABELS[bytes[o]];
      const n = bytes[o + 1];
      const gen = (bytes[o + 2] | (bytes[o + 3] << 8) | (bytes[o + 4] << 16)) + bytes[o + 5] * 2 ** 24;
      const random = hexOf(bytes.subarray(o + 6, o + 38));
      const secret = hexOf(bytes.subarray(o + 38, o + 38 + n));
      const name = label === 'CLIENT_TRAFFIC_SECRET' || label === 'SERVER_TRAFFIC_SECRET' ? `${label}_${gen}` : label;
      if (label) lines.push(`${name} ${random} ${secret}`);
      o += 38 + n;
    }
    x.wt_conn_keylog_clear(conn);
    return lines;
  }

  /**
   * The signature requests the engine waits on (IO.VERIFY), copied out of wasm memory.
   * @returns {Array<{ scheme: number, keyType: number, key: Uint8Array, aux: number, msg: Uint8Array, sig: Uint8Array }>}
   */
  sigBatch() {
    const { x, conn } = this;
    const n = x.wt_conn_sig_batch_len(conn) >>> 0;
    if (!n) return [];
    const tab = new Uint32Array(x.memory.buffer, x.wt_conn_sig_batch(conn) >>> 0, n * SIG_REQ_FIELDS);
    const buf = x.memory.buffer;
    const copy = (ptr, len) => new Uint8Array(buf, ptr, len).slice();
    const out = [];
    for (let i = 0; i < n; i++) {
      const t = tab.subarray(i * SIG_REQ_FIELDS, (i + 1) * SIG_REQ_FIELDS);
      out.push({ scheme: t[0], keyType: t[1], key: copy(t[2], t[3]), aux: t[4], msg: copy(t[5], t[6]), sig: copy(t[7], t[8]) });
    }
    return out;
  }

  /**
   * Feed the verdicts (1 valid, 0 invalid, anything else cannot: BearSSL) for the batch
   * sigBatch() gave, and let the engine re-run the message that waited.
   * @param {number[]} verdicts
   */
  sigResume(verdicts) {
    const { x, conn } = this;
    for (let i = 0; i < verdicts.length; i++) {
      const v = verdicts[i];
      x.wt_conn_sig_verdict(conn, i, v === 1 ? 1 : v === 0 ? 0 : -1);
    }
    this.sync(x.wt_conn_sig_resume(conn));
  }

  /**
   * Drain the engine's event log.
   * @returns {{ dir: 'in' | 'out', kind: number, type: number, len: number }[]}
   */
  takeEvents() {
    const n = this.io.eventsLen;
    if (!n) return [];
    const view = new DataView(this.x.memory.buffer, this.io.eventsPtr, n * EVENT_SIZE);
    const events = [];
    for (let i = 0; i < n; i++) {
      const o = i * EVENT_SIZE;
      events.push({
        dir: view.getUint8(o) === 1 ? 'out' : 'in',
        kind: view.getUint8(o + 1),
        type: view.getUint16(o + 2, true),
        len: view.getUint32(o + 4, true),
      });
    }
    this.sync(this.x.wt_conn_events_clear(this.conn));
    return events;
  }

  /** Negotiated parameters (valid once connected). */
  negotiated() {
    const { x, wasm, conn } = this;
    const alpnLen = x.wt_conn_alpn_len(conn);
    const alpn = alpnLen ? new TextDecoder().decode(wasm.copyOut(x.wt_conn_alpn_ptr(conn), alpnLen)) : null;
    return {
      version: versionName(x.wt_conn_version(conn)),
      cipher: wasm.cstring(x.wt_cipher_name_of(x.wt_conn_cipher(conn))),
      group: wasm.cstring(x.wt_group_name_of(x.wt_conn_group(conn))),
      alpn,
    };
  }

  /** The peer's certificates as DER, leaf first. @returns {Uint8Array[]} */
  peerChain() {
    const { x, wasm, conn } = this;
    const len = x.wt_conn_chain_len(conn);
    if (!len) return [];
    const bytes = wasm.copyOut(x.wt_conn_chain_ptr(conn), len);
    const certs = [];
    for (let off = 0; off + 3 <= bytes.length;) {
      const n = (bytes[off] << 16) | (bytes[off + 1] << 8) | bytes[off + 2];
      off += 3;
      if (off + n > bytes.length) break;
      certs.push(bytes.slice(off, off + n));
      off += n;
    }
    return certs;
  }

  /**
   * The path the engine verified, leaf first, ending with the trust anchor:
   * `{ sent: i }` (the i-th certificate the server sent) or `{ anchor: k }`
   * (the k-th trust anchor added). Just the leaf with insecureSkipVerify;
   * empty when resumed.
   * @returns {({ sent: number } | { anchor: number })[]}
   */
  verifiedPath() {
    const { x, conn } = this;
    const n = x.wt_conn_path_len(conn);
    const path = [];
    for (let i = 0; i < n; i++) {
      const at = x.wt_conn_path_at(conn, i);
      path.push(at >= 0 ? { sent: at } : { anchor: -1 - at });
    }
    return path;
  }

  /** @param {number} err */
  errorName(err) { return this.wasm.cstring(this.x.wt_error_name(err)); }

  /** @param {number} alert */
  alertName(alert) { return this.wasm.cstring(this.x.wt_alert_name_of(alert)); }

  /**
   * The engine's error as a WasmTlsError.
   * @param {number} [err] defaults to the sticky error
   */
  error(err) {
    const { x, wasm, conn } = this;
    const code = err || x.wt_conn_error(conn) || ERR.INTERNAL;
    const name = this.errorName(code);
    const text = wasm.cstring(x.wt_error_text(code));
    const detail = wasm.cstring(x.wt_conn_error_detail(conn)) || undefined;
    const alertNum = x.wt_conn_peer_alert(conn);
    const alert = alertNum >= 0 ? this.alertName(alertNum) : undefined;
    let message;
    if (name === 'PEER_ALERT' && alert) message = `server sent fatal alert ${alert}`;
    else message = text;
    // one sentence: a detail that restates the code's text replaces it
    if (detail && detail.startsWith(message)) message = detail;
    else if (detail && !message.includes(detail)) message += `: ${detail}`;
    return new WasmTlsError(name, message, { detail, alert });
  }

  /** Wipe and free the connection; safe to call more than once. */
  free() {
    if (!this.conn) return;
    this.x.wt_conn_free(this.conn);
    this.conn = 0;
  }
}

/** @param {string} b64 */
function base64Bytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export { STATE, EVENT_KIND, IO };
