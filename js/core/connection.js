/**
 * A TLS socket over any byte transport, shaped like Cloudflare's `connect()`:
 * `{ readable, writable, opened, closed, close() }`. Moves bytes between the
 * transport's streams and the engine's windows, with backpressure both ways.
 * Runtime-neutral: no Node APIs here.
 */
import { encodeSession } from './session.js';
import { Engine } from './engine.js';
import { WasmTlsError, asTransportError, quietError } from './errors.js';
import { EVENT_KIND, HANDSHAKE_TYPE_NAMES, IO, KEYS_NAMES, STATE, STATE_NAMES, WAITING_FOR } from './names.js';
import { parseCertificate } from '../x509/x509.js';
import { hex } from '../x509/der.js';
import { applyTrustPolicy } from './trust.js';
import { anchorCertificate } from './anchors.js';
import { policyDigest, sameDigest } from './policy.js';

const READABLE_HIGH_WATER_MARK = 64 * 1024;
const TRANSPORT_CLOSE_GRACE_MS = 1000;
const noop = () => {};
const encoder = new TextEncoder();
const now = () => globalThis.performance.now();

/**
 * @typedef {{ readable: ReadableStream<Uint8Array>, writable: WritableStream<Uint8Array>, close?: () => void,
 *   direct?: () => { reader: { read(): Promise<{ value?: Uint8Array, done: boolean }>, cancel(): Promise<void> },
 *                    writer: { write(chunk: Uint8Array): Promise<void>, close(): Promise<void> } } }} Transport
 * @typedef {{ name: string, dir: 'in' | 'out', bytes: number, ms: number, detail?: string }} Step
 */

/**
 * Open a TLS connection. Never throws: failures reject `opened` (and `closed`).
 * @param {object} params
 * @param {Promise<import('./wasm.js').WasmTls>} params.wasm
 * @param {(signal: AbortSignal) => Promise<Transport>} params.openTransport
 * @param {ReturnType<typeof import('./options.js').normalizeOptions>} params.options
 * @param {string} params.label "host:port", for messages
 * @param {() => Promise<Array<string | Uint8Array>>} [params.defaultCa] the trust anchors when no `ca` is
 *   given (default: the Mozilla roots of js/roots.js, loaded only then)
 */
export function openConnection(params) {
  return new TlsConnection(params).socket;
}

/** Steps recorded per connection at most (handshake first; then KeyUpdates, tickets…). */
const MAX_STEPS = 256;

class TlsConnection {
  constructor({ wasm, openTransport, options, label, defaultCa }) {
    this.options = options;
    this.label = label;
    this.defaultCa = defaultCa;
    /**
     * 'verifying': the engine finished the handshake and the verify hook decides; nothing the
     * server sent is readable and no application data or session leaves until it has.
     * @type {'connecting' | 'handshake' | 'verifying' | 'open' | 'done'}
     */
    this.phase = 'connecting';
    /** @type {Engine | null} */
    this.engine = null;
    /** @type {Transport | null} */
    this.transport = null;
    /** @type {Promise<Transport> | null} what the transport factory returned, until run() takes it */
    this.transportPromise = null;
    this.reader = null;
    this.writer = null;
    this.abortTransport = new AbortController();
    this.startedAt = Date.now();
    this.t0 = now();
    /** @type {Step[]} */
    this.steps = [];
    this.bytesRead = 0;
    this.bytesWritten = 0;
    this.readEnded = false;      // readable closed (peer close_notify or clean EOF)
    this.readCancelled = false;  // the app cancelled the readable: discard plaintext
    this.writeClosed = false;    // our close_notify is queued
    this.writerClosed = false;   // the transport's writable is closed (after close_notify was sent)
    this.pendingWrite = Promise.resolve();
    this.demand = null;          // resolves when the pump may want transport bytes again
    this.pendingReadError = null; // error to raise on the readable once its queue is drained
    this.peerFinished = false;   // close_notify and then EOF from the peer
    this.closing = null;
    this.closeWriteP = null;
    /** @type {Uint8Array | null} transport bytes the recv window has not taken yet */
    this.inbox = null;
    /** @type {{ bytes: Uint8Array, off: number, resolve?: () => void, reject?: (e: unknown) => void }[]} app data to seal, in order */
    this.writes = [];
    this.sealing = false;        // a sealed app record is with the transport (backpressure: one at a time)
    this.asked = false;          // the engine was asked for a write window since the last record or send
    this.wantsWrite = false;     // the engine holds its large output area for us
    this.writerIdle = false;     // the writes drained: the next pump gives the output area back
    this.pumping = false;
    this.repump = false;
    this.sigVerifying = false;   // a batch of signature requests is with the asynchronous verifier

    this.opened = deferred();
    this.closed = deferred();
    this.events = new EventTarget();
    /** @type {string | null} the latest session from the server ("wtls2.…") */
    this.session = null;
    /** @type {Uint8Array[]} sessions given before the verdict (engine encoding): published once open */
    this.heldSessions = [];
    /** @type {Uint8Array | null} this connection's trust-policy digest (js/core/policy.js) */
    this.policy = null;
    this.socket = this.makeSocket();
    this.timer = Number.isFinite(options.timeoutMs)
      ? setTimeout(() => this.onTimeout(), options.timeoutMs) : null;
    this.signal = options.signal;
    if (this.signal) {
      this.onAbort = () => this.fail(new WasmTlsError('ABORTED',
        `the connection to ${label} was aborted${reasonOf(this.signal.reason)}`, { cause: this.signal.reason }));
      if (this.signal.aborted) { this.onAbort(); return; }
      this.signal.addEventListener('abort', this.onAbort, { once: true });
    }
    this.run(wasm, openTransport);
  }

