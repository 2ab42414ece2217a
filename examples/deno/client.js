// wasmtls client example for Deno (also runs unchanged under Bun and Node).
//
//   deno run --allow-read --allow-net client.js HOST:PORT CA.pem [SERVERNAME] [MESSAGE]
//
// Connects with TLS (trusting only CA.pem), sends MESSAGE plus a newline, prints
// the first line of the reply and a JSON summary of the connection on stdout.
import { connect } from 'wasmtls';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const [address, caFile, serverName = 'localhost', message = 'hello from wasmtls'] = args;
if (!address || !caFile) {
  console.error('usage: client.js HOST:PORT CA.pem [SERVERNAME] [MESSAGE]');
  throw new Error('missing arguments');
}
const ca = globalThis.Deno ? await Deno.readTextFile(caFile)
  : globalThis.Bun ? await Bun.file(caFile).text()
  : (await import('node:fs')).readFileSync(caFile, 'utf8');

const socket = connect(address, { ca, serverName, timeoutMs: 10000 });
const info = await socket.opened;
const writer = socket.writable.getWriter();
await writer.write(new TextEncoder().encode(`${message}\n`));

// Read until the first newline.
let reply = '';
const decoder = new TextDecoder();
const reader = socket.readable.getReader();
while (!reply.includes('\n')) {
  const { value, done } = await reader.read();
  if (done) break;
  reply += decoder.decode(value, { stream: true });
}
reader.releaseLock();
writer.releaseLock();
await socket.close();

const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
console.log(JSON.stringify({ runtime, version: info.version, cipher: info.cipher, group: info.group, reply: reply.split('\n')[0] }));
