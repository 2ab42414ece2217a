// Loopback TLS servers for the benchmark, run in their own process (bench/run.mjs forks this
// file) so that the client's CPU time (process.cpuUsage) does not include the server's.
//
// Every server speaks the same tiny protocol after the handshake:
//   client sends "D<bytes>\n" → server sends <bytes> bytes, then ends;
//   client sends "U<bytes>\n" then <bytes> bytes → server replies "K" once all arrived, then ends;
//   client sends "d<bytes>\n" → server sends <bytes> bytes and does not end: the client closes
//     (bench/browser.mjs: websockify 0.10 drops data still queued for the client when the target closes);
//   client sends "i0\n" → server sends "<protocol> <IANA suite name>\n" (what it negotiated with this client), then ends.
// A client that only handshakes just closes.
//
// Input (argv[2]): JSON { pki: <getPki() result>, servers: { name: tls.createServer options } };
// options { plain: true }: the same protocol over plain TCP (bench/browser.mjs: transport baseline).
// Output: one line on stdout, JSON { name: port }.
import net from 'node:net';
import tls from 'node:tls';

const { servers } = JSON.parse(process.argv[2]);
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

function serve(sock) {
  let head = Buffer.alloc(0);
  let mode = null;
  let remaining = 0;
  sock.on('error', () => {});
  sock.on('data', (buf) => {
    if (mode === 'U') {
      remaining -= buf.length;
      if (remaining <= 0) { mode = 'done'; sock.end('K'); }
      return;
    }
    if (mode) return;
    head = Buffer.concat([head, buf]);
    const nl = head.indexOf(10);
    if (nl < 0) return;
    mode = String.fromCharCode(head[0]);
    remaining = Number(head.subarray(1, nl).toString('latin1'));
    const rest = head.subarray(nl + 1);
    if (mode === 'D' || mode === 'd') sendDown(sock, remaining, mode === 'D');
    else if (mode === 'i') {
      const c = typeof sock.getCipher === 'function' ? sock.getCipher() : null;
      sock.end(`${sock.getProtocol?.() ?? 'plain'} ${c?.standardName ?? c?.name ?? 'none'}\n`);
    } else if (mode === 'U') {
      remaining -= rest.length;
      if (remaining <= 0) { mode = 'done'; sock.end('K'); }
    } else sock.destroy();
  });
}

function sendDown(sock, total, end) {
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!sock.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) { sock.once('drain', pump); return; }
    }
    if (end) sock.end();
  };
  pump();
}

const ports = {};
for (const [name, options] of Object.entries(servers)) {
  const server = options.plain ? net.createServer(serve) : tls.createServer(options, serve);
  server.on('tlsClientError', () => {});
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  ports[name] = server.address().port;
}
process.stdout.write(JSON.stringify(ports) + '\n');
// Exit when the parent goes away.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
