/**
 * A thin, synchronous wrapper around one `wt_conn` of the wasm engine: the
 * four byte windows, events, negotiated parameters and errors. It never
 * awaits; connection.js decides when to move bytes.
 */
import { WasmTlsError } from './errors.js';
import { EVENT_KIND, STATE, versionName } from './names.js';

const FLAG_INSECURE_SKIP_VERIFY = 1;
const EVENT_SIZE = 8;

export class Engine {
  /** @param {import('./wasm.js').WasmTls} wasm */
  constructor(wasm) {
    this.wasm = wasm;
    this.x = wasm.exports;
    this.conn = this.x.wt_conn_new();
    if (!this.conn) throw new WasmTlsError('INTERNAL', 'wasmtls: cannot allocate a connection (out of wasm memory)');
  }

  get freed() { return this.conn === 0; }

  /**
   * Apply the configuration; throws a WasmTlsError for values the engine refuses.
   * @param {{ serverName: string, ca: Uint8Array[], alpnWire: Uint8Array | null,
   *           nowSeconds: number, insecureSkipVerify: boolean, keyShareGroup?: number,
   *           minVersion?: number, maxVersion?: number }} cfg
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
    x.wt_conn_set_flags(conn, cfg.insecureSkipVerify ? FLAG_INSECURE_SKIP_VERIFY : 0);
    if (cfg.keyShareGroup) x.wt_conn_set_key_share(conn, cfg.keyShareGroup);
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
    const status = ['not-sent', 'pending', 'accepted', 'rejected'][this.x.wt_conn_early_status(this.conn)] ?? 'not-sent';
    return { status, sent: this.x.wt_conn_early_sent(this.conn) };
  }

  /** After the handshake and peerChain(): release what only the handshake needed. */
  compact() { return this.x.wt_conn_compact(this.conn); }

  /** The writer is idle: the engine may shrink its output area again (after compact()). */
  idle() { if (!this.freed) this.x.wt_conn_idle(this.conn); }

  /** Did the handshake resume the configured session? */
  resumed() { return this.x.wt_conn_resumed(this.conn) === 1; }

  /** The latest session the server gave (engine encoding, holds a secret), or null. */
  session() {
    const { x, wasm, conn } = this;
    const len = x.wt_conn_session_len(conn);
    return len ? wasm.copyOut(x.wt_conn_session_ptr(conn), len) : null;
  }

  /**
   * TLS 1.3: send a KeyUpdate now (new write keys); `requestPeer` asks the server to update too.
   * @param {boolean} requestPeer @param {Uint8Array[]} outgoing
   * @returns {number} 0 or an error code
   */
  keyUpdate(requestPeer, outgoing) {
    const err = this.x.wt_conn_key_update(this.conn, requestPeer ? 1 : 0);
    this.takeSend(outgoing);
    return err;
  }

  /** Build the ClientHello. @returns {number} 0 or an error code */
  start() { return this.x.wt_conn_start(this.conn); }

  state() { return this.x.wt_conn_state(this.conn); }

  /**
   * Give received bytes to the engine, as many as it accepts now. Whatever the
   * engine wants to transmit meanwhile is appended to `outgoing`.
   * @param {Uint8Array} bytes
   * @param {Uint8Array[]} outgoing
   * @returns {{ consumed: number, err: number }}
   */
  feed(bytes, outgoing) {
    const { x, wasm, conn } = this;
    let off = 0;
    while (off < bytes.length) {
      const ptr = x.wt_conn_recv_ptr(conn);
      const len = x.wt_conn_win_len(conn);
      if (!len) break;
      const n = Math.min(len, bytes.length - off);
      wasm.copyIn(ptr, bytes.subarray(off, off + n));
      off += n;
      const err = x.wt_conn_recv_done(conn, n);
      this.takeSend(outgoing);
      if (err) return { consumed: off, err };
    }
    return { consumed: off, err: 0 };
  }

  /** Move everything in the send window into `outgoing`. @param {Uint8Array[]} outgoing */
  takeSend(outgoing) {
    const { x, wasm, conn } = this;
    for (;;) {
      const ptr = x.wt_conn_send_ptr(conn);
      const len = x.wt_conn_win_len(conn);
      if (!len) return outgoing;
      outgoing.push(wasm.copyOut(ptr, len));
      x.wt_conn_send_done(conn, len);
    }
  }

  /**
   * Take up to `max` bytes of decrypted application data, or null if none waits.
   * @param {number} max
   */
  takePlaintext(max = Infinity) {
    const { x, wasm, conn } = this;
    const ptr = x.wt_conn_read_ptr(conn);
    const len = x.wt_conn_win_len(conn);
    if (!len) return null;
    const n = Math.min(len, max);
    const out = wasm.copyOut(ptr, n);
    x.wt_conn_read_done(conn, n);
    return out;
  }

  /** True if decrypted data waits in the read window. */
  hasPlaintext() {
    this.x.wt_conn_read_ptr(this.conn);
    return this.x.wt_conn_win_len(this.conn) > 0;
  }

  /**
   * Seal one record with a prefix of `bytes`.
   * @param {Uint8Array} bytes
   * @returns {{ written: number, err: number }} written 0 and err 0: no window now
   */
  writeRecord(bytes) {
    const { x, wasm, conn } = this;
    const ptr = x.wt_conn_write_ptr(conn);
    const len = x.wt_conn_win_len(conn);
    if (!len) return { written: 0, err: 0 };
    const n = Math.min(len, bytes.length);
    wasm.copyIn(ptr, bytes.subarray(0, n));
    const err = x.wt_conn_write_done(conn, n);
    return { written: err ? 0 : n, err };
  }

  /** Queue close_notify. @returns {number} 0 or an error code */
  close() { return this.x.wt_conn_close(this.conn); }

  /** The transport ended. @returns {number} 0 if the peer closed cleanly, else an error code */
  eof() { return this.x.wt_conn_eof(this.conn); }

  /**
   * Drain the engine's event log.
   * @returns {{ dir: 'in' | 'out', kind: number, type: number, len: number }[]}
   */
  takeEvents() {
    const { x, wasm, conn } = this;
    const ptr = x.wt_conn_events_ptr(conn);
    const n = x.wt_conn_win_len(conn);
    if (!n) return [];
    const view = new DataView(wasm.exports.memory.buffer, ptr, n * EVENT_SIZE);
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
    x.wt_conn_events_clear(conn);
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
    const code = err || x.wt_conn_error(conn) || 2 /* INTERNAL */;
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

export { STATE, EVENT_KIND };
