// Type-checked (not run) by `deno check` in the project where the packed
// tarball was installed: the published declarations of `wasmtls` and
// `wasmtls/node` must accept real usage and reject wrong usage.
import { connect, upgrade, WasmTlsError, type OpenedInfo, type Socket } from 'wasmtls';
import { connectDuplex, duplexFromSocket, upgradeDuplex, type TlsDuplex } from 'wasmtls/node';
import net from 'node:net';

const socket: Socket = connect('127.0.0.1:8443', { ca: '-----BEGIN CERTIFICATE-----', serverName: 'localhost', alpn: ['h2'] });
const info: Promise<OpenedInfo> = socket.opened;
const tls: Socket = upgrade({ readable: new ReadableStream<Uint8Array>(), writable: new WritableStream<Uint8Array>() },
  { serverName: 'db.internal', timeoutMs: 5000 });
// @ts-expect-error serverName is required by upgrade()
upgrade({ readable: new ReadableStream<Uint8Array>(), writable: new WritableStream<Uint8Array>() }, { ca: 'x' });
// @ts-expect-error upgrade() takes no transport
upgrade({ readable: new ReadableStream<Uint8Array>(), writable: new WritableStream<Uint8Array>() }, { serverName: 'x', transport: 'tcp' });

// sessions, client certificates, KeyUpdate
socket.addEventListener('session', (ev) => { const saved: string = ev.session; return saved; });
const saved: string | null = socket.session;
const again: Socket = connect('127.0.0.1:8443', { session: saved, cert: 'PEM', key: 'PEM', keyUpdateAfterBytes: 1 << 20 });
again.opened.then((o) => { const r: boolean = o.resumed; return r; });
// @ts-expect-error a session is a string
connect('127.0.0.1:8443', { session: 42 });

const duplex: TlsDuplex = connectDuplex({ hostname: '127.0.0.1', port: 8443 });
duplex.on('session', (s: string) => s.length);
duplex.on('secureConnect', (opened: OpenedInfo) => opened.version.length);
const fromSocket: TlsDuplex = duplexFromSocket(tls);
const upgraded: TlsDuplex = upgradeDuplex(new net.Socket(), { serverName: 'db.internal' });
const err = new WasmTlsError('UNKNOWN_CA', 'no');
// @ts-expect-error codes are a closed set
new WasmTlsError('NOT_A_CODE', 'no');
export { info, fromSocket, upgraded, err };
