/*
 * wt_out.c — the bottom layer under both handshakes: failing (the detail,
 * the alert, closing, wiping the secrets), the output queue (handshake
 * messages with their record framing, change_cipher_spec, alerts), the
 * transcript hash and the event timeline. Calls nothing above it.
 */
#include <stdarg.h>
#include "wt_fmt.h"
#include "wt_out.h"

/* Append an alert record (protected once write keys exist); the caller checked the room. */
static void
wt_put_alert(wt_engine *e, unsigned level, unsigned desc)
{
	uint8_t *rec = e->out + e->out_len;
	if (e->wr.on && e->wr.seq > WT_SEQ_LAST) return;   /* no sequence number left to seal it with */
	rec[5] = (uint8_t)level;
	rec[6] = (uint8_t)desc;
	if (e->wr.on) {
		e->out_len += wt_record_seal(&e->wr, rec, WT_CT_ALERT, 2);
	} else {
		rec[0] = WT_CT_ALERT; rec[1] = 3; rec[2] = 3;
		wt_put_u16(rec + 3, 2);
		e->out_len += 7;
	}
	wt_event_push(e, WT_EV_OUT, WT_EV_ALERT, (level << 8) | desc, 2);
}

int
wt_fail(wt_engine *e, int err, const char *fmt, ...)
{
	if (e->err) return e->err;
	e->err = err;
	e->state = WT_ST_FAILED;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		wt_vfmt(e->detail, sizeof e->detail, fmt, ap);
		va_end(ap);
	}
	int alert = wt_err_alert(err);
	if (alert != WT_ALERT_NONE && !e->write_closed) {
		/* best effort: the alert goes out if there is room for it */
		size_t need = WT_RECORD_OVERHEAD + 2;
		if (e->out_len + need <= e->out_cap) wt_put_alert(e, 2, (unsigned)alert);   /* fatal */
	}
	e->write_closed = 1;
	e->read_closed = 1;
	/* secrets are no longer needed (the alert above is sealed already), nor any session */
	wt_wipe_secrets(e);
	return err;
}

void
wt_wipe_secrets(wt_engine *e)
{
	wt_ks_wipe(&e->t13.ks);
	wt_kex_wipe(&e->kex);
	wt_wipe(e->t12.pms, sizeof e->t12.pms);
	e->t12.pms_len = 0;
	wt_wipe(e->t12.master, sizeof e->t12.master);
	wt_wipe(&e->resume, sizeof e->resume);
	wt_wipe(e->t13.res_master, sizeof e->t13.res_master);
	wt_record_dir_wipe(&e->rd);
	wt_record_dir_wipe(&e->wr);
	wt_wipe(e->new_session, sizeof e->new_session);
	e->new_session_len = 0;
	e->t12.pending_session_len = 0;
}

void
wt_keylog(wt_engine *e, unsigned label, uint32_t gen, const uint8_t *secret, size_t len)
{
	if (!e->keylog || !(e->flags & WT_FLAG_KEYLOG) || len > 48) return;
	size_t need = 6 + 32 + len;
	if (e->keylog_cap - e->keylog_len < need) { e->keylog_dropped++; return; }
	uint8_t *p = e->keylog + e->keylog_len;
	p[0] = (uint8_t)label;
	p[1] = (uint8_t)len;
	p[2] = (uint8_t)gen;
	p[3] = (uint8_t)(gen >> 8);
	p[4] = (uint8_t)(gen >> 16);
	p[5] = (uint8_t)(gen >> 24);
	memcpy(p + 6, e->client_random, 32);
	memcpy(p + 38, secret, len);
	e->keylog_len += need;
	wt_event_push(e, WT_EV_OUT, WT_EV_KEYLOG, label, len);
}

void
wt_event_push(wt_engine *e, int dir, int kind, unsigned type, size_t len)
{
	if (e->num_events == WT_MAX_EVENTS) {
		memmove(e->events, e->events + 1, (WT_MAX_EVENTS - 1) * sizeof e->events[0]);
		e->num_events--;
	}
	wt_event *ev = &e->events[e->num_events++];
	ev->dir = (uint8_t)dir;
	ev->kind = (uint8_t)kind;
	ev->type = (uint16_t)type;
	ev->len = (uint32_t)len;
}

void
wt_th_update(wt_engine *e, const uint8_t *data, size_t len)
{
	br_sha256_update(&e->th256, data, len);
	br_sha384_update(&e->th384, data, len);
}

void
wt_th_hash(const wt_engine *e, uint8_t *out)
{
	if (wt_suite_hash(e->cipher) == &br_sha384_vtable)
		br_sha384_out(&e->th384, out);
	else
		br_sha256_out(&e->th256, out);
}

void
wt_th_hash_with(const wt_engine *e, const uint8_t *data, size_t len, uint8_t *out)
{
	if (wt_suite_hash(e->cipher) == &br_sha384_vtable) {
		br_sha384_context h = e->th384;
		br_sha384_update(&h, data, len);
		br_sha384_out(&h, out);
	} else {
		br_sha256_context h = e->th256;
		br_sha256_update(&h, data, len);
		br_sha256_out(&h, out);
	}
}

