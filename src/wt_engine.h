/*
 * wt_engine.h — the wasmtls client engine: TLS 1.3 and 1.2 over BearSSL
 * primitives, sans-IO. One ClientHello offers both versions (as configured);
 * the ServerHello decides which handshake continues.
 *
 * The engine never touches a socket, a clock or an allocator. The caller
 * owns the wt_engine struct and one work buffer, and moves bytes through
 * four windows, BearSSL-style (each returns a pointer into the engine's
 * buffers and how many bytes may be read or written there; *_done says how
 * many were):
 *
 *     network  --recv-->  engine  --read-->  application
 *     network  <--send--  engine  <--write-- application
 *
 *   wt_engine_recv_buf / _recv_done   bytes received from the peer go here
 *   wt_engine_send_buf / _send_done   bytes to transmit to the peer
 *   wt_engine_read_buf / _read_done   decrypted application data
 *   wt_engine_write_buf / _write_done plaintext to encrypt (one record per call)
 *
 * Processing happens inside the *_done calls. A window of length 0 means
 * "not now": e.g. recv offers no space while decrypted data waits to be read
 * (backpressure), write offers none before the handshake completes or while
 * earlier records wait to be sent.
 *
 * Errors are sticky: after the first failure every call reports it, and the
 * fatal alert (when the protocol calls for one) sits in the send window.
 *
 * Pointers returned by the window functions stay valid until the next call
 * on the same engine.
 */
#ifndef WT_ENGINE_H
#define WT_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "bearssl.h"
#include "wt_error.h"
#include "wt_crypto.h"
#include "wt_keysched.h"
#include "wt_record.h"
#include "wt_x509.h"
#include "wt_sig_sign.h"
#include "wt_session.h"
#include "wt_suite.h"

/* Versions and cipher suites: wt_suite.h; key-exchange groups: wt_crypto.h. */

/* Handshake message types (RFC 8446 §4, RFC 5246 §7.4). */
#define WT_HS_HELLO_REQUEST         0
#define WT_HS_CLIENT_HELLO          1
#define WT_HS_SERVER_HELLO          2
#define WT_HS_NEW_SESSION_TICKET    4
#define WT_HS_END_OF_EARLY_DATA     5
#define WT_HS_ENCRYPTED_EXTENSIONS  8
#define WT_HS_CERTIFICATE          11
#define WT_HS_SERVER_KEY_EXCHANGE  12
#define WT_HS_CERTIFICATE_REQUEST  13
#define WT_HS_SERVER_HELLO_DONE    14
#define WT_HS_CERTIFICATE_VERIFY   15
#define WT_HS_CLIENT_KEY_EXCHANGE  16
#define WT_HS_CERTIFICATE_STATUS   22
#define WT_HS_FINISHED             20
#define WT_HS_KEY_UPDATE           24
#define WT_HS_MESSAGE_HASH        254

/* Engine states (RFC 8446 §A.1 names for the handshake). */
typedef enum {
	WT_ST_START = 0,         /* configured, ClientHello not yet built */
	WT_ST_WAIT_SH,           /* ClientHello sent */
	WT_ST_WAIT_SH2,          /* second ClientHello sent after a HelloRetryRequest */
	WT_ST_WAIT_EE,
	WT_ST_WAIT_CERT_CR,
	WT_ST_WAIT_CERT,
	WT_ST_WAIT_CV,
	WT_ST_WAIT_FINISHED,
	WT_ST_CONNECTED,         /* handshake done; application data flows */
	WT_ST_CLOSED,            /* peer's close_notify received (our side may still be open) */
	WT_ST_FAILED,            /* see wt_engine_error() */
	/* TLS 1.2 (RFC 5246 §7.3), after a ServerHello that selected it */
	WT_ST_TLS12_WAIT_CERT,      /* server Certificate */
	WT_ST_TLS12_WAIT_SKE,       /* ServerKeyExchange */
	WT_ST_TLS12_WAIT_SHD,       /* CertificateRequest or ServerHelloDone */
	WT_ST_TLS12_WAIT_CCS,       /* our flight sent; server ChangeCipherSpec */
	WT_ST_TLS12_WAIT_FINISHED   /* server Finished */
} wt_state;

