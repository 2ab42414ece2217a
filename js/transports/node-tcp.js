/**
 * The default Node transport: a node:net TCP socket as a pair of web streams,
 * with backpressure both ways (pause/resume on reads, 'drain' on writes).
 */
import { WasmTlsError, asTransportError } from '../core/errors.js';
import { formatAddress } from '../core/address.js';

const READ_HIGH_WATER_MARK = 64 * 1024;

/** node:net, loaded on the first connection: importing it costs ~3 ms of cold start (docs/PERFORMANCE.md). */
let net = null;

/**
 * Open a TCP connection.
 * @param {{ hostname: string, port: number }} address
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {Promise<import('../core/connection.js').Transport>}
 */
export function nodeTcpTransport(address, { signal } = {}) {
  const label = formatAddress(address);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new WasmTlsError('CONNECT_FAILED', `connecting to ${label} was aborted`)); return; }
    net ??= process.getBuiltinModule('node:net');
    const socket = net.connect({ host: address.hostname, port: address.port, allowHalfOpen: true });
    socket.setNoDelay(true);
    const onAbort = () => socket.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    const onConnectError = (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new WasmTlsError('CONNECT_FAILED', `cannot connect to ${label}: ${err.code ?? err.message}`,
        { detail: err.code, cause: err }));
    };
    socket.once('error', onConnectError);
    socket.once('close', () => onConnectError(Object.assign(new Error('socket closed'), { code: 'ECONNABORTED' })));
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      signal?.removeEventListener('abort', onAbort);
      resolve(socketStreams(socket));
    });
  });
}

/**
 * A connected node:net (or any net.Socket-like) socket as a Transport; used
 * by nodeTcpTransport and by wasmtls/node's upgradeDuplex (STARTTLS).
 *
 * Besides `readable` / `writable` (web streams, made on first access) it offers `direct()`: a
 * reader and a writer with the methods the connection uses (read/cancel, write/close), straight
 * on the socket's events, with the same backpressure (pause above READ_HIGH_WATER_MARK queued
 * bytes), the same errors and the same end. It saves the connection two stream constructions and
 * a promise chain per chunk (docs/PERFORMANCE.md). A transport is read one way: after direct(),
 * `readable` and `writable` throw, and the other way round.
 * @param {import('node:net').Socket} socket
 */
export function socketStreams(socket) {
  let mode = null;   // 'direct' | 'streams'
  let streams = null;
  // no 'data' is lost before the reader is chosen (STARTTLS hands over a flowing socket): the
  // socket holds it until direct() or the readable's pull resumes it
  socket.pause();
  const take = (m) => {
    if (mode && mode !== m) throw new TypeError('wasmtls: this transport is already read through ' + (mode === 'direct' ? 'direct()' : 'its streams'));
    mode = m;
  };
  return {
    get readable() { take('streams'); streams ??= webStreams(socket); return streams.readable; },
    get writable() { take('streams'); streams ??= webStreams(socket); return streams.writable; },
    direct() { take('direct'); return directPair(socket); },
    close: () => socket.destroy(),
  };
}

/** write(chunk): resolves once the socket took it (at once, or at 'drain'); the errors of both paths. */
function writeChunk(socket, chunk) {
  return new Promise((resolve, reject) => {
    if (socket.destroyed || socket.writableEnded) {
      reject(new WasmTlsError('TRANSPORT_CLOSED', 'the TCP connection is closed'));
      return;
    }
    const flushed = socket.write(chunk, (err) => {
      if (err) reject(asTransportError(err, 'while sending'));
    });
    if (flushed) { resolve(); return; }
    const onClose = () => reject(new WasmTlsError('TRANSPORT_CLOSED', 'the TCP connection closed while sending'));
    socket.once('close', onClose);
    socket.once('drain', () => { socket.off('close', onClose); resolve(); });
  });
}

