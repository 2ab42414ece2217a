// workerd: a TLS handshake through wasmtls whose signatures are verified by WebCrypto (the workerd
// entry installs the asynchronous verifier). crypto.subtle.verify is wrapped to count its calls
// and their results, so the reply shows which path verified; ?native=0 turns it off per connection.
import { connect, WasmTlsError } from 'wasmtls';

const seen = [];
const subtle = globalThis.crypto.subtle;
const verify = subtle.verify.bind(subtle);
let wrapped = true;
try {
  subtle.verify = async (...args) => { const ok = await verify(...args); seen.push({ alg: args[0]?.name, ok }); return ok; };
} catch {
  wrapped = false;
}

export default {
  async fetch(request, env) {
    const nativeVerify = new URL(request.url).searchParams.get('native') !== '0';
    seen.length = 0;
    const socket = connect(env.TARGET, { ca: env.CA_PEM, serverName: env.SERVER_NAME, timeoutMs: 10000, nativeVerify });
    try {
      const info = await socket.opened;
      await socket.close();
      return Response.json({ ok: true, version: info.version, wrapped, verified: seen.slice() });
    } catch (err) {
      await socket.close();
      return Response.json({ ok: false, error: { code: err instanceof WasmTlsError ? err.code : 'INTERNAL', message: err.message } }, { status: 502 });
    }
  },
};