/* Configuration flags. */
#define WT_FLAG_INSECURE_SKIP_VERIFY 0x0001  /* tests only: no chain or name check */
#define WT_FLAG_ALLOW_NO_EMS         0x0002  /* TLS 1.2: accept a server without extended master secret */
#define WT_FLAG_KEYLOG               0x0004  /* report secrets to wt_config.keylog_buf (SECRET material; off by default) */

/* Event kinds (see wt_engine_events). */
#define WT_EV_HANDSHAKE  1   /* type = handshake message type */
#define WT_EV_HRR        2   /* HelloRetryRequest (type = selected group) */
#define WT_EV_CCS        3   /* change_cipher_spec record */
#define WT_EV_ALERT      4   /* type = level << 8 | description */
#define WT_EV_VERIFIED   5   /* server certificate chain accepted; len = chain length */
#define WT_EV_KEYS       6   /* new traffic keys; type = WT_KEYS_* */
#define WT_EV_SESSION    7   /* a resumable session is ready (wt_engine_session); type = version */
#define WT_EV_RESUMED    8   /* the server accepted our session: abbreviated handshake */
#define WT_EV_EARLY      9   /* 0-RTT data: type = WT_EARLY_* (sent, accepted, rejected), len = bytes */
#define WT_EV_KEYLOG    10   /* a key-log record was appended (wt_engine_keylog); type = WT_KEYLOG_* label */

/* Key-log labels (NSS key log format). A record in the key-log buffer is
 * u8 label, u8 secret length, u32 little-endian generation N (KeyUpdates, for
 * the *_TRAFFIC_SECRET_N labels), client_random[32], secret. */
#define WT_KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET      1
#define WT_KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET  2
#define WT_KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET  3
#define WT_KEYLOG_CLIENT_TRAFFIC_SECRET            4
#define WT_KEYLOG_SERVER_TRAFFIC_SECRET            5
#define WT_KEYLOG_EXPORTER_SECRET                  6
#define WT_KEYLOG_CLIENT_RANDOM                    7   /* TLS 1.2: the master secret */
#define WT_KEYLOG_EARLY_EXPORTER_SECRET            8   /* with 0-RTT, as OpenSSL logs it */
#define WT_KEYLOG_RECORD_MAX  (6 + 32 + 48)

#define WT_EV_IN  0          /* from the peer */
#define WT_EV_OUT 1          /* to the peer */

/* The `type` of a WT_EV_KEYS event: which traffic keys were installed. */
#define WT_KEYS_EARLY       1   /* 0-RTT (client_early_traffic_secret) */
#define WT_KEYS_HANDSHAKE   2   /* TLS 1.3 handshake traffic keys */
#define WT_KEYS_APPLICATION 3   /* application traffic keys (TLS 1.3), or the TLS 1.2 keys after ChangeCipherSpec */
#define WT_KEYS_KEY_UPDATE  4   /* TLS 1.3 KeyUpdate: the next application traffic keys */

/** \brief One step of the handshake, for timelines and debugging. 8 bytes, ABI-stable. */
#define WT_MAX_GROUPS 8   /* entries of wt_config.groups */

typedef struct {
	uint8_t dir;
	uint8_t kind;
	uint16_t type;
	uint32_t len;
} wt_event;

#define WT_MAX_EVENTS 32

