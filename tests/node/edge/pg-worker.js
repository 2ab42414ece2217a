// A worker (run by workerd in the PostgreSQL test) that opens a plain TCP
// socket to PostgreSQL with `cloudflare:sockets`, sends the SSLRequest, and on
// 'S' starts TLS with wasmtls's upgrade() — trusting only the private CA — then
// runs `SELECT 1`, a query returning several megabytes, and reads pg_stat_ssl.
// Bindings: PG_HOST, PG_PORT, CA_PEM.
import { connect as tcpConnect } from 'cloudflare:sockets';
import { upgrade } from 'wasmtls';
import { sendSslRequest, PgSession, text } from './pg-wire.js';

export default {
  async fetch(request, env) {
    const rows = Number(new URL(request.url).searchParams.get('rows') ?? 4);
    const tcp = tcpConnect({ hostname: env.PG_HOST, port: Number(env.PG_PORT) }, { allowHalfOpen: true });
    await tcp.opened;
    const answer = await sendSslRequest(tcp);
    if (answer !== 'S') return Response.json({ ok: false, answer }, { status: 502 });
    const tls = upgrade(tcp, { serverName: 'localhost', ca: env.CA_PEM });
    try {
      const info = await tls.opened;
      const pg = new PgSession(tls);
      await pg.startup({ user: 'postgres', database: 'postgres' });
      const one = await pg.query('SELECT 1');
      const t0 = Date.now();
      const big = await pg.query(`SELECT repeat('x', 1000000) FROM generate_series(1, ${rows})`);
      const bigMs = Date.now() - t0;
      const allX = big.rows.every(([col]) => col.every((b) => b === 0x78));
      const ssl = await pg.query('SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      await pg.terminate();
      await tls.close();
      return Response.json({
        ok: true,
        tlsVersion: info.version,
        select1: text(one.rows[0][0]),
        select1Tag: one.tag,
        bigTag: big.tag,
        bigLengths: big.rows.map(([col]) => col.length),
        allX,
        bigMs,
        serverSsl: ssl.rows[0].map(text),
        serverVersion: pg.parameters.server_version,
      });
    } catch (err) {
      await tls.close();
      return Response.json({ ok: false, error: { code: err.code, message: err.message } }, { status: 500 });
    }
  },
};
