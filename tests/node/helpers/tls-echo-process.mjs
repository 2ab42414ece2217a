// A Node TLS 1.3 echo server in its own process (so its handshake CPU does not share the
// test's event loop). Run: node tls-echo-process.mjs CHAIN_PEM_FILE KEY_FILE
// Prints "PORT <n>" on stdout once listening on 127.0.0.1; exits when stdin closes.
import fs from 'node:fs';
import tls from 'node:tls';

const [chainFile, keyFile] = process.argv.slice(2);
const server = tls.createServer({
  cert: fs.readFileSync(chainFile), key: fs.readFileSync(keyFile),
  minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3',
}, (sock) => { sock.on('error', () => {}); sock.pipe(sock); });
server.on('tlsClientError', () => {});
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
