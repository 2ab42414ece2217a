/*
 * wt_error.c — names and alerts of the error codes listed in wt_error.h.
 */
#include <stddef.h>
#include "wt_error.h"

static const struct {
	const char *name;
	const char *text;
	int alert;
} wt_err_table[] = {
/* indexed by value: a gap in the numbers (codes appended in parallel) stays "UNKNOWN" */
#define WT_X_ROW(name, value, alert, text) [value] = { #name, text, WT_ALERT_##alert },
	WT_ERROR_LIST(WT_X_ROW)
#undef WT_X_ROW
};

static int
wt_err_in_range(int err)
{
	return err >= 0 && err < (int)(sizeof wt_err_table / sizeof wt_err_table[0])
		&& wt_err_table[err].name != NULL;
}

const char *
wt_err_name(int err)
{
	return wt_err_in_range(err) ? wt_err_table[err].name : "UNKNOWN";
}

const char *
wt_err_text(int err)
{
	return wt_err_in_range(err) ? wt_err_table[err].text : "unknown error";
}

int
wt_err_alert(int err)
{
	return wt_err_in_range(err) ? wt_err_table[err].alert : WT_ALERT_INTERNAL_ERROR;
}

const char *
wt_alert_name(int alert)
{
	switch (alert) {
	case WT_ALERT_CLOSE_NOTIFY: return "close_notify";
	case WT_ALERT_UNEXPECTED_MESSAGE: return "unexpected_message";
	case WT_ALERT_BAD_RECORD_MAC: return "bad_record_mac";
	case WT_ALERT_RECORD_OVERFLOW: return "record_overflow";
	case WT_ALERT_HANDSHAKE_FAILURE: return "handshake_failure";
	case WT_ALERT_BAD_CERTIFICATE: return "bad_certificate";
	case WT_ALERT_UNSUPPORTED_CERTIFICATE: return "unsupported_certificate";
	case WT_ALERT_CERTIFICATE_REVOKED: return "certificate_revoked";
	case WT_ALERT_CERTIFICATE_EXPIRED: return "certificate_expired";
	case WT_ALERT_CERTIFICATE_UNKNOWN: return "certificate_unknown";
	case WT_ALERT_ILLEGAL_PARAMETER: return "illegal_parameter";
	case WT_ALERT_UNKNOWN_CA: return "unknown_ca";
	case WT_ALERT_ACCESS_DENIED: return "access_denied";
	case WT_ALERT_DECODE_ERROR: return "decode_error";
	case WT_ALERT_DECRYPT_ERROR: return "decrypt_error";
	case WT_ALERT_PROTOCOL_VERSION: return "protocol_version";
	case WT_ALERT_INSUFFICIENT_SECURITY: return "insufficient_security";
	case WT_ALERT_INTERNAL_ERROR: return "internal_error";
	case WT_ALERT_USER_CANCELED: return "user_canceled";
	case WT_ALERT_NO_RENEGOTIATION: return "no_renegotiation";
	case WT_ALERT_MISSING_EXTENSION: return "missing_extension";
	case WT_ALERT_UNSUPPORTED_EXTENSION: return "unsupported_extension";
	case WT_ALERT_UNRECOGNIZED_NAME: return "unrecognized_name";
	case WT_ALERT_CERTIFICATE_REQUIRED: return "certificate_required";
	case WT_ALERT_NO_APPLICATION_PROTOCOL: return "no_application_protocol";
	default: return "unknown";
	}
}
