/** Names of engine states, events and protocol numbers used in timelines and messages. */

export const STATE = Object.freeze({
  START: 0, WAIT_SH: 1, WAIT_SH2: 2, WAIT_EE: 3, WAIT_CERT_CR: 4, WAIT_CERT: 5,
  WAIT_CV: 6, WAIT_FINISHED: 7, CONNECTED: 8, CLOSED: 9, FAILED: 10,
  TLS12_WAIT_CERT: 11, TLS12_WAIT_SKE: 12, TLS12_WAIT_SHD: 13, TLS12_WAIT_CCS: 14, TLS12_WAIT_FINISHED: 15,
});

export const STATE_NAMES = Object.freeze(Object.keys(STATE));

/** What the handshake is waiting for in each state (for timeout messages). */
export const WAITING_FOR = Object.freeze({
  [STATE.START]: 'before sending ClientHello',
  [STATE.WAIT_SH]: 'waiting for ServerHello',
  [STATE.WAIT_SH2]: 'waiting for ServerHello after HelloRetryRequest',
  [STATE.WAIT_EE]: 'waiting for EncryptedExtensions',
  [STATE.WAIT_CERT_CR]: 'waiting for Certificate or CertificateRequest',
  [STATE.WAIT_CERT]: 'waiting for Certificate',
  [STATE.WAIT_CV]: 'waiting for CertificateVerify',
  [STATE.WAIT_FINISHED]: 'waiting for the server Finished',
  [STATE.TLS12_WAIT_CERT]: 'waiting for the TLS 1.2 Certificate',
  [STATE.TLS12_WAIT_SKE]: 'waiting for ServerKeyExchange',
  [STATE.TLS12_WAIT_SHD]: 'waiting for ServerHelloDone',
  [STATE.TLS12_WAIT_CCS]: "waiting for the server's ChangeCipherSpec",
  [STATE.TLS12_WAIT_FINISHED]: 'waiting for the server Finished',
});

export const HANDSHAKE_TYPE_NAMES = Object.freeze({
  0: 'HelloRequest', 1: 'ClientHello', 2: 'ServerHello', 4: 'NewSessionTicket', 5: 'EndOfEarlyData',
  8: 'EncryptedExtensions', 11: 'Certificate', 12: 'ServerKeyExchange',
  13: 'CertificateRequest', 14: 'ServerHelloDone', 15: 'CertificateVerify',
  16: 'ClientKeyExchange', 20: 'Finished', 22: 'CertificateStatus', 24: 'KeyUpdate',
});

export const EVENT_KIND = Object.freeze({
  HANDSHAKE: 1, HRR: 2, CCS: 3, ALERT: 4, VERIFIED: 5, KEYS: 6, SESSION: 7, RESUMED: 8, EARLY: 9,
});

export const KEYS_NAMES = Object.freeze({ 1: 'early', 2: 'handshake', 3: 'application', 4: 'key update' });

/** @param {number} version */
export function versionName(version) {
  if (version === 0x0304) return 'TLSv1.3';
  if (version === 0x0303) return 'TLSv1.2';
  return version ? `0x${version.toString(16).padStart(4, '0')}` : '';
}

/** Status word bits returned by every wt_conn_* call that moves bytes (wasm/wt_io.h). */
export const IO = Object.freeze({
  SEND: 0x1, RECV: 0x2, WRITE: 0x4, READ: 0x8, EVENTS: 0x10, CONNECTED: 0x20, PEER_CLOSED: 0x40,
  CLOSED: 0x80, FAILED: 0x100, SESSION: 0x200, WANT_WRITE: 0x400,
});

/** u32 fields of a wt_io (wasm/wt_io.h). */
export const IO_FIELDS = 14;
