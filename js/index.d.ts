// Type declarations shared by every runtime entry of `wasmtls` (index.node.js, index.deno.js,
// index.bun.js, index.workerd.js, index.browser.js). Each entry has its own declaration file next to
// it (index.<runtime>.d.ts: package.json's export conditions lead TypeScript there), which re-exports
// this and adds what only that entry has. No DOM lib needed: the web globals used here (streams,
// AbortSignal, Event, URL) are merged, as empty interfaces, with whatever lib or @types/node defines
// them, and WebAssembly.Module is taken from the global only when one is declared.

declare global {
  // Empty on purpose: they merge with lib.dom / @types/node / Deno's and Bun's types when present.
  interface ReadableStream<R = any> {}
  interface WritableStream<W = any> {}
  interface AbortSignal {}
  interface Event {}
  interface URL {}
}

/** A compiled `WebAssembly.Module` where the environment declares one (else never matches anything but itself). */
export type WasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : { readonly __noWebAssemblyModule: never };


/** Engine error codes (src/wt_error.h), stable. */
export type EngineErrorCode =
  | 'BAD_ARGUMENT' | 'INTERNAL' | 'RNG_FAILURE' | 'BUFFER_TOO_SMALL' | 'DECODE_ERROR'
  | 'UNEXPECTED_MESSAGE' | 'BAD_RECORD_MAC' | 'RECORD_OVERFLOW' | 'ILLEGAL_PARAMETER'
  | 'HANDSHAKE_FAILURE' | 'PROTOCOL_VERSION' | 'NO_SHARED_CIPHER' | 'MISSING_EXTENSION'
  | 'UNSUPPORTED_EXTENSION' | 'BAD_SIGNATURE' | 'BAD_FINISHED' | 'NO_APPLICATION_PROTOCOL'
  | 'PEER_ALERT' | 'TRUNCATED' | 'CLOSED' | 'CERT_EXPIRED' | 'CERT_NOT_YET_VALID' | 'UNKNOWN_CA'
  | 'MISSING_INTERMEDIATE' | 'HOSTNAME_MISMATCH' | 'BAD_CERTIFICATE' | 'WEAK_CERTIFICATE'
  | 'UNSUPPORTED_CERTIFICATE' | 'CERT_REVOKED' | 'PIN_MISMATCH' | 'CERTIFICATE_REQUIRED'
  | 'EMPTY_CHAIN' | 'CERT_PURPOSE' | 'NAME_CONSTRAINTS' | 'TOO_MANY_MESSAGES' | 'SEQUENCE_LIMIT'
  | 'VERIFY_BUDGET';

/** Codes raised by the JS layer. */
export type JsErrorCode = 'HANDSHAKE_TIMEOUT' | 'TRANSPORT_CLOSED' | 'CONNECT_FAILED' | 'INVALID_OPTION' | 'ABORTED';

export type WasmTlsErrorCode = EngineErrorCode | JsErrorCode;

/** Every failure surfaced by wasmtls. */
export class WasmTlsError extends Error {
  constructor(code: WasmTlsErrorCode, message: string, extra?: { detail?: string; alert?: string; hint?: string; cause?: unknown });
  readonly name: 'WasmTlsError';
  /** Stable machine-readable code. */
  readonly code: WasmTlsErrorCode;
  /** Specifics from the engine or the OS (e.g. "ECONNREFUSED", the failing state). */
  readonly detail?: string;
  /** Name of the TLS alert the peer sent (e.g. "handshake_failure"), for PEER_ALERT. */
  readonly alert?: string;
  /** A short suggestion of what to check. */
  readonly hint?: string;
}

/** Hints by error code. */
export const HINTS: Readonly<Partial<Record<WasmTlsErrorCode, string>>>;

/** A byte-stream transport (e.g. TCP) the TLS connection runs over. */
export interface Transport {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  close?(): void;
}

export interface Address {
  hostname: string;
  port: number;
}

/** Opens a transport to `address`; should stop connecting when `signal` aborts. */
export type TransportFactory = (address: Address, options: { signal?: AbortSignal }) => Promise<Transport>;