/** \brief What the caller configures before wt_engine_start(). */
typedef struct {
	/* Server name for SNI and certificate checks (DNS name or IP literal);
	 * NUL-terminated; copied. NULL: no SNI and no name check. */
	const char *server_name;
	/* Trust anchors; caller-owned, must outlive the engine. */
	const br_x509_trust_anchor *anchors;
	size_t num_anchors;
	/* Current time, unix seconds, for certificate validity. */
	int64_t now;
	/* CSPRNG (required). */
	wt_rng_fn rng;
	void *rng_ctx;
	/* ALPN ProtocolNameList contents (u8-length-prefixed names); copied. */
	const uint8_t *alpn;
	size_t alpn_len;
	/* Group of the initial key share; 0 means the first of `groups`. */
	uint16_t key_share_group;
	/* supported_groups in preference order (caller-owned, copied; at most
	 * WT_MAX_GROUPS distinct implemented groups); NULL/0 means every row of
	 * wt_groups: X25519MLKEM768, x25519, secp256r1, secp384r1. */
	const uint16_t *groups;
	size_t num_groups;
	/* Protocol versions to offer, WT_VERSION_TLS12 or WT_VERSION_TLS13;
	 * 0 means the default (min TLS 1.2, max TLS 1.3). */
	uint16_t min_version, max_version;
	uint32_t flags;
	/* Optional client certificate: the chain (leaf first) as TLS 1.2's
	 * certificate_list body, i.e. u24 length + DER for each certificate, and
	 * its private key. Both caller-owned; they must outlive the engine. */
	const uint8_t *client_chain;
	size_t client_chain_len;
	const wt_privkey *client_key;
	/* Optional: where to copy the peer's certificate chain as a sequence of
	 * u24-length-prefixed DER certificates (leaf first). Caller-owned. */
	uint8_t *chain_buf;
	size_t chain_cap;
	/* Optional session to resume: a wt_session encoding from an earlier
	 * connection (wt_engine_session). Offered only if it was made for this
	 * server name, is within its lifetime and its version is offered.
	 * Caller-owned; must outlive the engine. */
	const uint8_t *session;
	size_t session_len;
	/* TLS 1.3: send a KeyUpdate (and switch to new write keys) after this
	 * many bytes of application data have been written; 0: never. */
	uint64_t key_update_bytes;
	/* Optional 0-RTT data, sent right after the ClientHello when `session`
	 * is a TLS 1.3 session whose server allows early data (as much as it
	 * allows and fits in one record). It can be replayed by an attacker:
	 * only for idempotent requests. See wt_engine_early_data(). Caller-owned. */
	const uint8_t *early_data;
	size_t early_data_len;
	/* Optional key log (with WT_FLAG_KEYLOG only): each secret is appended here
	 * as it is derived (records as described at WT_KEYLOG_*) and a WT_EV_KEYLOG
	 * event raised; a record that does not fit is dropped (wt_engine_keylog_dropped).
	 * Caller-owned; drain and wipe it with wt_engine_keylog / wt_engine_keylog_clear. */
	uint8_t *keylog_buf;
	size_t keylog_cap;
	/* Optional native signature verifier (wt_sig_verify.h): every signature
	 * check of the handshake (CertificateVerify, ServerKeyExchange, each edge
	 * of the path search, OCSP) asks it first; fn NULL: BearSSL verifies.
	 * An asynchronous verifier (answers WT_SIG_NATIVE_PENDING) needs
	 * sig_native.cache: a caller-owned wt_sig_cache that lives while the
	 * handshake does (without one, PENDING counts as "cannot"). */
	wt_sig_native sig_native;
	/* Optional host AEAD for record protection (wt_crypto.h, wt_aead_native):
	 * both record directions ask it first; all NULL: wt_aead alone. */
	wt_aead_native aead_native;
} wt_config;

/* What became of the 0-RTT data (wt_engine_early_data). */
#define WT_EARLY_NOT_SENT  0   /* not offered (no usable session, no data, or the server allows none) */
#define WT_EARLY_PENDING   1   /* sent; the server has not answered yet */
#define WT_EARLY_ACCEPTED  2   /* the server accepted it */
#define WT_EARLY_REJECTED  3   /* the server ignored it: send it again as ordinary data */

/* Work buffer layout: record input, record output, handshake reassembly. */
#define WT_RECORD_IN_SIZE  (5 + 16384 + 256)
#define WT_RECORD_OUT_SIZE (5 + 16384 + 256 + 1024)
#define WT_MIN_HS_SIZE     8192
/* The smallest output area wt_engine_compact / wt_engine_set_out take: room
 * for a KeyUpdate and an alert (what the engine may send on its own). */
