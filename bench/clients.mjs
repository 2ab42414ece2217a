// One adapter per TLS client measured by the benchmark. Each adapter offers
//   open(port, { version })  → a connection with .opened (Promise), .close()
//   download(port, bytes, o) → resolves when all bytes arrived
//   upload(port, bytes, o)   → resolves when the server acknowledged all bytes
// where `version` is 'TLSv1.3' or 'TLSv1.2'. All connect to 127.0.0.1 with SNI "localhost".
import net from 'node:net';
import tls from 'node:tls';

const CHUNK = 64 * 1024;
const enc = new TextEncoder();

// ---- wasmtls -------------------------------------------------------------------------------
export async function wasmtlsClient(pki, extra = {}) {
  const { connect } = await import('../js/index.node.js');
  const base = (version) => ({ serverName: 'localhost', ca: pki.rootPem, minVersion: version, maxVersion: version, ...extra });
  const open = (port, { version = 'TLSv1.3', session } = {}) => {
    const sock = connect({ hostname: '127.0.0.1', port }, { ...base(version), session });
    return {
      opened: sock.opened,
      sock,
      ticket: () => sock.session,
      async close() { await sock.close().catch(() => {}); await sock.closed.catch(() => {}); },
    };
  };
  return {
    name: 'wasmtls',
    open,
    async download(port, bytes, o) {
      const { sock } = open(port, o);
      const info = await sock.opened;
      if (o?.cipher && !info.cipher.includes(o.cipher)) throw new Error(`negotiated ${info.cipher}, expected ${o.cipher}`);
      const w = sock.writable.getWriter();
      await w.write(enc.encode(`D${bytes}\n`));
      const r = sock.readable.getReader();
      let got = 0;
      for (;;) {
        const { value, done } = await r.read();
        if (done) break;
        got += value.length;
      }
      w.releaseLock(); r.releaseLock();
      await sock.close().catch(() => {});
      if (got !== bytes) throw new Error(`wasmtls download: got ${got} of ${bytes}`);
    },
    async upload(port, bytes, o) {
      const { sock } = open(port, o);
      await sock.opened;
      const w = sock.writable.getWriter();
      await w.write(enc.encode(`U${bytes}\n`));
      const block = new Uint8Array(CHUNK).fill(0x62);
      for (let left = bytes; left > 0; left -= CHUNK) await w.write(left >= CHUNK ? block : block.subarray(0, left));
      const r = sock.readable.getReader();
      const { value } = await r.read();
      w.releaseLock(); r.releaseLock();
      await sock.close().catch(() => {});
      if (!value || value[0] !== 0x4b) throw new Error('wasmtls upload: no acknowledgement');
    },
  };
}

// ---- Node tls (OpenSSL) --------------------------------------------------------------------
export async function nodeTlsClient(pki) {
  const open = (port, { version = 'TLSv1.3', session } = {}) => {
    const sock = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem,
      minVersion: version, maxVersion: version, session });
    let ticket = null;
    sock.on('session', (s) => { ticket = s; });
    sock.on('error', () => {});
    const opened = new Promise((resolve, reject) => {
      sock.once('secureConnect', () => resolve({ resumed: sock.isSessionReused() }));
      sock.once('error', reject);
    });
    return {
      opened,
      sock,
      ticket: () => ticket,
      close() {
        return new Promise((resolve) => { sock.once('close', resolve); sock.end(); setTimeout(() => sock.destroy(), 50).unref(); });
      },
    };
  };
  return {
    name: 'node:tls',
    open,
    async download(port, bytes, o) {
      const { sock, opened } = open(port, o);
      await opened;
      sock.write(`D${bytes}\n`);
      let got = 0;
      await new Promise((resolve, reject) => {
        sock.on('data', (b) => { got += b.length; });
        sock.on('end', resolve);
        sock.on('error', reject);
      });
      sock.destroy();
      if (got !== bytes) throw new Error(`node download: got ${got} of ${bytes}`);
    },
    async upload(port, bytes, o) {
      const { sock, opened } = open(port, o);
      await opened;
      const ack = new Promise((resolve, reject) => {
        sock.once('data', resolve);
        sock.once('error', reject);
      });
      sock.write(`U${bytes}\n`);
      const block = Buffer.alloc(CHUNK, 0x62);
      for (let left = bytes; left > 0; left -= CHUNK) {
        if (!sock.write(left >= CHUNK ? block : block.subarray(0, left))) await new Promise((r) => sock.once('drain', r));
      }
      const b = await ack;
      sock.destroy();
      if (b[0] !== 0x4b) throw new Error('node upload: no acknowledgement');
    },
  };
}

// ---- subtls (pure JS TLS 1.3 on WebCrypto) -------------------------------------------------
/**
 * A TCP socket as subtls wants it: read(n, mode) → exactly n bytes (fewer at EOF; mode 1 = peek,
 * the bytes stay buffered), write(bytes).
 */