/** The options every entry's connect() and upgrade() take (connect()'s `transport` is per entry). */
export interface CommonOptions {
  /** Name for SNI and the certificate check. Default: the address hostname. IP literals are checked against IP SANs. */
  serverName?: string;
  /** Trust anchors: PEM text (one or more certificates) or DER bytes, or an array of them. Replaces the defaults; without it the bundled Mozilla roots (`wasmtls/roots`) are loaded on demand. For both: `ca: [...roots, myPem]`. */
  ca?: string | Uint8Array | ArrayBuffer | Array<string | Uint8Array | ArrayBuffer>;
  /** ALPN protocols to offer, in order of preference. */
  alpn?: string[];
  /** Handshake timeout in milliseconds (including the TCP connect). Default 30000; Infinity disables it. */
  timeoutMs?: number;
  /** Tests only: accept any certificate and name. Prints a warning once. */
  insecureSkipVerify?: boolean;
  /** Client certificate chain (PEM, leaf first, or one DER certificate), for servers that ask (mutual TLS). Needs `key`. */
  cert?: string | Uint8Array | ArrayBuffer;
  /** Private key for `cert`: PEM or DER — PKCS#8, SEC1 EC (P-256/P-384) or PKCS#1 RSA (2048–4096), unencrypted. */
  key?: string | Uint8Array | ArrayBuffer;
  /** Lowest protocol version to accept. Default 'TLSv1.2'. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Highest protocol version to offer. Default 'TLSv1.3'. */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /**
   * Key-exchange groups in preference order (supported_groups; the first is the initial key share).
   * Default ['X25519MLKEM768', 'x25519', 'secp256r1', 'secp384r1']. X25519MLKEM768 is TLS 1.3 only.
   * Unknown or repeated names: INVALID_OPTION.
   */
  groups?: Array<'X25519MLKEM768' | 'x25519' | 'secp256r1' | 'secp384r1'>;
  /**
   * Verify the server's signatures (CertificateVerify / ServerKeyExchange, the chain, OCSP) with the runtime's
   * native crypto: node:crypto in Node, Bun and Deno; WebCrypto (the handshake waits for crypto.subtle.verify)
   * in browsers and workerd. What it cannot verify, or everything with false, BearSSL in wasm verifies. Both
   * give the same verdicts. Default true. (Node: WASMTLS_NATIVE_VERIFY=0 turns it off for the process.)
   */
  nativeVerify?: boolean;
  /**
   * Record protection (AES-GCM, ChaCha20-Poly1305) on the runtime's own AEAD: `node:crypto` in Node, Bun
   * and Deno (OpenSSL's constant-time code, 3-4x the wasm SIMD AEAD), after a known-answer test per
   * algorithm; the record layer (framing, sequence numbers, nonces, key schedule) stays in wasm, and the
   * traffic keys are copied to the runtime (zeroed on key change and close). Browsers and workerd: wasm
   * always. Default true; false: the wasm AEAD only. (Node: WASMTLS_NATIVE_CIPHER=0 turns it off for the process.)
   */
  nativeCipher?: boolean;
  /** SPKI SHA-256 pins (base64, 44 characters): one certificate of the verified path must match, else PIN_MISMATCH. */
  pins?: string | string[];
  /**
   * Custom policy after the engine verified the chain, before `opened` resolves: return false or throw
   * to refuse. `chain` is the verified path (leaf → trust anchor); `info.sentCertificates` what the
   * server sent.
   */
  verify?: (chain: PeerCertificate[], info: OpenedInfo & { sentCertificates: PeerCertificate[] }) => boolean | void | Promise<boolean | void>;
  /**
   * false (default, like Cloudflare's connect()): when the server sends close_notify, wasmtls answers
   * with its own and `closed` settles. true: the writable stays open until the app closes it.
   */
  allowHalfOpen?: boolean;
  /** Abort before or while open: the socket fails with ABORTED and the transport is closed. */
  signal?: AbortSignal;
  /**
   * A session from an earlier connection (`socket.session` or a 'session' event) to resume:
   * TLS 1.3 PSK with a fresh (EC)DHE, or a TLS 1.2 ticket. Used only for the same server name,
   * within the server's ticket lifetime; otherwise a full handshake. `opened.resumed` tells.
   */
  session?: string | null;
  /** TLS 1.3: send a KeyUpdate (new write keys) after every this many bytes written; at least 1024. Default: never. */
  keyUpdateAfterBytes?: number;
  /**
   * The first bytes to send (1 to 16384). With a TLS 1.3 `session` whose server allows it they go
   * in 0-RTT, before the handshake completes; an attacker can replay them, so only for idempotent
   * requests. What the server does not take is sent right after the handshake, before any write.
   */
  earlyData?: string | Uint8Array | ArrayBuffer;
  /**
   * TLS key log (NSS key log format, as Wireshark reads it): a function given each line (no newline)
   * as the secret is derived, or `true` for the socket's 'keylog' events only. SECRET material:
   * anyone with the lines can decrypt the connection. Default: off (the engine keeps no key log).
   * In Node and the CLI, the SSLKEYLOGFILE environment variable also appends the lines to that file.
   */
  keylog?: ((line: string) => void) | boolean;
}

