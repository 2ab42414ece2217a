// A Cloudflare worker (run by workerd in tests/node/neon.test.mjs): the Neon driver with
// wasmtls/subtls, its WebSocket to websockify unencrypted, PostgreSQL's TLS inside it.
// Bindings: WS_PORT, PG_PORT, CA_PEM. ?host= names the server (default localhost).
// workerd has no package resolution: the driver is embedded as ./neon-driver.mjs and the
// shim by its path in the installed package (its own `import 'wasmtls'` is the workerd entry).
import { neonConfig, Client } from './neon-driver.mjs';
import * as subtls from './node_modules/wasmtls/js/subtls.js';
import * as wasmtls from 'wasmtls';

export default {
  async fetch(request, env) {
    const host = new URL(request.url).searchParams.get('host') ?? 'localhost';
    neonConfig.subtls = subtls;
    neonConfig.wsProxy = () => `127.0.0.1:${env.WS_PORT}/`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.forceDisablePgSSL = false;
    neonConfig.pipelineConnect = false;
    neonConfig.rootCerts = env.CA_PEM;
    const sameEntry = subtls.WasmTlsError === wasmtls.WasmTlsError;
    const client = new Client(`postgresql://postgres@${host}:${env.PG_PORT}/postgres?sslmode=verify-full`);
    try {
      await client.connect();
    } catch (err) {
      return Response.json({ error: { name: err.name, code: err.code, message: err.message }, sameEntry });
    }
    try {
      const { rows } = await client.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      return Response.json({ rows, sameEntry });
    } finally {
      await client.end();
    }
  },
};
