/**
 * Transport over a WebSocket to a TCP proxy such as websockify: binary frames
 * carry the raw TCP byte stream in both directions. The proxy decides the TCP
 * target (websockify is started with a fixed one), so the `address` given to
 * connect() only names the server for TLS (SNI, certificate check).
 *
 * Backpressure: where the runtime has WebSocketStream (Chromium), frames are
 * read only when the TLS side asks for more, so a slow reader stops the proxy
 * and, through TCP, the server. With a plain WebSocket, writes wait while
 * `ws.bufferedAmount` is above a high-water mark; reading cannot be paused, so
 * received bytes wait in the readable's queue while the TLS side is busy, and
 * if the reader falls more than MAX_QUEUED_BYTES behind, the transport fails
 * with TRANSPORT_CLOSED instead of growing memory without bound.
 */
import { WasmTlsError } from '../core/errors.js';

const READ_HIGH_WATER_MARK = 256 * 1024;
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
const WRITE_HIGH_WATER_MARK = 256 * 1024;
const DRAIN_POLL_MS = 5;

/**
 * A transport factory for `connect(address, { transport: webSocket(url) })`.
 * @param {string | URL} url  ws:// or wss:// URL of the proxy
 * @param {{ protocols?: string | string[], stream?: boolean }} [options]  protocols: WebSocket
 *   subprotocols (websockify accepts none or 'binary'); stream: false to use a plain WebSocket even
 *   where WebSocketStream exists
 * @returns {(address: { hostname: string, port: number }, opts?: { signal?: AbortSignal }) => Promise<import('../core/connection.js').Transport>}
 */
export function webSocket(url, { protocols, stream = true } = {}) {
  const href = String(url);
  if (!/^wss?:\/\//i.test(href)) throw new TypeError(`wasmtls: webSocket() needs a ws:// or wss:// URL, got ${href}`);
  const useStream = stream && typeof globalThis.WebSocketStream === 'function';
  return (_address, { signal } = {}) => (useStream ? openWebSocketStream : openWebSocket)(href, protocols, signal);
}

/**
 * A WebSocketStream as a transport: pull-based reads (true backpressure).
 * @returns {Promise<import('../core/connection.js').Transport>}
 */
async function openWebSocketStream(url, protocols, signal) {
  if (signal?.aborted) throw new WasmTlsError('CONNECT_FAILED', `connecting to ${url} was aborted`);
  let wss, conn;
  try {
    wss = new globalThis.WebSocketStream(url, { protocols: protocols === undefined ? undefined : [].concat(protocols), signal });
    conn = await wss.opened;
  } catch (err) {
    throw new WasmTlsError('CONNECT_FAILED', `cannot open WebSocket ${url}: ${err?.message ?? err} (is the proxy running?)`,
      { detail: 'websocket', cause: err });
  }
  const closedInfo = wss.closed.then((info) => info, (err) => ({ closeCode: err?.closeCode ?? 1006, reason: err?.reason ?? '' }));
  const closedError = async () => {
    const { closeCode, reason } = await closedInfo;
    return new WasmTlsError('TRANSPORT_CLOSED', `the WebSocket to ${url} closed (code ${closeCode}${reason ? `, ${reason}` : ''})`,
      { detail: `websocket ${closeCode}` });
  };
  const reader = conn.readable.getReader();
  const writer = conn.writable.getWriter();
  const close = () => { try { wss.close({ closeCode: 1000 }); } catch { /* closed */ } };
  const readable = new ReadableStream({
    async pull(controller) {
      let result;
      try { result = await reader.read(); } catch { controller.error(await closedError()); return; }
      if (result.done) { // normal closure = the TCP peer's FIN
        const { closeCode } = await closedInfo;
        if (closeCode === 1000 || closeCode === 1005) controller.close();
        else controller.error(await closedError());
        return;
      }
      if (typeof result.value === 'string') {
        controller.error(new WasmTlsError('TRANSPORT_CLOSED', `the WebSocket proxy ${url} sent a text frame: it must carry binary frames`));
        close();
        return;
      }
      controller.enqueue(new Uint8Array(result.value));
    },
    cancel: close,
  }, { highWaterMark: 0 });
  const writable = new WritableStream({
    async write(chunk) {
      try { await writer.write(chunk); } catch { throw await closedError(); }
    },
    async close() { await writer.ready.catch(() => {}); }, // no half-close on a WebSocket
    abort: close,
  });
  return { readable, writable, close };
}

/**
 * Open a WebSocket and resolve once it is open (CONNECT_FAILED otherwise).
 * @param {string} url
 * @param {string | string[] | undefined} protocols
 * @param {AbortSignal | undefined} signal
 * @returns {Promise<WebSocket>}
 */
export function openSocket(url, protocols, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new WasmTlsError('CONNECT_FAILED', `connecting to ${url} was aborted`)); return; }
    let ws;
    try {
      ws = protocols === undefined ? new WebSocket(url) : new WebSocket(url, protocols);
    } catch (err) {
      reject(new WasmTlsError('CONNECT_FAILED', `cannot open WebSocket ${url}: ${err?.message ?? err}`, { cause: err }));
      return;
    }
    ws.binaryType = 'arraybuffer';
    const onAbort = () => ws.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    const fail = (why) => {
      cleanup();
      reject(new WasmTlsError('CONNECT_FAILED', `cannot open WebSocket ${url}: ${why}`, { detail: 'websocket' }));
    };
    const onError = () => fail('connection error (is the proxy running?)');
    const onClose = (ev) => fail(`closed with code ${ev.code}${ev.reason ? ` (${ev.reason})` : ''}`);
    const onOpen = () => { cleanup(); resolve(ws); };
    function cleanup() {
      signal?.removeEventListener('abort', onAbort);
      ws.removeEventListener('open', onOpen);
      ws.removeEventListener('error', onError);
      ws.removeEventListener('close', onClose);
    }
    ws.addEventListener('open', onOpen);
    ws.addEventListener('error', onError);
    ws.addEventListener('close', onClose);
  });
}