#define WT_MIN_OUT_SIZE    64
/** \brief Smallest work buffer wt_engine_init accepts. */
#define WT_MIN_BUFFER_SIZE (WT_RECORD_IN_SIZE + WT_RECORD_OUT_SIZE + WT_MIN_HS_SIZE)

/** \brief The engine. Caller-owned; treat every field as private. */
typedef struct {
	wt_state state;
	int err;                       /* sticky wt_err */
	int peer_alert;                /* alert description received, or -1 */
	char detail[256];              /* NUL-terminated specifics of err */

	/* configuration copies */
	char server_name[256];
	size_t server_name_len;
	int server_name_is_ip;
	uint8_t alpn[256];
	size_t alpn_len;
	const br_x509_trust_anchor *anchors;
	size_t num_anchors;
	int64_t now;
	wt_rng_fn rng;
	void *rng_ctx;
	wt_sig_native sig_native;        /* .cache: the caller's verdict cache (asynchronous verifiers), or NULL */
	uint8_t sig_wait;                /* waiting for verdicts: the message at e->hs is re-run by wt_engine_sig_resume */
	uint32_t flags;
	uint16_t first_group;
	uint16_t groups[WT_MAX_GROUPS];   /* supported_groups, preference order */
	uint8_t num_groups;
	uint16_t min_version, max_version;
	uint8_t *chain_buf;
	size_t chain_cap, chain_len;

	/* buffers */
	uint8_t *in;   size_t in_len;      /* partial incoming record */
	uint8_t *out;  size_t out_cap, out_len, out_sent;  /* pending outgoing bytes */
	uint8_t *hs;   size_t hs_cap, hs_len;     /* handshake reassembly */
	size_t app_off, app_len;           /* decrypted application data within `in` */
	int in_ready;                      /* `in` holds a fully processed record awaiting read */

	/* ---- common to both versions: the handshake */
	uint8_t client_random[32];
	uint8_t session_id[32];
	wt_kex kex;
	int cert_requested;                /* CertificateRequest seen */
	uint16_t client_scheme;            /* signature scheme for our CertificateVerify; 0: send no certificate */
	const uint8_t *client_chain;       /* configuration (caller-owned) */
	size_t client_chain_len;
	const wt_privkey *client_key;
	br_sha256_context th256;           /* transcript, both hashes until the suite is known */
	br_sha384_context th384;
	uint16_t version, cipher, group;
	uint8_t server_random[32];
	/* resumption */
	wt_session resume;                 /* the session offered (valid if resume_offered) */
	int resume_offered;                /* a PSK (1.3) or ticket (1.2) is in the ClientHello */
	int resumed;                       /* the server accepted it */
	uint8_t new_session[WT_SESSION_MAX];   /* the latest session from the server, encoded */
	size_t new_session_len;
	size_t peer_limit;                 /* most plaintext per protected record we send (record_size_limit) */
	uint8_t alpn_sel[256];
	size_t alpn_sel_len;
	wt_pubkey peer_key;
	/* Pins and the verified path (x509 block: wt_hs_accept_chain; set with
	 * wt_engine_set_pins after wt_engine_init). */
	const uint8_t *pins;               /* num_pins x 32 bytes: SHA-256 of a SubjectPublicKeyInfo; caller-owned */
	size_t num_pins;
	const wt_anchor_info *anchor_info; /* parallel to anchors (wt_trust_keep_info), or NULL; caller-owned */
	int16_t vpath[WT_MAX_PATH + 1];    /* the path verified, leaf first: >= 0 chain index, < 0 anchor -(1 + k) */
	size_t vpath_len;                  /* 0 until a chain was accepted (and when resumed) */
	int ccs_seen, ccs_sent;
	int hs_boundary;                   /* a key change happened: the record must end here */
	/* peer-driven work without application data in between (see WT_MAX_* in wt_out.h) */
	unsigned key_updates_in, tickets_in, empty_in, warnings_in;

	/* ---- TLS 1.3 only (wt_hs13.c; the ClientHello's 1.3 parts in wt_hs_common.c) */
	struct {
		wt_keysched ks;                /* the key schedule (RFC 8446 §7.1) */
		int hrr_seen;
		uint16_t hrr_cipher;           /* suite chosen by the HelloRetryRequest */
		uint8_t cookie[512];           /* HRR cookie to echo */
		size_t cookie_len;
		uint8_t cr_context[255];       /* certificate_request_context */
		size_t cr_context_len;
		uint8_t res_master[48];        /* resumption_master_secret */
		uint64_t key_update_bytes, written_since_update;
		const uint8_t *early_data;     /* configuration (caller-owned) */
		size_t early_data_len;
		size_t early_sent;             /* bytes sent as 0-RTT data */
		int early_status;              /* WT_EARLY_* */
		int rd_used;                   /* a protected record was received (no CCS after it) */
	} t13;

	/* ---- TLS 1.2 only (wt_hs12.c); secrets wiped on failure and by wt_engine_wipe */
	struct {
		uint8_t pms[WT_KEX_SHARED_MAX]; /* ECDHE pre-master secret, from ServerKeyExchange */
		size_t pms_len;
		uint8_t master[48];            /* master secret, after ServerHelloDone */
		int ems;                       /* extended_master_secret negotiated */
		int secure_renegotiation;      /* renegotiation_info seen (never used to renegotiate) */
		int status;                    /* status_request acknowledged: a CertificateStatus may follow */
		int ticket;                    /* session_ticket acknowledged, a NewSessionTicket precedes CCS */
		int chain_pending;             /* chain stored in chain_buf, verified at CertificateStatus or SKE */
		size_t pending_session_len;    /* a session encoded in new_session, raised once Finished verified */
	} t12;

	/* record protection */
	wt_record_dir rd, wr;
	int read_closed, write_closed;

	wt_event events[WT_MAX_EVENTS];
	unsigned num_events;

	/* key log (WT_FLAG_KEYLOG): caller-owned buffer, NULL when off */
	uint8_t *keylog;
	size_t keylog_cap, keylog_len;
	unsigned keylog_dropped;
	uint32_t keylog_gen_c, keylog_gen_s;  /* application traffic secret generation N */
} wt_engine;