export interface PublicKeyInfo {
  /** 'RSA', 'RSA-PSS', 'EC', 'Ed25519', 'Ed448' or the algorithm OID. */
  type: string;
  /** Modulus or curve size (0 if unknown). */
  bits: number;
  /** 'P-256', 'P-384', 'P-521' for EC keys. */
  curve?: string;
}

/** A parsed certificate for display (the engine already verified it). */
export interface PeerCertificate {
  der: Uint8Array;
  /** OpenSSL-style, in certificate order: "C=DE, O=Example, CN=example.com". */
  subject: string;
  issuer: string;
  /** Upper-case hex. */
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  /** Node style: ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:::1']. */
  subjectAltNames: string[];
  isCA: boolean;
  signatureAlgorithm: string;
  publicKey: PublicKeyInfo | null;
  /** SHA-256 of the DER, "AB:CD:…". */
  fingerprint256: string;
  /** Set when the certificate could not be parsed (other fields are then empty). */
  parseError?: string;
}

export type HandshakeStepName =
  | 'ClientHello' | 'ServerHello' | 'HelloRetryRequest' | 'EncryptedExtensions' | 'Certificate'
  | 'CertificateRequest' | 'CertificateVerify' | 'Finished' | 'NewSessionTicket' | 'KeyUpdate'
  | 'ChangeCipherSpec' | 'Alert' | 'ChainVerified' | 'Keys' | (string & {});

export interface HandshakeStep {
  name: HandshakeStepName;
  /** 'out': sent by us; 'in': received from the server. */
  dir: 'in' | 'out';
  /** Message length in bytes (0 where not applicable). */
  bytes: number;
  /** Milliseconds since connect() was called. */
  ms: number;
  /** E.g. the HRR group, the alert ("fatal handshake_failure"), the key phase. */
  detail?: string;
}

export interface OpenedInfo {
  /** 'TLSv1.3' or 'TLSv1.2'. */
  version: string;
  /** IANA name, e.g. 'TLS_AES_128_GCM_SHA256'. */
  cipher: string;
  /** Key-exchange group, e.g. 'X25519MLKEM768', 'x25519', 'secp256r1'. */
  group: string;
  /** Negotiated ALPN protocol, or null. */
  alpn: string | null;
  /** True if the handshake resumed `options.session` (no certificate is sent then). */
  resumed: boolean;
  /** With `options.earlyData`: taken in 0-RTT ('accepted'), or sent after the handshake ('rejected', 'not-sent'). */
  earlyData: 'accepted' | 'rejected' | 'not-sent' | null;
  serverName: string;
  /** The chain the server sent, leaf first, unverified (for display); empty when `resumed`. */
  peerCertificates: PeerCertificate[];
  /**
   * The path the engine verified, leaf → trust anchor (with insecureSkipVerify: just the leaf,
   * unverified); empty when `resumed`. Optional: older builds do not report it.
   */
  verifiedChain?: PeerCertificate[];
  timings: {
    /** Date.now() when connect() was called. */
    startedAt: number;
    handshakeMs: number;
    /** Handshake steps in order; later events (NewSessionTicket, KeyUpdate) are appended. */
    steps: HandshakeStep[];
  };
}

/** `[Symbol.asyncDispose]()` where the environment declares Symbol.asyncDispose (TS 5.2+ lib or @types/node). */
export type AsyncDisposeMember = typeof Symbol extends { readonly asyncDispose: infer S extends symbol } ? { [K in S]: () => Promise<void> } : {};

/** A TLS socket, shaped like Cloudflare's `connect()` socket; `await using` closes it (= close()). */
export type Socket = SocketBase & AsyncDisposeMember;