void
wt_th_restart_for_hrr(wt_engine *e)
{
	uint8_t h[WT_MAX_HASH_LEN];
	uint8_t hdr[4] = { WT_HS_MESSAGE_HASH, 0, 0, 0 };

	br_sha256_out(&e->th256, h);
	br_sha256_init(&e->th256);
	hdr[3] = 32;
	br_sha256_update(&e->th256, hdr, 4);
	br_sha256_update(&e->th256, h, 32);

	br_sha384_out(&e->th384, h);
	br_sha384_init(&e->th384);
	hdr[3] = 48;
	br_sha384_update(&e->th384, hdr, 4);
	br_sha384_update(&e->th384, h, 48);
}

/* Free space at the end of the output queue, after moving it to the front. */
size_t
wt_out_room(wt_engine *e)
{
	if (e->out_sent) {
		memmove(e->out, e->out + e->out_sent, e->out_len - e->out_sent);
		e->out_len -= e->out_sent;
		e->out_sent = 0;
	}
	return e->out_cap - e->out_len;
}

uint8_t *
wt_out_scratch(wt_engine *e, size_t *cap)
{
	size_t room = wt_out_room(e);
	size_t reserve = 4 + WT_RECORD_OVERHEAD;
	*cap = room > reserve ? room - reserve : 0;
	return e->out + e->out_len + 5 + 4;
}

int
wt_send_handshake(wt_engine *e, unsigned type, const uint8_t *body, size_t len)
{
	size_t room = wt_out_room(e);
	/* protected messages are cut to the peer's record_size_limit (RFC 8449); the rest fit one record */
	size_t frag = e->wr.on ? e->peer_limit : WT_MAX_PLAINTEXT;
	size_t records = (len + 4 + frag - 1) / frag;
	if ((!e->wr.on && len + 4 > WT_MAX_PLAINTEXT) || 4 + len + records * WT_RECORD_OVERHEAD > room)
		return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL, "outgoing handshake message too large (%zu bytes)", len);
	if (e->wr.on && e->wr.seq + records - 1 > WT_SEQ_LAST)
		return wt_fail(e, WT_ERR_SEQUENCE_LIMIT, "the write sequence number would wrap");
	uint8_t *rec = e->out + e->out_len;
	uint8_t *msg = rec + 5;
	memmove(msg + 4, body, len);
	msg[0] = (uint8_t)type;
	msg[1] = (uint8_t)(len >> 16);
	msg[2] = (uint8_t)(len >> 8);
	msg[3] = (uint8_t)len;
	wt_th_update(e, msg, len + 4);
	wt_event_push(e, WT_EV_OUT, WT_EV_HANDSHAKE, type, len + 4);
	if (e->wr.on && records > 1) {
		/* fragments, last first: each moves right to its record's place, never over one not yet sealed */
		size_t total = len + 4, last = total - (records - 1) * frag;
		size_t ovh = wt_record_seal_overhead(&e->wr);
		for (size_t i = records; i-- > 0;) {
			size_t n = i == records - 1 ? last : frag;
			uint8_t *dst = rec + i * (frag + ovh);
			memmove(dst + 5, msg + i * frag, n);
			wt_record_seal(&e->wr, dst, WT_CT_HANDSHAKE, n);
		}
		e->out_len += total + records * ovh;
	} else if (e->wr.on) {
		e->out_len += wt_record_seal(&e->wr, rec, WT_CT_HANDSHAKE, len + 4);
	} else {
		rec[0] = WT_CT_HANDSHAKE;
		rec[1] = 3;
		rec[2] = type == WT_HS_CLIENT_HELLO && !e->t13.hrr_seen ? 1 : 3;  /* 0x0301 on the first CH */
		wt_put_u16(rec + 3, (uint32_t)(len + 4));
		e->out_len += 5 + len + 4;
	}
	return 0;
}

int
wt_send_alert(wt_engine *e, unsigned level, unsigned desc)
{
	if (e->write_closed) return 0;
	if (wt_out_room(e) < WT_RECORD_OVERHEAD + 2) return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL, "no room for an alert");
	wt_put_alert(e, level, desc);
	return 0;
}

int
wt_send_ccs(wt_engine *e)
{
	if (wt_out_room(e) < 6) return wt_fail(e, WT_ERR_BUFFER_TOO_SMALL, "no room for change_cipher_spec");
	static const uint8_t ccs[6] = { WT_CT_CHANGE_CIPHER_SPEC, 3, 3, 0, 1, 1 };
	memcpy(e->out + e->out_len, ccs, 6);
	e->out_len += 6;
	e->ccs_sent = 1;
	wt_event_push(e, WT_EV_OUT, WT_EV_CCS, 0, 1);
	return 0;
}