/**
 * \brief Prepare an engine. `buf` (at least WT_MIN_BUFFER_SIZE bytes) is
 * caller-owned and must stay valid while the engine is used; whatever exceeds
 * the minimum enlarges the handshake reassembly area (large certificate chains).
 * \return 0 or WT_ERR_BAD_ARGUMENT.
 */
int wt_engine_init(wt_engine *e, const wt_config *cfg, uint8_t *buf, size_t buf_len);

/** \brief Build the ClientHello (it appears in the send window). \return 0 or the error. */
int wt_engine_start(wt_engine *e);

uint8_t *wt_engine_recv_buf(wt_engine *e, size_t *len);
/** \brief `n` bytes were written into the recv window; process them. \return 0 or the sticky error. */
int wt_engine_recv_done(wt_engine *e, size_t n);

const uint8_t *wt_engine_send_buf(wt_engine *e, size_t *len);
void wt_engine_send_done(wt_engine *e, size_t n);

const uint8_t *wt_engine_read_buf(wt_engine *e, size_t *len);
void wt_engine_read_done(wt_engine *e, size_t n);

uint8_t *wt_engine_write_buf(wt_engine *e, size_t *len);
/** \brief Encrypt the `n` bytes written into the write window as one record. */
int wt_engine_write_done(wt_engine *e, size_t n);

/**
 * \brief The latest session the server gave (TLS 1.3 NewSessionTicket), as a
 * wt_session encoding to pass as wt_config.session next time; it contains a
 * secret. `*session` points into the engine (valid until the next call that
 * processes input). \return its length, 0 if none yet.
 */