  makeSocket() {
    const readable = new ReadableStream({
      start: (c) => { this.readController = c; },
      pull: () => this.onPull(),
      cancel: () => { this.readCancelled = true; this.pump(); },
    }, { highWaterMark: READABLE_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength });

    const writable = new WritableStream({
      start: (c) => { this.writeController = c; },
      write: (chunk) => (this.pendingWrite = this.writeData(chunk)),
      close: () => this.closeWrite(),
      abort: () => this.close(),
    });

    const conn = this;
    return {
      readable,
      writable,
      opened: this.opened.promise,
      closed: this.closed.promise,
      /** Send close_notify (after pending writes), close the transport; resolves when done. */
      close: () => conn.close(),
      /** `await using socket = connect(…)`: close() when the scope ends. */
      [Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose')]: () => conn.close(),
      /** Application bytes received / sent so far. */
      get bytesRead() { return conn.bytesRead; },
      get bytesWritten() { return conn.bytesWritten; },
      /** Handshake steps recorded so far (live; also after a failure). */
      get steps() { return conn.steps; },
      /** The latest resumable session the server gave ("wtls1.…"; a secret), or null. */
      get session() { return conn.session; },
      /** 'session' events (event.session: the string) when the server gives a session. */
      addEventListener: (type, listener, opts) => conn.events.addEventListener(type, listener, opts),
      removeEventListener: (type, listener, opts) => conn.events.removeEventListener(type, listener, opts),
    };
  }

  /* ------------------------------------------------------------ lifecycle */

  async run(wasmPromise, openTransport) {
    // The transport is asked for first, before the wasm, the anchors and the key shares: a proxy
    // (Wisp, a WebSocket) starts its TCP connection while the ClientHello is being made.
    let transportPromise;
    try {
      transportPromise = Promise.resolve(openTransport(this.abortTransport.signal));
    } catch (err) {
      transportPromise = Promise.reject(err);
    }
    this.transportPromise = transportPromise;
    transportPromise.catch(noop); // its failure is this connection's (below), not an unhandled rejection
    try {
      const wasm = await wasmPromise.catch((err) => {
        throw new WasmTlsError('INTERNAL', `cannot load wasmtls.wasm: ${err.message}`, { cause: err });
      });
      if (this.phase === 'done') return;
      // No `ca`: the runtime's default anchors (the Mozilla roots), loaded only now.
      const ca = this.options.ca.length || this.options.insecureSkipVerify
        ? this.options.ca : await defaultAnchors(this.defaultCa);
      this.ca = ca;
      this.wasm = wasm;
      this.policy = policyDigest(this.options, ca, (bytes) => wasm.sha256(bytes));
      // a session is resumed only under the trust policy it was made under (js/core/session.js)
      const session = this.options.session && sameDigest(this.options.session.policy, this.policy)
        ? this.options.session.bytes : null;
      this.engine = new Engine(wasm);
      this.engine.configure({
        serverName: this.options.serverName,
        ca,
        alpnWire: this.options.alpn?.wire ?? null,
        nowSeconds: Date.now() / 1000,
        insecureSkipVerify: this.options.insecureSkipVerify,
        minVersion: this.options.minVersion,
        cert: this.options.cert,
        key: this.options.key,
        maxVersion: this.options.maxVersion,
        groups: this.options.groups,
        pins: this.options.pins,
        session,
        keyUpdateAfterBytes: this.options.keyUpdateAfterBytes,
        earlyData: this.options.earlyData,
        keylog: !!this.options.keylog,
        nativeVerify: this.options.nativeVerify,
        nativeCipher: this.options.nativeCipher,
      });
      this.options.key?.fill(0); // in the engine now: our copy (js/core/options.js) is wiped
      const transport = await transportPromise;
      if (this.phase === 'done') return;
      this.transport = transport;
      // a transport's own reader/writer pair where it has one (node-tcp.js: no web streams in between)
      const direct = typeof transport.direct === 'function' ? transport.direct() : null;
      this.reader = direct ? direct.reader : transport.readable.getReader();
      this.writer = direct ? direct.writer : transport.writable.getWriter();
      this.phase = 'handshake';
      const err = this.engine.start();
      if (err) throw this.engine.error(err);
      this.pump();
      await this.readLoop();
    } catch (err) {
      if (err instanceof WasmTlsError) this.fail(err);
      else if (this.phase === 'connecting') this.fail(new WasmTlsError('CONNECT_FAILED', `cannot connect to ${this.label}: ${err?.message ?? err}`, { cause: err }));
      else this.fail(asTransportError(err, 'while receiving'));
    }
  }

  /** Read the transport whenever the pump can take its bytes; pauses while it cannot (backpressure). */
  async readLoop() {
    for (;;) {
      if (this.phase === 'done') return;
      // after close_notify bytes are read (and ignored) until EOF
      if (this.inbox || !(this.engine.status & (IO.RECV | IO.PEER_CLOSED))) { await this.waitForDemand(); continue; }
      const { value, done } = await this.reader.read();
      if (this.phase === 'done') return;
      if (done) { this.onTransportEnd(); return; }
      if (this.engine.status & IO.PEER_CLOSED || !value?.length) continue;
      this.inbox = value;
      this.pump();
    }
  }

  /**
   * The one pump, shaped like BearSSL's br_sslio run-until: read the engine's status word, do
   * what it allows (transmit the send window, take events, notice the end of the handshake,
   * deliver the read window while the readable has room, seal pending app data into the write
   * window, feed the recv window from the transport), repeat; return when nothing can move
   * without the transport, the app or the verify hook. Never awaits; safe to call re-entrantly.
   */
  pump() {
    if (this.pumping) { this.repump = true; return; }
    this.pumping = true;
    try {
      do { this.repump = false; this.pumpOnce(); } while (this.repump);
    } finally {
      this.pumping = false;
    }
    this.wake();
  }

  pumpOnce() {
    const engine = this.engine;
    for (;;) {
      if (this.phase === 'done' || !engine || engine.freed) return;
      const st = engine.status;
      if (st & IO.SEND) { this.asked = false; this.transmit([engine.takeSend()]); continue; }
      // a transport chunk is fed as far as the recv window takes it before its events are looked at
      if (this.inbox && (st & IO.RECV) && !(st & IO.PEER_CLOSED)) {
        const n = engine.recv(this.inbox);
        this.inbox = n < this.inbox.length ? this.inbox.subarray(n) : null;
        continue;
      }
      if (st & IO.EVENTS) { this.recordEvents(); continue; }
      if (st & IO.FAILED) { this.fail(engine.error()); return; }
      // signature requests wait (WebCrypto): nothing moves until their verdicts are in
      if (st & IO.VERIFY) { this.verifySignatures(); return; }
      if (this.phase === 'handshake' && (st & (IO.CONNECTED | IO.PEER_CLOSED))) { this.onHandshakeDone(); continue; }
      if (this.phase === 'open') {
        if (st & IO.READ) {
          if (!this.readEnded && (this.readCancelled || this.readController.desiredSize > 0)) { this.deliver(); continue; }
        } else if ((st & IO.PEER_CLOSED) && !this.readEnded) { this.endReadable(); continue; }
        if (this.writes.length) {
          if (!this.sealing) { this.writeStep(st); continue; }
        } else if (this.writerIdle && !this.sealing) {
          this.writerIdle = false;
          if (this.wantsWrite) { this.wantsWrite = false; engine.wantWrite(false); continue; }
        }
      }
      if (this.inbox) {
        if (st & IO.PEER_CLOSED) { this.inbox = null; continue; } // bytes after close_notify are ignored; wait for EOF
        if (!(st & IO.READ)) {
          this.fail(new WasmTlsError('INTERNAL', `the engine accepts no input in state ${STATE_NAMES[engine.state()]}`));
          return;
        }
      }
      return;
    }
  }

  /**
   * The engine waits for signature verdicts (IO.VERIFY): hand its batch to the asynchronous
   * verifier (all in parallel), feed the verdicts back and pump on. A verifier that rejects or
   * throws gives "cannot" for all (BearSSL verifies them in wasm, never "valid"). A verdict that
   * arrives after close/abort/failure is ignored (the engine is gone).
   */
  verifySignatures() {
    if (this.sigVerifying) return;
    const engine = this.engine;
    const verifier = engine.asyncVerifier;
    const batch = engine.sigBatch();
    this.sigVerifying = true;
    let pending;
    try {
      pending = verifier && batch.length ? Promise.resolve(verifier(batch)) : Promise.resolve([]);
    } catch {
      pending = Promise.resolve([]);
    }
    pending.then((v) => (Array.isArray(v) ? v : []), () => []).then((verdicts) => {
      this.sigVerifying = false;
      if (this.phase === 'done' || this.engine !== engine || engine.freed) return;
      try {
        engine.sigResume(verdicts.slice(0, batch.length));
      } catch (err) {
        this.fail(err instanceof WasmTlsError ? err : new WasmTlsError('INTERNAL', `signature verdicts: ${err?.message ?? err}`, { cause: err }));
        return;
      }
      this.pump();
    });
  }

  /**
   * The engine finished the handshake: the chain, its path to an anchor and the pins were checked
   * in C. The verify hook (if any) decides next; until then nothing the server sent is readable,
   * and neither early data sent again nor a session leaves this object.
   */
  onHandshakeDone() {
    this.phase = 'verifying';
    const handshakeMs = now() - this.t0;
    const negotiated = this.engine.negotiated();
    const resumed = this.engine.resumed();
    // a resumed session was authenticated (chain, pins, verify hook) under this same trust policy
    const sent = resumed ? [] : this.engine.peerChain();
    const path = resumed ? [] : this.engine.verifiedPath();
    const anchorCounts = this.engine.anchorCounts;
    const early = this.options.earlyData ? this.engine.earlyData() : null;
    // the chain copy, the trust anchors and most of the handshake buffer are not needed any more:
    // the engine compacts itself once connected and nothing is pending
    this.engine.takeChain();
    // The display parse of js/x509/x509.js, the SHA-256 fingerprints (wasm's, synchronous) and
    // the anchor's DER (from the `ca` item it came from) are made the first time
    // `peerCertificates` or `verifiedChain` is read.
    const ca = this.ca;
    const wasm = this.wasm;
    const print = (der) => hex(wasm.sha256(der), ':');
    {
      const info = {
        ...negotiated,
        resumed,
        earlyData: early ? (early.status === 'pending' ? 'rejected' : early.status) : null,
        serverName: this.options.serverName,
        peerCertificates: null, // lazy (below), in this key order
        verifiedChain: null,
        timings: { startedAt: this.startedAt, handshakeMs, steps: this.steps },
      };
      defineLazyCertificates(info, () => {
        const peerCertificates = sent.map((der) => describeOrRaw(der, print(der)));
        const verifiedChain = path.map((at) => {
          if ('sent' in at) return peerCertificates[at.sent];
          const der = anchorCertificate(ca, anchorCounts, at.anchor);
          return der ? describeOrRaw(der, print(der)) : null;
        });
        return { peerCertificates, verifiedChain: verifiedChain.filter(Boolean) };
      });
      // the verify hook (js/core/trust.js) decides before `opened` resolves; without one (or
      // resumed) the verdict is the engine's, given now — with early data still to send, one
      // microtask later, outside this pump, so that it is sealed before `opened` resolves
      if ((resumed || !this.options.verify) && !early) { this.onVerdict(info, early); return; }
      (resumed ? Promise.resolve() : applyTrustPolicy(this.options, info)).then(
        () => this.onVerdict(info, early),
        (err) => this.fail(err instanceof WasmTlsError ? err : new WasmTlsError('INTERNAL', String(err), { cause: err })));
    }
  }

  /** The server is accepted: early data the server did not take goes now, then `opened`, sessions, data. */
  onVerdict(info, early) {
    if (this.phase !== 'verifying') return;
    this.phase = 'open';
    clearTimeout(this.timer);
    if (early) {
      // ahead of anything written to `writable`
      const taken = early.status === 'accepted' ? early.sent : 0;
      this.bytesWritten += taken;
      const rest = this.options.earlyData.subarray(taken);
      if (rest.length) this.writes.unshift({ bytes: rest, off: 0 });
      this.pump();
      if (this.phase === 'done') return;
    }
    this.opened.resolve(info);
    // sessions held so far follow `opened`'s reactions and come before data that arrived with them
    // (as Node emits 'session' after 'secureConnect', before 'data')
    if (this.heldSessions.length) queueMicrotask(() => this.flushSessions());
    this.pump();
  }

  onTransportEnd() {
    const engine = this.engine;
    const state = engine.state();
    if (state === STATE.FAILED) { this.fail(engine.error()); return; }
    if (this.phase === 'handshake') {
      this.fail(new WasmTlsError('TRANSPORT_CLOSED',
        `${this.label} closed the connection during the TLS handshake (${WAITING_FOR[state] ?? STATE_NAMES[state]})`,
        { detail: `state ${STATE_NAMES[state]}` }));
      return;
    }
    if (state === STATE.CLOSED) { // close_notify, then FIN: the peer is done sending
      this.peerFinished = true;
      // without allowHalfOpen our side closes too; with it, the app closes `writable` (closeWrite finishes)
      if (this.readEnded && !this.options.allowHalfOpen) this.closeAfterPeer();
      return;
    }
    // No close_notify: the data may be cut short, even after our own close_notify (a half-closed
    // connection still needs the peer's to know it has everything). An app that cancelled the
    // readable does not read any more: then the end is just the end.
    if (this.readCancelled) { this.finish(); return; }
    this.fail(engine.error(engine.eof()));
  }

  onTimeout() {
    if (this.phase === 'open' || this.phase === 'done') return;
    if (this.phase === 'verifying') {
      this.fail(new WasmTlsError('HANDSHAKE_TIMEOUT',
        `TLS handshake timed out after ${this.options.timeoutMs} ms: the verify hook did not decide`, { detail: 'verify hook' }));
      return;
    }
    const ms = this.options.timeoutMs;
    if (this.phase === 'connecting') {
      this.fail(new WasmTlsError('HANDSHAKE_TIMEOUT',
        `TLS handshake timed out after ${ms} ms while connecting to ${this.label}`, { detail: 'connecting' }));
      return;
    }
    const state = this.engine.state();
    this.fail(new WasmTlsError('HANDSHAKE_TIMEOUT',
      `TLS handshake timed out after ${ms} ms ${WAITING_FOR[state] ?? ''} (state ${STATE_NAMES[state]})`.replace('  ', ' '),
      { detail: `state ${STATE_NAMES[state]}` }));
  }

  /* ---------------------------------------------------------------- reading */

  onPull() {
    if (this.pendingReadError && this.queuedBytes() === 0) this.readController.error(this.pendingReadError);
    this.pump();
  }

  /** Bytes waiting in the readable's queue. */
  queuedBytes() {
    return READABLE_HIGH_WATER_MARK - (this.readController.desiredSize ?? READABLE_HIGH_WATER_MARK);
  }

  /** Move the read window into the readable (the pump calls this while it has room). */
  deliver() {
    const chunk = this.engine.takePlaintext();
    this.bytesRead += chunk.length;
    if (!this.readCancelled) this.readController.enqueue(chunk);
  }

  /**
   * The peer finished sending (close_notify): close the readable. Without allowHalfOpen we answer
   * with our close_notify (after pending writes) and finish, as Node's tls and Cloudflare's
   * connect() do; with it, the app closes `writable` itself.
   */
  endReadable() {
    if (this.readEnded) return;
    this.readEnded = true;
    if (!this.readCancelled) try { this.readController.close(); } catch { /* already closed */ }
    this.wake();
    if (this.writeClosed) this.finish();
    else if (this.options.allowHalfOpen) return;
    else if (this.peerFinished) this.closeAfterPeer();
    else {
      this.closeWrite().then(() => this.finish(), () => {});
      try { this.writeController.error(new WasmTlsError('CLOSED', 'the server closed the connection (close_notify)')); } catch { /* closed */ }
    }
  }

  /** The peer sent close_notify and closed the transport: answer with close_notify (best effort) and finish. */
  closeAfterPeer() {
    if (this.phase === 'done') return;
    if (!this.writeClosed) {
      this.writeClosed = true;
      this.engine.close();
      this.transmit(this.takeSend()); // may fail if the peer is gone: ignored once done
    }
    this.finish();
  }

  waitForDemand() {
    return new Promise((resolve) => { this.demand = resolve; });
  }

  wake() {
    const resolve = this.demand;
    this.demand = null;
    resolve?.();
  }

  /* ---------------------------------------------------------------- writing */

  /** Queue one chunk given to the writable; resolves once all its records went to the transport. */
  async writeData(chunk) {
    const bytes = toBytes(chunk);
    await this.opened.promise;
    this.assertWritable();
    if (!bytes.length) return;
    await new Promise((resolve, reject) => {
      this.writes.push({ bytes, off: 0, resolve, reject });
      this.writerIdle = false;
      this.pump();
    });
  }

  /** The pump has app data and no sealed record in flight: seal one record, or open the write window. */
  writeStep(st) {
    const engine = this.engine;
    const w = this.writes[0];
    if (this.writeClosed) {
      this.writes.shift();
      w.reject?.(new WasmTlsError('CLOSED', 'the connection is closing: no more writes'));
      return;
    }
    if (!(st & IO.WRITE)) {
      // a compacted engine keeps a small output area: ask for the large one (once per record)
      if ((st & IO.WANT_WRITE) && !this.asked) { this.asked = this.wantsWrite = true; engine.wantWrite(true); return; }
      this.writes.shift();
      const e = new WasmTlsError('CLOSED', `the connection no longer accepts data (state ${STATE_NAMES[engine.state()]})`);
      if (w.reject) w.reject(e); else this.fail(e);
      return;
    }
    const n = engine.writeRecord(w.off ? w.bytes.subarray(w.off) : w.bytes);
    this.asked = false;
    if (!n) return; // failed: the pump fails the connection (and the writes with it)
    w.off += n;
    this.bytesWritten += n;
    const done = w.off === w.bytes.length;
    if (done) this.writes.shift();
    // the record (and a KeyUpdate after it) goes now; the next is sealed once the transport took it
    this.sealing = true;
    this.transmit(this.takeSend()).then(() => {
      this.sealing = false;
      if (done) w.resolve?.();
      this.pump();
      if (!this.writes.length && !this.sealing) this.writerIdle = true; // given back at the next pump
    }, (err) => {
      this.sealing = false;
      w.reject?.(err);
    });
  }

  /** The send window as a list for transmit() (empty or one chunk). */
  takeSend() {
    const chunk = this.engine.takeSend();
    return chunk ? [chunk] : [];
  }

  assertWritable() {
    if (this.phase === 'done') throw this.error ?? new WasmTlsError('CLOSED', 'the connection is closed');
    if (this.writeClosed) throw new WasmTlsError('CLOSED', 'the connection is closing: no more writes');
  }

  /**
   * Hand records to the transport in order. Resolves when the transport took them.
   * @param {Uint8Array[]} chunks
   */
  transmit(chunks) {
    if (!chunks.length || !this.writer) return Promise.resolve();
    const failed = (err) => {
      const e = asTransportError(err, 'while sending');
      this.fail(e);
      throw this.error ?? e;
    };
    // one chunk (the common case: a flight or a record) without Promise.all's array and promise
    const all = chunks.length === 1 ? this.writer.write(chunks[0]).then(noop, failed)
      : Promise.all(chunks.map((c) => this.writer.write(c))).then(noop, failed);
    all.catch(() => {}); // callers that do not await must not cause unhandled rejections
    return all;
  }

  /** Send close_notify after pending writes and end the transport's writable side. */
  closeWrite() {
    this.closeWriteP ??= (async () => {
      await this.opened.promise.catch(() => {}); // closing before the handshake ends: close_notify once open
      await this.pendingWrite.catch(() => {});
      if (this.phase !== 'open' || this.writeClosed) return;
      this.writeClosed = true;
      const err = this.engine.close();
      const sent = this.transmit(this.takeSend());
      if (err) { const e = this.engine.error(err); this.fail(e); throw e; }
      await sent;
      await this.writer.close().catch(() => {});
      this.writerClosed = true;
      if (this.readEnded) this.finish();
    })();
    return this.closeWriteP;
  }

  /* ---------------------------------------------------------------- ending */

  /** Close both directions; safe to call repeatedly, also after errors. */
  close() {
    this.closing ??= (async () => {
      if (this.phase === 'done') return;
      if (this.phase !== 'open') {
        this.fail(new WasmTlsError('CLOSED', 'the connection was closed before the TLS handshake completed'));
        return;
      }
      await this.closeWrite().catch(() => {});
      this.finish();
      await this.closed.promise.catch(() => {});
    })();
    return this.closing;
  }

  /** The clean end: free the engine and the transport; resolve `closed`. */
  finish() {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.release(quietError('CLOSED', 'the connection is closed'))
      .then(() => this.closed.resolve());
  }

  /** A fatal error: reject `opened` / `closed`, error both streams, free everything. */
  fail(error) {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.error = error;
    this.opened.reject(error);
    // Data already queued stays readable; the error follows once it is consumed.
    if (this.queuedBytes() > 0 && !this.readEnded && !this.readCancelled) this.pendingReadError = error;
    else this.readController.error(error);
    this.release(error).then(() => this.closed.reject(error));
  }

  async release(error) {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    for (const bytes of this.heldSessions.splice(0)) bytes.fill(0); // never published: the verdict failed
    this.opened.reject(error); // no-op once resolved
    try { this.writeController.error(error); } catch { /* already closed */ }
    if (!this.readEnded && !this.error) {
      this.readEnded = true;
      try { this.readController.close(); } catch { /* errored or closed */ }
    }
    for (const w of this.writes.splice(0)) w.reject?.(error);
    this.wake();
    // A fatal alert may still sit in the send window.
    if (this.engine && !this.engine.freed) {
      this.transmit(this.takeSend());
      this.engine.free();
    }
    this.options.key?.fill(0); // the client key's copy (js/core/options.js), whether or not the engine took it
    // Not taken yet: the signal stops a transport that is still connecting (js/index.d.ts
    // TransportFactory), and one that connected (or connects later) is closed as soon as it is there.
    if (!this.transport) {
      this.abortTransport.abort();
      this.transportPromise?.then(closeQuietly, noop);
      return;
    }
    const { reader, writer, transport } = this;
    if (writer && !this.writerClosed) { // flush what is queued (close_notify, a fatal alert), then FIN
      let timer;
      await Promise.race([
        writer.close().catch(() => {}),
        new Promise((resolve) => { timer = setTimeout(resolve, TRANSPORT_CLOSE_GRACE_MS); }),
      ]);
      clearTimeout(timer);
    }
    reader?.cancel().catch(() => {});
    closeQuietly(transport);
  }

  recordEvents() {
    const events = this.engine.takeEvents();
    if (!events.length) return;
    if (this.options.keylog) this.publishKeylog();
    const ms = now() - this.t0;
    for (const ev of events) {
      // the timeline keeps the handshake and the first post-handshake steps, not a step per KeyUpdate forever
      if (this.steps.length < MAX_STEPS) this.steps.push(this.stepOf(ev, ms));
      if (ev.kind === EVENT_KIND.SESSION) this.onSession();
    }
  }

  /** The key log lines of the secrets just derived: to the `keylog` function and as 'keylog' events. */
  publishKeylog() {
    for (const line of this.engine.takeKeylog()) {
      if (typeof this.options.keylog === 'function') {
        try { this.options.keylog(line); } catch { /* a logger's failure is not the connection's */ }
      }
      const event = new Event('keylog');
      event.line = line;
      this.events.dispatchEvent(event);
    }
  }

  onSession() {
    const bytes = this.engine.session();
    if (!bytes) return;
    this.heldSessions.push(bytes);
    if (this.phase === 'open' && this.heldSessions.length === 1) this.flushSessions();
  }

  /** Publish the held sessions (after the verdict; a failed connection wiped them in release()). */
  flushSessions() {
    if (this.error) return;
    for (const bytes of this.heldSessions.splice(0)) this.publishSession(bytes);
  }

  /** @param {Uint8Array} bytes the engine's session encoding (wiped here) */
  publishSession(bytes) {
    this.session = encodeSession(this.policy, bytes);
    bytes.fill(0);
    const event = new Event('session');
    event.session = this.session;
    this.events.dispatchEvent(event);
  }

  /** @returns {Step} */
  stepOf({ dir, kind, type, len }, ms) {
    const step = { name: '', dir, bytes: len, ms };
    switch (kind) {
      case EVENT_KIND.HANDSHAKE: step.name = HANDSHAKE_TYPE_NAMES[type] ?? `handshake(${type})`; break;
      case EVENT_KIND.HRR: step.name = 'HelloRetryRequest'; step.detail = this.engine.wasm.cstring(this.engine.x.wt_group_name_of(type)); break;
      case EVENT_KIND.CCS: step.name = 'ChangeCipherSpec'; break;
      case EVENT_KIND.ALERT: step.name = 'Alert'; step.detail = `${type >> 8 === 2 ? 'fatal' : 'warning'} ${this.engine.alertName(type & 0xff)}`; break;
      case EVENT_KIND.VERIFIED: step.name = 'ChainVerified'; step.bytes = 0; step.detail = `${len} certificate${len === 1 ? '' : 's'}`; break;
      case EVENT_KIND.KEYS: step.name = 'Keys'; step.detail = KEYS_NAMES[type] ?? String(type); break;
      case EVENT_KIND.SESSION: step.name = 'SessionSaved'; break;
      case EVENT_KIND.RESUMED: step.name = 'SessionResumed'; step.bytes = 0; break;
      case EVENT_KIND.EARLY: step.name = 'EarlyData'; step.detail = ['', 'sent', 'accepted', 'rejected'][type] ?? String(type); break;
      default: step.name = `event(${kind})`;
    }
    return step;
  }
}

/** Default anchors are loaded once per runtime hook (the same array each time: its policy digest is cached). */
const defaultAnchorsOf = new WeakMap();
let mozillaRoots = null;

/** @param {(() => Promise<Array<string | Uint8Array>>) | undefined} hook */
function defaultAnchors(hook) {
  if (!hook) {
    mozillaRoots ??= import('../roots.js').then((m) => m.default);
    mozillaRoots.catch(() => { mozillaRoots = null; });
    return mozillaRoots;
  }
  let p = defaultAnchorsOf.get(hook);
  if (!p) {
    p = Promise.resolve(hook()).then((list) => list.map((c) => (typeof c === 'string' ? encoder.encode(c) : c)));
    p.catch(() => defaultAnchorsOf.delete(hook));
    defaultAnchorsOf.set(hook, p);
  }
  return p;
}

/** ": reason" for an abort reason worth printing. */
function reasonOf(reason) {
  if (reason === undefined || (reason instanceof Error && reason.name === 'AbortError')) return '';
  return `: ${reason instanceof Error ? reason.message : String(reason)}`;
}

/**
 * Parse for display (what describeCertificate gives, with the fingerprint already computed); a
 * certificate we cannot parse still gets its DER and fingerprint.
 * @param {Uint8Array} der
 * @param {string} print its fingerprint256
 */
function describeOrRaw(der, print) {
  try {
    return { ...parseCertificate(der), fingerprint256: print };
  } catch (err) {
    return {
      der, subject: '', issuer: '', serialNumber: '', validFrom: new Date(NaN), validTo: new Date(NaN),
      subjectAltNames: [], isCA: false, signatureAlgorithm: '', publicKey: null,
      fingerprint256: print, parseError: err.message,
    };
  }
}

/**
 * `info.peerCertificates` and `info.verifiedChain` as enumerable accessors that run `build` once,
 * on the first read of either, and then hold its values (JSON, spread, structuredClone and
 * assert.deepEqual see plain values, in the same key order). Assigning replaces the value.
 * @param {Record<string, unknown>} info
 * @param {() => { peerCertificates: object[], verifiedChain: object[] }} build
 */
function defineLazyCertificates(info, build) {
  let built = null;
  for (const key of ['peerCertificates', 'verifiedChain']) {
    Object.defineProperty(info, key, {
      enumerable: true, configurable: true,
      get() { built ??= build(); return built[key]; },
      set(value) { Object.defineProperty(info, key, { value, writable: true, enumerable: true, configurable: true }); },
    });
  }
}

/** @param {unknown} chunk */
function toBytes(chunk) {
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('wasmtls: write a Uint8Array, ArrayBuffer(View) or string');
}

function closeQuietly(transport) {
  try { transport.close?.(); } catch { /* ignore */ }
}

/** A promise with its resolvers; rejections are marked handled (the app may never await). */
function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/**
 * A socket that failed before it started (invalid options): same shape, all
 * promises rejected with `error`, both streams errored.
 * @param {WasmTlsError} error
 */
export function failedSocket(error) {
  const opened = deferred();
  const closed = deferred();
  opened.reject(error);
  closed.reject(error);
  return {
    readable: new ReadableStream({ start: (c) => c.error(error) }),
    writable: new WritableStream({ start: (c) => c.error(error) }),
    opened: opened.promise,
    closed: closed.promise,
    close: () => Promise.resolve(),
    bytesRead: 0,
    bytesWritten: 0,
    steps: [],
  };
}
