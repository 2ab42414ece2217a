// `deno check` input for tests/node/neon.test.mjs: the driver's calls typed against js/subtls.d.ts.
import { TrustedCert, WebSocketReadQueue, startTls, ReadMode, WasmTlsError } from 'wasmtls/subtls';
import type { StartTlsResult } from 'wasmtls/subtls';

const db = await TrustedCert.databaseFromPEM('-----BEGIN CERTIFICATE-----\n…');
declare const ws: WebSocket;
const queue = new WebSocketReadQueue(ws);
const head: Uint8Array | undefined = await queue.read(5, ReadMode.PEEK);
const tls: StartTlsResult = await startTls('db.example', db, queue.read.bind(queue), (data: Uint8Array) => ws.send(data),
  { useSNI: true, expectPreData: new Uint8Array([0x53]), wasmtls: { alpn: ['postgresql'], minVersion: 'TLSv1.3' } });
const chunk: Uint8Array | undefined = await tls.read();
await tls.write(new TextEncoder().encode('x'));
const version: string = (await tls.opened).version;
try { await tls.close(); } catch (err) { if (err instanceof WasmTlsError) console.log(err.code); }
// @ts-expect-error the database comes from TrustedCert (or is PEM text), not a number
await startTls('db.example', 42, queue.read.bind(queue), () => {});
console.log(head, chunk, version);
