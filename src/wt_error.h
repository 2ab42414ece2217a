/*
 * wt_error.h — the one list of wasmtls error codes.
 *
 * Every failure in the engine ends in exactly one of these codes. The
 * numeric values are part of the WASM ABI and the name strings are the
 * stable `code` of the JS `WasmTlsError`: never renumber or rename, only
 * append. Each code also names the TLS alert the engine sends to the peer
 * when the failure is fatal (WT_ALERT_NONE: nothing is sent, e.g. because
 * the peer already closed or the caller misused the API).
 */
#ifndef WT_ERROR_H
#define WT_ERROR_H

/* TLS alert descriptions (RFC 8446 §6). */
#define WT_ALERT_CLOSE_NOTIFY             0
#define WT_ALERT_UNEXPECTED_MESSAGE      10
#define WT_ALERT_BAD_RECORD_MAC          20
#define WT_ALERT_RECORD_OVERFLOW         22
#define WT_ALERT_HANDSHAKE_FAILURE       40
#define WT_ALERT_BAD_CERTIFICATE         42
#define WT_ALERT_UNSUPPORTED_CERTIFICATE 43
#define WT_ALERT_CERTIFICATE_REVOKED     44
#define WT_ALERT_CERTIFICATE_EXPIRED     45
#define WT_ALERT_CERTIFICATE_UNKNOWN     46
#define WT_ALERT_ILLEGAL_PARAMETER       47
#define WT_ALERT_UNKNOWN_CA              48
#define WT_ALERT_ACCESS_DENIED           49
#define WT_ALERT_DECODE_ERROR            50
#define WT_ALERT_DECRYPT_ERROR           51
#define WT_ALERT_PROTOCOL_VERSION        70
#define WT_ALERT_INSUFFICIENT_SECURITY   71
#define WT_ALERT_INTERNAL_ERROR          80
#define WT_ALERT_USER_CANCELED           90
#define WT_ALERT_NO_RENEGOTIATION       100
#define WT_ALERT_MISSING_EXTENSION      109
#define WT_ALERT_UNSUPPORTED_EXTENSION  110
#define WT_ALERT_UNRECOGNIZED_NAME      112
#define WT_ALERT_CERTIFICATE_REQUIRED   116
#define WT_ALERT_NO_APPLICATION_PROTOCOL 120
#define WT_ALERT_NONE                   255

/*
 * X(symbol, value, alert-to-send, "one-line meaning")
 * The JS code string is the symbol without the WT_ERR_ prefix.
 */
#define WT_ERROR_LIST(X) \
	X(OK,                       0, NONE, "no error") \
	X(BAD_ARGUMENT,             1, NONE, "invalid argument passed by the caller") \
	X(INTERNAL,                 2, INTERNAL_ERROR, "internal error") \
	X(RNG_FAILURE,              3, INTERNAL_ERROR, "the random number source failed") \
	X(BUFFER_TOO_SMALL,         4, INTERNAL_ERROR, "a message does not fit the engine's buffers") \
	X(DECODE_ERROR,             5, DECODE_ERROR, "the peer sent a malformed message") \
	X(UNEXPECTED_MESSAGE,       6, UNEXPECTED_MESSAGE, "the peer sent a message out of order") \
	X(BAD_RECORD_MAC,           7, BAD_RECORD_MAC, "a record failed authentication") \
	X(RECORD_OVERFLOW,          8, RECORD_OVERFLOW, "a record exceeds the size limit") \
	X(ILLEGAL_PARAMETER,        9, ILLEGAL_PARAMETER, "the peer chose a value that was not offered or is invalid") \
	X(HANDSHAKE_FAILURE,       10, HANDSHAKE_FAILURE, "the handshake failed") \
	X(PROTOCOL_VERSION,        11, PROTOCOL_VERSION, "no protocol version in common with the peer") \
	X(NO_SHARED_CIPHER,        12, HANDSHAKE_FAILURE, "no cipher suite or group in common with the peer") \
	X(MISSING_EXTENSION,       13, MISSING_EXTENSION, "the peer omitted a required extension") \
	X(UNSUPPORTED_EXTENSION,   14, UNSUPPORTED_EXTENSION, "the peer sent an extension that was not offered") \
	X(BAD_SIGNATURE,           15, DECRYPT_ERROR, "the peer's handshake signature is invalid") \
	X(BAD_FINISHED,            16, DECRYPT_ERROR, "the peer's Finished message is wrong") \
	X(NO_APPLICATION_PROTOCOL, 17, NO_APPLICATION_PROTOCOL, "the peer chose an ALPN protocol that was not offered") \
	X(PEER_ALERT,              18, NONE, "the peer sent a fatal alert") \
	X(TRUNCATED,               19, NONE, "the connection ended without close_notify") \
	X(CLOSED,                  20, NONE, "the connection is closed") \
	X(CERT_EXPIRED,            21, CERTIFICATE_EXPIRED, "a certificate has expired") \
	X(CERT_NOT_YET_VALID,      22, CERTIFICATE_EXPIRED, "a certificate is not yet valid") \
	X(UNKNOWN_CA,              23, UNKNOWN_CA, "the chain does not lead to a trusted root") \
	X(MISSING_INTERMEDIATE,    24, UNKNOWN_CA, "the server did not send an intermediate certificate") \
	X(HOSTNAME_MISMATCH,       25, BAD_CERTIFICATE, "the certificate does not name the server") \
	X(BAD_CERTIFICATE,         26, BAD_CERTIFICATE, "a certificate is malformed or its signature is invalid") \
	X(WEAK_CERTIFICATE,        27, INSUFFICIENT_SECURITY, "a certificate uses a weak key or SHA-1") \
	X(UNSUPPORTED_CERTIFICATE, 28, UNSUPPORTED_CERTIFICATE, "a certificate uses an unsupported key type") \
	X(CERT_REVOKED,            29, CERTIFICATE_REVOKED, "a certificate has been revoked") \
	X(PIN_MISMATCH,            30, BAD_CERTIFICATE, "no certificate in the chain matches a pin") \
	X(CERTIFICATE_REQUIRED,    31, NONE, "the server requires a client certificate") \
	X(EMPTY_CHAIN,             32, DECODE_ERROR, "the server sent no certificate") \
	X(CERT_PURPOSE,            33, UNSUPPORTED_CERTIFICATE, "a certificate's extendedKeyUsage does not allow this use") \
	X(NAME_CONSTRAINTS,        34, BAD_CERTIFICATE, "a name in the certificate violates an issuer's nameConstraints") \
	X(TOO_MANY_MESSAGES,       35, UNEXPECTED_MESSAGE, "the peer sent too many messages of one kind without application data") \
	X(SEQUENCE_LIMIT,          36, NONE, "the record sequence number would wrap: the connection must end") \
	X(VERIFY_BUDGET,           40, BAD_CERTIFICATE, "the certificate chain needs more work to verify than the budget allows")

typedef enum {
#define WT_X_ENUM(name, value, alert, text) WT_ERR_##name = value,
	WT_ERROR_LIST(WT_X_ENUM)
#undef WT_X_ENUM
	WT_ERR__COUNT
} wt_err;

/** \brief The stable name of an error code ("HOSTNAME_MISMATCH"); "UNKNOWN" if out of range. */
const char *wt_err_name(int err);

/** \brief A one-line English description of an error code. */
const char *wt_err_text(int err);

/** \brief The alert description the engine sends for a fatal error, or WT_ALERT_NONE. */
int wt_err_alert(int err);

/** \brief The name of a TLS alert description ("bad_record_mac"), or "unknown". */
const char *wt_alert_name(int alert);

#endif