function tcpTransport(port) {
  const sock = net.connect({ host: '127.0.0.1', port, noDelay: true });
  const chunks = [];
  let buffered = 0;
  let ended = false;
  let waiter = null;
  const wake = () => { if (waiter) { const w = waiter; waiter = null; w(); } };
  sock.on('data', (b) => { chunks.push(b); buffered += b.length; wake(); });
  sock.on('end', () => { ended = true; wake(); });
  sock.on('error', () => { ended = true; wake(); });
  const connected = new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  async function read(n, mode) {
    while (buffered < n && !ended) await new Promise((r) => { waiter = r; });
    if (buffered === 0) return undefined;
    const take = Math.min(n, buffered);
    const out = new Uint8Array(take);
    let off = 0;
    for (let i = 0; off < take; i++) {
      const c = chunks[i];
      const k = Math.min(c.length, take - off);
      out.set(c.subarray(0, k), off);
      off += k;
    }
    if (mode !== 1) {
      for (let left = take; left > 0;) {
        const c = chunks[0];
        if (c.length <= left) { chunks.shift(); left -= c.length; } else { chunks[0] = c.subarray(left); left = 0; }
      }
      buffered -= take;
    }
    return out;
  }
  const write = (bytes) => { sock.write(bytes); };
  return { sock, connected, read, write };
}

export async function subtlsClient(pki) {
  const subtls = await import('subtls/index.js');
  const roots = await subtls.TrustedCert.databaseFromPEM(pki.rootPem);
  const open = (port, { version = 'TLSv1.3' } = {}) => {
    if (version !== 'TLSv1.3') throw new Error('subtls speaks TLS 1.3 only');
    const t = tcpTransport(port);
    const conn = t.connected.then(() => subtls.startTls('localhost', roots, t.read, t.write));
    return {
      // startTls resolves once the server's Finished is verified; the client Finished goes out
      // with the first write, so the handshake is completed here by writing nothing extra.
      opened: conn,
      conn,
      t,
      close() { t.sock.destroy(); return Promise.resolve(); },
    };
  };
  return {
    name: 'subtls',
    open,
    async download(port, bytes, o) {
      const { conn, t } = open(port, o);
      const c = await conn;
      await c.write(enc.encode(`D${bytes}\n`));
      let got = 0;
      for (;;) {
        const b = await c.read();
        if (!b) break;
        got += b.length;
        if (got >= bytes) break;
      }
      t.sock.destroy();
      if (got !== bytes) throw new Error(`subtls download: got ${got} of ${bytes}`);
    },
    async upload(port, bytes, o) {
      const { conn, t } = open(port, o);
      const c = await conn;
      await c.write(enc.encode(`U${bytes}\n`));
      // subtls seals whatever it is given as one or more records; give it 16 KiB at a time.
      const block = new Uint8Array(16384).fill(0x62);
      for (let left = bytes; left > 0; left -= block.length) {
        await c.write(left >= block.length ? block : block.subarray(0, left));
        if (t.sock.writableLength > 1 << 20) await new Promise((r) => t.sock.once('drain', r));
      }
      const b = await c.read();
      t.sock.destroy();
      if (!b || b[0] !== 0x4b) throw new Error('subtls upload: no acknowledgement');
    },
  };
}

// ---- node-forge (pure JS; TLS 1.0/1.1, RSA key exchange, AES-CBC) --------------------------
export async function forgeClient() {
  const forge = (await import('node-forge')).default;
  const open = (port) => {
    const sock = net.connect({ host: '127.0.0.1', port, noDelay: true });
    let onData = () => {};
    let resolveOpen, rejectOpen, resolveClosed;
    const opened = new Promise((res, rej) => { resolveOpen = res; rejectOpen = rej; });
    const closed = new Promise((res) => { resolveClosed = res; });
    const client = forge.tls.createConnection({
      server: false,
      cipherSuites: [forge.tls.CipherSuites.TLS_RSA_WITH_AES_128_CBC_SHA],
      virtualHost: 'localhost',
      // forge verifies RSA signatures only; the test chain is signed with ECDSA P-256, so
      // certificate verification is switched off for forge (its handshake CPU excludes it).
      verify: () => true,
      connected: () => resolveOpen({ version: 'TLSv1.1' }),
      tlsDataReady: (c) => { sock.write(Buffer.from(c.tlsData.getBytes(), 'binary')); },
      dataReady: (c) => onData(c.data.getBytes()),
      closed: () => resolveClosed(),
      error: (_c, e) => rejectOpen(new Error(e.message)),
    });
    sock.on('connect', () => client.handshake());
    sock.on('data', (b) => client.process(b.toString('binary')));
    sock.on('error', (e) => rejectOpen(e));
    sock.on('close', () => { rejectOpen(new Error('closed')); resolveClosed(); });
    return {
      opened,
      client,
      sock,
      setOnData(f) { onData = f; },
      close() { client.close(); sock.end(); setTimeout(() => sock.destroy(), 50).unref(); return closed; },
    };
  };
  return {
    name: 'node-forge',
    open,
    async download(port, bytes) {
      const c = open(port);
      await c.opened;
      let got = 0;
      const done = new Promise((resolve) => {
        c.setOnData((s) => { got += s.length; if (got >= bytes) resolve(); });
        c.sock.on('close', resolve);
      });
      c.client.prepare(`D${bytes}\n`);
      await done;
      c.sock.destroy();
      if (got !== bytes) throw new Error(`forge download: got ${got} of ${bytes}`);
    },
    async upload(port, bytes) {
      const c = open(port);
      await c.opened;
      const ack = new Promise((resolve) => c.setOnData(resolve));
      c.client.prepare(`U${bytes}\n`);
      const block = 'b'.repeat(16384);
      for (let left = bytes; left > 0; left -= block.length) {
        c.client.prepare(left >= block.length ? block : block.slice(0, left));
        if (c.sock.writableLength > 1 << 20) await new Promise((r) => c.sock.once('drain', r));
      }
      const s = await ack;
      c.sock.destroy();
      if (s[0] !== 'K') throw new Error('forge upload: no acknowledgement');
    },
  };
}
