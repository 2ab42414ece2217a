/*
 * wt_session.c — encoding of a resumable session (see wt_session.h).
 *
 *   "wts" 0x01 | version u16 | cipher u16 | received_at u64 | lifetime u32 |
 *   age_add u32 | max_early_data u32 | flags u8 | secret<1> | server_name<1> |
 *   alpn<1> | ticket<2>
 */
#include <string.h>
#include "wt_session.h"
#include "wt_bytes.h"

static const uint8_t wt_session_magic[4] = { 'w', 't', 's', 1 };

size_t
wt_session_encode(const wt_session *s, uint8_t *out, size_t cap)
{
	if (s->ticket_len == 0 || s->ticket_len > 0xffff || s->secret_len > sizeof s->secret ||
	    s->server_name_len > 255 || s->alpn_len > 255)
		return 0;
	wt_writer w = wt_writer_of(out, cap);
	wt_w_bytes(&w, wt_session_magic, 4);
	wt_w_u16(&w, s->version);
	wt_w_u16(&w, s->cipher);
	uint64_t t = (uint64_t)s->received_at;
	wt_w_u32(&w, (uint32_t)(t >> 32));
	wt_w_u32(&w, (uint32_t)t);
	wt_w_u32(&w, s->lifetime);
	wt_w_u32(&w, s->age_add);
	wt_w_u32(&w, s->max_early_data);
	wt_w_u8(&w, s->flags);
	wt_w_u8(&w, (uint32_t)s->secret_len);
	wt_w_bytes(&w, s->secret, s->secret_len);
	wt_w_u8(&w, (uint32_t)s->server_name_len);
	wt_w_bytes(&w, s->server_name, s->server_name_len);
	wt_w_u8(&w, (uint32_t)s->alpn_len);
	wt_w_bytes(&w, s->alpn, s->alpn_len);
	wt_w_u16(&w, (uint32_t)s->ticket_len);
	wt_w_bytes(&w, s->ticket, s->ticket_len);
	return w.bad ? 0 : w.len;
}

int
wt_session_decode(wt_session *s, const uint8_t *in, size_t len)
{
	memset(s, 0, sizeof *s);
	wt_reader r = wt_reader_of(in, len);
	const uint8_t *magic = wt_r_bytes(&r, 4);
	if (!magic || memcmp(magic, wt_session_magic, 4) != 0) return -1;
	s->version = (uint16_t)wt_r_u16(&r);
	s->cipher = (uint16_t)wt_r_u16(&r);
	uint64_t hi = wt_r_u32(&r), lo = wt_r_u32(&r);
	s->received_at = (int64_t)((hi << 32) | lo);
	s->lifetime = wt_r_u32(&r);
	s->age_add = wt_r_u32(&r);
	s->max_early_data = wt_r_u32(&r);
	s->flags = (uint8_t)wt_r_u8(&r);
	wt_reader secret = wt_r_vec(&r, 1);
	wt_reader name = wt_r_vec(&r, 1);
	wt_reader alpn = wt_r_vec(&r, 1);
	wt_reader ticket = wt_r_vec(&r, 2);
	if (!wt_r_done(&r) || secret.n == 0 || secret.n > sizeof s->secret || ticket.n == 0) {
		memset(s, 0, sizeof *s);
		return -1;
	}
	memcpy(s->secret, secret.p, secret.n);
	s->secret_len = secret.n;
	if (name.n) memcpy(s->server_name, name.p, name.n);
	s->server_name[name.n] = 0;
	s->server_name_len = name.n;
	if (alpn.n) memcpy(s->alpn, alpn.p, alpn.n);
	s->alpn_len = alpn.n;
	s->ticket = ticket.p;
	s->ticket_len = ticket.n;
	return 0;
}

int
wt_session_usable(const wt_session *s, const char *server_name, size_t server_name_len, int64_t now)
{
	if (s->server_name_len != server_name_len) return 0;
	if (!wt_ascii_ieq((const uint8_t *)s->server_name, (const uint8_t *)server_name, server_name_len)) return 0;
	if (now + 60 < s->received_at) return 0;
	if (now >= s->received_at + (int64_t)s->lifetime) return 0;
	return 1;
}