export interface SocketBase {
  /** Decrypted data from the server; ends on close_notify, errors on failure (e.g. TRUNCATED). */
  readonly readable: ReadableStream<Uint8Array>;
  /** Data to send (strings are UTF-8 encoded). Closing it sends close_notify. */
  readonly writable: WritableStream<Uint8Array | ArrayBuffer | ArrayBufferView | string>;
  /** Resolves when the handshake completed; rejects with a WasmTlsError. */
  readonly opened: Promise<OpenedInfo>;
  /** Resolves when the connection ended cleanly; rejects with the WasmTlsError that ended it. */
  readonly closed: Promise<void>;
  /** Send close_notify after pending writes and close the transport. Idempotent. */
  close(): Promise<void>;
  /** Application bytes received / sent so far. */
  readonly bytesRead: number;
  readonly bytesWritten: number;
  /** Handshake steps recorded so far: live during the handshake, and still there after a failure. */
  readonly steps: ReadonlyArray<HandshakeStep>;
  /**
   * The latest session the server gave ("wtls1.…"), to pass as `options.session` later, or null.
   * It holds the connection's resumption secret: store it like a password.
   */
  readonly session: string | null;
  /** 'session': the server gave a session (`event.session`, also in `socket.session`). */
  addEventListener(type: 'session', listener: (event: SessionEvent) => void, options?: { once?: boolean; signal?: AbortSignal } | boolean): void;
  removeEventListener(type: 'session', listener: (event: SessionEvent) => void, options?: { capture?: boolean } | boolean): void;
  /** 'keylog': a key log line (`event.line`), only with the `keylog` option or SSLKEYLOGFILE. */
  addEventListener(type: 'keylog', listener: (event: KeylogEvent) => void, options?: { once?: boolean; signal?: AbortSignal } | boolean): void;
  removeEventListener(type: 'keylog', listener: (event: KeylogEvent) => void, options?: { capture?: boolean } | boolean): void;
}

/** The 'keylog' event of a Socket: one NSS key log line without newline, e.g. `CLIENT_TRAFFIC_SECRET_0 <client_random> <secret>`. */
export type KeylogEvent = Event & {
  readonly line: string;
};

/** The 'session' event of a Socket. */
export type SessionEvent = Event & {
  readonly session: string;
};

/** Options of upgrade(): the common ones, with `serverName` required (upgrade() takes no `transport`). */
export interface UpgradeOptions extends Omit<CommonOptions, 'serverName'> {
  /** Name for SNI and the certificate check (required: there is no address to take it from). */
  serverName: string;
}

/** An already-open byte pair to start TLS on (both streams unlocked). */
export interface ExistingConnection {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  /** Called when the TLS socket is done with the transport. */
  close?(): void;
}

/**
 * Start TLS on an already-open connection (STARTTLS: PostgreSQL's SSLRequest,
 * SMTP/IMAP STARTTLS), like Cloudflare's `startTls()` but with every wasmtls
 * option. Release any reader/writer on `existing` first. Never throws:
 * failures reject `opened` and `closed`. Available from every runtime entry.
 */
export function upgrade(existing: ExistingConnection, options: UpgradeOptions): Socket;

/** Where init() takes the wasm from. */
export type WasmSource = URL | string | ArrayBuffer | Uint8Array | WasmModule;

/**
 * Choose the wasm before the first connection (bundles that do not ship js/dist/ next to the
 * code): a URL or URL/path string the runtime reads, the bytes, or a compiled WebAssembly.Module
 * (workerd: only a Module). Without `wasm`, loads the default build now. Once loaded (also by a
 * connection), later calls change nothing. Rejects with INVALID_OPTION or the load error.
 */
export function init(options?: { wasm?: WasmSource }): Promise<void>;

/** Parse a DER certificate for display (no fingerprint). Throws on malformed DER. */
export function parseCertificate(der: Uint8Array): Omit<PeerCertificate, 'fingerprint256'>;
/** Parse a DER certificate and add its SHA-256 fingerprint. */
export function describeCertificate(der: Uint8Array): Promise<PeerCertificate>;

/** Options of webSocket(). */
export interface WebSocketOptions {
  /** Subprotocols to offer (websockify accepts none or 'binary'). */
  protocols?: string | string[];
  /** Use WebSocketStream where available, for pull-based reads (default true). */
  stream?: boolean;
}

/** A TransportFactory that also reports how many WebSockets it opened. */
export interface WispTransportFactory extends TransportFactory {
  /** WebSockets opened by this factory so far (1 while connections share one). */
  sessions(): number;
}

/**
 * connect()'s options as any entry takes them. Each entry's own declarations (index.<runtime>.d.ts,
 * chosen by the export conditions) narrow `transport` to what that runtime has; this generic form
 * is what resolvers without export conditions (moduleResolution "node10") see.
 */
export interface ConnectOptions extends CommonOptions {
  /** 'tcp' (not in browsers), a 'ws://' / 'wss://' proxy URL (not in workerd), or a function opening your own transport. */
  transport?: 'tcp' | `ws://${string}` | `wss://${string}` | TransportFactory;
}

/**
 * Open a TLS connection. Never throws: failures (also invalid options,
 * INVALID_OPTION) reject `opened` and `closed`.
 */
export function connect(address: Address | string, options?: ConnectOptions): Socket;
