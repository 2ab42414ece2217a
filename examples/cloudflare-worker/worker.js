// A Cloudflare Worker that talks TLS to a server with a private CA through
// wasmtls (over a plain `cloudflare:sockets` TCP socket), sends one line and
// returns the first line of the reply plus what was negotiated, as JSON.
//
// Configuration (wrangler.toml [vars] / secrets, or workerd bindings):
//   TARGET       "host:port" of the TLS server
//   CA_PEM       the private CA certificate (PEM) that the server's chain must reach
//   SERVER_NAME  name to send as SNI and to check in the certificate (default: host of TARGET)
// Request: GET /?message=text   (default message: "hello from a worker")
import { connect, WasmTlsError } from 'wasmtls';

export default {
  async fetch(request, env) {
    const message = new URL(request.url).searchParams.get('message') ?? 'hello from a worker';
    const socket = connect(env.TARGET, {
      ca: env.CA_PEM,
      serverName: env.SERVER_NAME || undefined,
      timeoutMs: 10000,
    });
    try {
      const info = await socket.opened;
      const writer = socket.writable.getWriter();
      await writer.write(new TextEncoder().encode(`${message}\n`));
      writer.releaseLock();
      const reply = await readLine(socket.readable);
      await socket.close();
      return Response.json({
        ok: true,
        reply,
        version: info.version,
        cipher: info.cipher,
        group: info.group,
        serverName: info.serverName,
        peer: info.peerCertificates[0]?.subject ?? null,
        handshakeMs: Math.round(info.timings.handshakeMs),
      });
    } catch (err) {
      await socket.close();
      const code = err instanceof WasmTlsError ? err.code : 'INTERNAL';
      return Response.json({ ok: false, error: { code, message: err.message } }, { status: 502 });
    }
  },
};

/** The first line of the stream (without the newline). */
async function readLine(readable) {
  const reader = readable.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text.split('\n')[0];
}