size_t wt_engine_session(const wt_engine *e, const uint8_t **session);
/**
 * \brief What became of the configured 0-RTT data: WT_EARLY_*; `*sent` gets
 * how many of its bytes went out as early data (a prefix). After
 * WT_EARLY_REJECTED the caller sends them again as ordinary data.
 */
int wt_engine_early_data(const wt_engine *e, size_t *sent);
/**
 * \brief Once connected, stop using what only the handshake needed: the
 * chain buffer (read the chain first), the trust anchors, the output area
 * inside the work buffer, and the handshake area beyond `hs_cap` bytes
 * (>= WT_MIN_HS_SIZE; post-handshake messages such as NewSessionTicket must
 * fit in it). The handshake area moves to follow the record-in area, and
 * output goes to `out` (`out_cap` >= WT_MIN_OUT_SIZE bytes, owned by the
 * caller until wt_engine_wipe or the next wt_engine_set_out). The caller may
 * then release the anchors (and their facts, wt_engine_set_pins), the chain buffer and the work buffer past
 * WT_RECORD_IN_SIZE + hs_cap (the released part is wiped).
 * \return 0, or WT_ERR_BAD_ARGUMENT if not connected, a message is half
 * received, output is still pending, or a size is out of range.
 */
int wt_engine_compact(wt_engine *e, size_t hs_cap, uint8_t *out, size_t out_cap);
/**
 * \brief Move output to another area (`cap` >= WT_MIN_OUT_SIZE; a record of
 * n plaintext bytes needs n + WT_RECORD_OVERHEAD plus room for an alert, so
 * WT_RECORD_OUT_SIZE for full records), e.g. a small one while idle and a
 * large one while writing. Only when no output is pending. The old area is
 * wiped and belongs to the caller again.
 * \return 0, or WT_ERR_BAD_ARGUMENT.
 */
int wt_engine_set_out(wt_engine *e, uint8_t *out, size_t cap);
/** \brief 1 if the handshake resumed the configured session, else 0. */
int wt_engine_resumed(const wt_engine *e);
/**
 * \brief TLS 1.3: send a KeyUpdate now and switch to new write keys;
 * `request_peer` asks the server to update its keys too.
 * \return 0, WT_ERR_BAD_ARGUMENT (not a connected TLS 1.3 engine) or the sticky error.
 */
int wt_engine_key_update(wt_engine *e, int request_peer);

/** \brief Queue close_notify; no more writes after it. \return 0 or the sticky error. */
int wt_engine_close(wt_engine *e);

/**
 * \brief The transport ended (EOF). Before the peer's close_notify this is
 * WT_ERR_TRUNCATED (or, during the handshake, also TRUNCATED with a detail).
 * \return 0 if the connection had closed cleanly, else the error.
 */
int wt_engine_eof(wt_engine *e);

/*
 * Asynchronous signature verification (wt_sig_verify.h). When the configured
 * native verifier answers WT_SIG_NATIVE_PENDING, the engine records the
 * request(s) in its verdict cache, keeps the handshake message it was
 * processing, stops taking input (wt_engine_recv_buf gives no window; while
 * a Certificate waits, only the records up to the next complete message, so
 * that its signature joins the same batch: one round per handshake) and
 * sends nothing: wt_engine_sig_waiting() then counts the requests of the
 * batch, in the order the verifier was asked. The host verifies them,
 * answers each with wt_engine_sig_verdict(), and calls wt_engine_sig_resume(),
 * which re-runs the message: its checks now find their verdicts (bound to the
 * exact request bytes), and a path search that needs further edges asks for
 * them in a new round. Unanswered requests count as "cannot" (BearSSL
 * verifies); rounds and cache are bounded (WT_SIG_ROUNDS_MAX,
 * WT_SIG_CACHE_MAX), beyond which BearSSL verifies.
 */