/** end(): FIN after what is queued; resolves when done or the socket is gone. */
function endSocket(socket) {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.writableEnded) { resolve(); return; }
    socket.end(resolve);
    socket.once('close', resolve);
  });
}

/** The reader/writer pair of socketStreams().direct(). */
function directPair(socket) {
  const queue = [];          // chunks not read yet
  let queued = 0;            // their bytes
  let ended = false;         // 'end' seen: read() gives done once the queue is empty
  let failure = null;        // an error: read() rejects with it once the queue is empty
  let done = false;          // cancelled, or the end/error was delivered
  let waiting = null;        // { resolve, reject } of a read() that found nothing
  let paused = false;        // we paused the socket (backpressure)
  const resume = () => { if (paused) { paused = false; socket.resume(); } };
  /** The next read's outcome — a chunk, the end or `{ error }` — or null while there is none yet. */
  const next = () => {
    if (queue.length) {
      const value = queue.shift();
      queued -= value.byteLength;
      if (queued < READ_HIGH_WATER_MARK) resume();
      return { value, done: false };
    }
    if (!failure && !ended) return null;
    done = true;
    return failure ? { error: failure } : { value: undefined, done: true };
  };
  /** Answer a read() that found nothing, once there is something. */
  const settle = () => {
    const r = waiting && next();
    if (!r) return;
    const w = waiting;
    waiting = null;
    if (r.error) w.reject(r.error); else w.resolve(r);
  };
  const finish = (err) => {
    if (ended || failure || done) return;
    if (err) failure = err; else ended = true;
    settle();
  };
  socket.on('data', (buf) => {
    if (ended || failure || done) return;
    queue.push(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    queued += buf.byteLength;
    if (queued >= READ_HIGH_WATER_MARK && !paused) { paused = true; socket.pause(); }
    settle();
  });
  socket.on('end', () => finish(null));
  socket.on('error', (err) => finish(asTransportError(err, 'while receiving')));
  socket.on('close', () => finish(new WasmTlsError('TRANSPORT_CLOSED', 'the TCP connection closed')));
  const reader = {
    read() {
      if (done) return Promise.resolve({ value: undefined, done: true });
      if (waiting) return Promise.reject(new TypeError('wasmtls: one read() at a time'));
      const r = next();
      if (r) return r.error ? Promise.reject(r.error) : Promise.resolve(r);
      resume();
      return new Promise((resolve, reject) => { waiting = { resolve, reject }; });
    },
    cancel() {
      done = true;
      queue.length = 0;
      queued = 0;
      if (waiting) { const w = waiting; waiting = null; w.resolve({ value: undefined, done: true }); }
      socket.destroy();
      return Promise.resolve();
    },
  };
  const writer = {
    write: (chunk) => writeChunk(socket, chunk),
    close: () => endSocket(socket),
  };
  socket.resume();   // held by socketStreams() until now
  return { reader, writer };
}

/** The socket as web streams (socketStreams().readable / .writable). */
function webStreams(socket) {
  let readableDone = false;
  const readable = new ReadableStream({
    start(controller) {
      socket.on('data', (buf) => {
        if (readableDone) return;
        controller.enqueue(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
        if (controller.desiredSize <= 0) socket.pause();
      });
      socket.on('end', () => {
        if (readableDone) return;
        readableDone = true;
        controller.close();
      });
      socket.on('error', (err) => {
        if (readableDone) return;
        readableDone = true;
        controller.error(asTransportError(err, 'while receiving'));
      });
      socket.on('close', () => {
        if (readableDone) return;
        readableDone = true;
        controller.error(new WasmTlsError('TRANSPORT_CLOSED', 'the TCP connection closed'));
      });
    },
    pull() { socket.resume(); },
    cancel() { readableDone = true; socket.destroy(); },
  }, { highWaterMark: READ_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength });

  const writable = new WritableStream({
    write: (chunk) => writeChunk(socket, chunk),
    close: () => endSocket(socket),
    abort() { socket.destroy(); },
  });

  return { readable, writable };
}