/** @returns {Promise<import('../core/connection.js').Transport>} */
async function openWebSocket(url, protocols, signal) {
  const ws = await openSocket(url, protocols, signal);
  return webSocketStreams(ws, url);
}

/**
 * Web streams over an open WebSocket.
 * @param {WebSocket} ws
 * @param {string} url for messages
 * @returns {import('../core/connection.js').Transport}
 */
function webSocketStreams(ws, url) {
  let readableDone = false;
  /** @type {ReadableStreamDefaultController<Uint8Array>} */
  let controller;
  let closedError = null;

  const readable = new ReadableStream({
    start(c) { controller = c; },
    cancel() { readableDone = true; ws.close(1000); },
  }, { highWaterMark: READ_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength });

  ws.addEventListener('message', (ev) => {
    if (readableDone) return;
    if (typeof ev.data === 'string') {
      readableDone = true;
      controller.error(new WasmTlsError('TRANSPORT_CLOSED', `the WebSocket proxy ${url} sent a text frame: it must carry binary frames`));
      ws.close(1003);
      return;
    }
    const chunk = new Uint8Array(ev.data);
    controller.enqueue(chunk);
    if (READ_HIGH_WATER_MARK - (controller.desiredSize ?? 0) > MAX_QUEUED_BYTES) {
      readableDone = true;
      controller.error(new WasmTlsError('TRANSPORT_CLOSED',
        `more than ${MAX_QUEUED_BYTES} bytes from ${url} are waiting to be read: the reader is too slow`, { detail: 'read buffer limit' }));
      ws.close(1008);
    }
  });
  ws.addEventListener('close', (ev) => {
    closedError = new WasmTlsError('TRANSPORT_CLOSED',
      `the WebSocket to ${url} closed (code ${ev.code}${ev.reason ? `, ${ev.reason}` : ''})`, { detail: `websocket ${ev.code}` });
    if (readableDone) return;
    readableDone = true;
    // A normal closure is the proxy's way to say the TCP peer sent FIN; anything
    // else is a broken transport.
    if (ev.code === 1000 || ev.code === 1005) controller.close();
    else controller.error(closedError);
  });
  ws.addEventListener('error', () => {
    if (readableDone) return;
    readableDone = true;
    controller.error(new WasmTlsError('TRANSPORT_CLOSED', `the WebSocket to ${url} failed`, { detail: 'websocket error' }));
  });

  const writable = new WritableStream({
    async write(chunk) {
      if (ws.readyState !== WebSocket.OPEN) {
        throw closedError ?? new WasmTlsError('TRANSPORT_CLOSED', `the WebSocket to ${url} is closed`);
      }
      ws.send(chunk);
      while (ws.bufferedAmount > WRITE_HIGH_WATER_MARK) {
        if (ws.readyState !== WebSocket.OPEN) {
          throw closedError ?? new WasmTlsError('TRANSPORT_CLOSED', `the WebSocket to ${url} closed while sending`);
        }
        await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      }
    },
    async close() {
      // WebSockets have no half-close: wait for queued bytes, then close.
      while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount > 0) {
        await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      }
    },
    abort() { ws.close(1000); },
  });

  return { readable, writable, close: () => { if (ws.readyState <= WebSocket.OPEN) ws.close(1000); } };
}