/** \brief Requests waiting for a verdict (0: not waiting). */
unsigned wt_engine_sig_waiting(const wt_engine *e);
/** \brief Verdict for request `i` of the batch: 1 valid, 0 invalid, other cannot. \return 0 or WT_ERR_BAD_ARGUMENT. */
int wt_engine_sig_verdict(wt_engine *e, unsigned i, int verdict);
/** \brief Re-run the waiting message with the verdicts given. \return 0 or the sticky error. */
int wt_engine_sig_resume(wt_engine *e);
/** \brief Rounds (waits resumed) so far (0 without an asynchronous verifier). */
unsigned wt_engine_sig_rounds(const wt_engine *e);

wt_state wt_engine_state(const wt_engine *e);
int wt_engine_error(const wt_engine *e);
const char *wt_engine_error_detail(const wt_engine *e);
/** \brief Alert description received from the peer, or -1. */
int wt_engine_peer_alert(const wt_engine *e);

/* What the handshake negotiated (0 / empty until known). */
/** \brief WT_VERSION_TLS13 or WT_VERSION_TLS12, 0 before the ServerHello. */
uint16_t wt_engine_version(const wt_engine *e);
/** \brief The cipher suite (wt_suite.h), 0 before the ServerHello. */
uint16_t wt_engine_cipher(const wt_engine *e);
/** \brief The key-exchange group (wt_crypto.h), 0 before it is known. */
uint16_t wt_engine_group(const wt_engine *e);
/** \brief The ALPN protocol the server selected: `*name` points into the engine. \return its length, 0 if none. */
size_t wt_engine_alpn(const wt_engine *e, const uint8_t **name);
/** \brief Bytes of the peer's chain stored in wt_config.chain_buf (u24 + DER each), 0 if none. */
size_t wt_engine_chain_len(const wt_engine *e);
/** \brief Size of the current output area (WT_RECORD_OUT_SIZE until wt_engine_compact / wt_engine_set_out). */
size_t wt_engine_out_cap(const wt_engine *e);

/**
 * \brief The key log records appended since the last wt_engine_keylog_clear()
 * (NULL / 0 when the key log is off). Secret material.
 */
size_t wt_engine_keylog(const wt_engine *e, const uint8_t **p);
/** \brief Wipe the key-log buffer (after the caller took its records). */
void wt_engine_keylog_clear(wt_engine *e);
/** \brief Records dropped because the key-log buffer was full. */
unsigned wt_engine_keylog_dropped(const wt_engine *e);

/** \brief Events recorded since the last wt_engine_events_clear(). */
const wt_event *wt_engine_events(const wt_engine *e, unsigned *count);
void wt_engine_events_clear(wt_engine *e);

/* The most pins a connection takes. */
#define WT_MAX_PINS 16

/**
 * \brief After wt_engine_init, before wt_engine_start: the pins (`num_pins`
 * SHA-256 digests of SubjectPublicKeyInfo DER, 32 bytes each, caller-owned)
 * and the facts of the configured anchors (parallel to wt_config.anchors, or
 * NULL: anchors are bare keys, no anchor checks, pins never match them).
 * With pins, a verified chain is accepted only if a certificate on the
 * verified path (leaf .. anchor; with WT_FLAG_INSECURE_SKIP_VERIFY the leaf
 * alone) has a pinned key: else WT_ERR_PIN_MISMATCH, before our Finished.
 * \return 0 or WT_ERR_BAD_ARGUMENT (more than WT_MAX_PINS).
 */
static inline int
wt_engine_set_pins(wt_engine *e, const uint8_t *pins, size_t num_pins, const wt_anchor_info *anchor_info)
{
	if (e == NULL || num_pins > WT_MAX_PINS || (num_pins > 0 && pins == NULL)) return WT_ERR_BAD_ARGUMENT;
	e->pins = pins;
	e->num_pins = num_pins;
	e->anchor_info = anchor_info;
	return 0;
}

/** \brief The path the handshake verified (see wt_engine.vpath). \return its length. */
static inline size_t
wt_engine_path(const wt_engine *e, const int16_t **path)
{
	*path = e->vpath;
	return e->vpath_len;
}

/** \brief Erase all secrets held by the engine. Call before releasing it. */
void wt_engine_wipe(wt_engine *e);

#endif
