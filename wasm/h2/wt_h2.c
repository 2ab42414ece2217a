/*
 * The C ABI of js/dist/wasmtls-h2.wasm: an nghttp2 client session driven from JS, sans-IO.
 * JS feeds received bytes (wt_h2_recv), takes bytes to send (wt_h2_send / wt_h2_send_data),
 * submits requests (wt_h2_request, body bytes by wt_h2_body) and reads what happened from an
 * event buffer (wt_h2_events_ptr / _len / _clear). Framing, HPACK, flow control, SETTINGS,
 * GOAWAY and RST_STREAM are nghttp2's; received DATA counts against the windows until JS calls
 * wt_h2_consume (the application read it), so a slow reader slows the server down.
 *
 * Event records, little-endian: u8 type, u32 stream, u32 a, u32 len1, bytes1, u32 len2, bytes2.
 *   1 HEADER      a = category (0 response, 1 trailers/other)   bytes1 = name, bytes2 = value
 *   2 HEADERS_END a = 1 if END_STREAM
 *   3 DATA        bytes1 = data
 *   4 STREAM_END  (END_STREAM on DATA)
 *   5 CLOSE       a = error code (0: closed cleanly; RST_STREAM or a stream error otherwise)
 *   6 GOAWAY      stream = last stream id, a = error code
 */
#include <nghttp2/nghttp2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WT_EXPORT __attribute__((used, visibility("default")))

enum { EV_HEADER = 1, EV_HEADERS_END = 2, EV_DATA = 3, EV_STREAM_END = 4, EV_CLOSE = 5, EV_GOAWAY = 6 };

typedef struct {
	uint8_t *p;
	size_t len, cap;
} wt_buf;

typedef struct wt_body {
	wt_buf data;
	size_t off;
	int eof;
	int32_t id;
	struct wt_body *prev, *next; /* every live body, freed with the session */
} wt_body;

typedef struct {
	nghttp2_session *s;
	wt_body *bodies;
	wt_buf ev;
	const uint8_t *send_data;
	int oom;
} wt_h2;

static int buf_reserve(wt_buf *b, size_t n) {
	if (b->cap - b->len >= n) return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2) return -1;
		cap *= 2;
	}
	uint8_t *q = realloc(b->p, cap);
	if (!q) return -1;
	b->p = q;
	b->cap = cap;
	return 0;
}

static void put32(uint8_t *p, uint32_t v) {
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p) {
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int event(wt_h2 *h, uint8_t type, int32_t stream, uint32_t a, const uint8_t *d1, size_t l1,
	const uint8_t *d2, size_t l2) {
	size_t n = 1 + 4 + 4 + 4 + l1 + 4 + l2;
	if (buf_reserve(&h->ev, n) != 0) {
		h->oom = 1;
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	}
	uint8_t *p = h->ev.p + h->ev.len;
	p[0] = type;
	put32(p + 1, (uint32_t)stream);
	put32(p + 5, a);
	put32(p + 9, (uint32_t)l1);
	if (l1) memcpy(p + 13, d1, l1);
	put32(p + 13 + l1, (uint32_t)l2);
	if (l2) memcpy(p + 17 + l1, d2, l2);
	h->ev.len += n;
	return 0;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
	const uint8_t *value, size_t valuelen, uint8_t flags, void *user) {
	(void)s;
	(void)flags;
	if (frame->hd.type != NGHTTP2_HEADERS) return 0;
	uint32_t cat = frame->headers.cat == NGHTTP2_HCAT_RESPONSE ? 0 : 1;
	return event(user, EV_HEADER, frame->hd.stream_id, cat, name, namelen, value, valuelen);
}

static int on_frame_recv(nghttp2_session *s, const nghttp2_frame *frame, void *user) {
	(void)s;
	switch (frame->hd.type) {
	case NGHTTP2_HEADERS:
		return event(user, EV_HEADERS_END, frame->hd.stream_id, (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) ? 1 : 0,
			NULL, 0, NULL, 0);
	case NGHTTP2_DATA:
		if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) return event(user, EV_STREAM_END, frame->hd.stream_id, 0, NULL, 0, NULL, 0);
		return 0;
	case NGHTTP2_GOAWAY:
		return event(user, EV_GOAWAY, frame->goaway.last_stream_id, frame->goaway.error_code, NULL, 0, NULL, 0);
	default:
		return 0;
	}
}

static int on_data_chunk(nghttp2_session *s, uint8_t flags, int32_t stream, const uint8_t *data, size_t len, void *user) {
	(void)s;
	(void)flags;
	return event(user, EV_DATA, stream, 0, data, len, NULL, 0);
}

/* The body of `stream`: nghttp2 creates the stream only when its HEADERS go out, so the
   bodies are found by id in our own list, not through the stream's user data. */
static wt_body *body_of(wt_h2 *h, int32_t stream) {
	for (wt_body *b = h->bodies; b; b = b->next)
		if (b->id == stream) return b;
	return NULL;
}

static void body_free(wt_h2 *h, wt_body *b) {
	if (b->prev) b->prev->next = b->next;
	else h->bodies = b->next;
	if (b->next) b->next->prev = b->prev;
	free(b->data.p);
	free(b);
}

static int on_stream_close(nghttp2_session *s, int32_t stream, uint32_t error_code, void *user) {
	(void)s;
	wt_body *b = body_of(user, stream);
	if (b) body_free(user, b);
	return event(user, EV_CLOSE, stream, error_code, NULL, 0, NULL, 0);
}

static ssize_t read_body(nghttp2_session *s, int32_t stream, uint8_t *buf, size_t len, uint32_t *flags,
	nghttp2_data_source *source, void *user) {
	(void)s;
	(void)stream;
	(void)user;
	wt_body *b = source->ptr;
	size_t avail = b->data.len - b->off;
	if (avail == 0) {
		if (b->eof) {
			*flags |= NGHTTP2_DATA_FLAG_EOF;
			return 0;
		}
		return NGHTTP2_ERR_DEFERRED;
	}
	size_t n = avail < len ? avail : len;
	memcpy(buf, b->data.p + b->off, n);
	b->off += n;
	if (b->off == b->data.len) {
		b->off = 0;
		b->data.len = 0;
		if (b->eof) *flags |= NGHTTP2_DATA_FLAG_EOF;
	}
	return (ssize_t)n;
}

/* A client session: our SETTINGS (push off, `window` bytes per stream and for the connection). */
WT_EXPORT wt_h2 *wt_h2_new(uint32_t window, uint32_t max_header_list) {
	wt_h2 *h = calloc(1, sizeof *h);
	if (!h) return NULL;
	nghttp2_session_callbacks *cb;
	nghttp2_option *opt;
	if (nghttp2_session_callbacks_new(&cb) != 0) { free(h); return NULL; }
	if (nghttp2_option_new(&opt) != 0) { nghttp2_session_callbacks_del(cb); free(h); return NULL; }
	nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data_chunk);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
	nghttp2_option_set_no_auto_window_update(opt, 1);
	int rv = nghttp2_session_client_new2(&h->s, cb, h, opt);
	nghttp2_session_callbacks_del(cb);
	nghttp2_option_del(opt);
	if (rv != 0) { free(h); return NULL; }
	nghttp2_settings_entry iv[] = {
		{ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window },
		{ NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, max_header_list },
	};
	if (nghttp2_submit_settings(h->s, NGHTTP2_FLAG_NONE, iv, sizeof iv / sizeof iv[0]) != 0 ||
		nghttp2_session_set_local_window_size(h->s, NGHTTP2_FLAG_NONE, 0, (int32_t)window) != 0) {
		nghttp2_session_del(h->s);
		free(h);
		return NULL;
	}
	return h;
}

WT_EXPORT void wt_h2_free(wt_h2 *h) {
	if (!h) return;
	nghttp2_session_del(h->s); /* calls no callbacks: the bodies still open are freed here */
	while (h->bodies) body_free(h, h->bodies);
	free(h->ev.p);
	free(h);
}

/* Bytes from the server. Returns 0, or a negative nghttp2 error (the session is then unusable). */
WT_EXPORT int wt_h2_recv(wt_h2 *h, const uint8_t *data, size_t len) {
	ssize_t n = nghttp2_session_mem_recv(h->s, data, len);
	if (h->oom) return NGHTTP2_ERR_NOMEM;
	if (n < 0) return (int)n;
	return 0;
}

/* The next bytes to send (at wt_h2_send_data, valid until the next call), 0 when none, or < 0. */
WT_EXPORT int wt_h2_send(wt_h2 *h) {
	const uint8_t *data = NULL;
	ssize_t n = nghttp2_session_mem_send(h->s, &data);
	h->send_data = data;
	if (h->oom) return NGHTTP2_ERR_NOMEM;
	return (int)n;
}

WT_EXPORT const uint8_t *wt_h2_send_data(wt_h2 *h) { return h->send_data; }

/*
 * Submit a request. `nv`: u32 count, then per field u32 name length, u32 value length, name,
 * value (pseudo-headers first). Returns the stream id (> 0) or a negative nghttp2 error.
 * With `has_body`, the body is given by wt_h2_body.
 */
WT_EXPORT int32_t wt_h2_request(wt_h2 *h, const uint8_t *nv, size_t nvlen, int has_body) {
	if (nvlen < 4) return NGHTTP2_ERR_INVALID_ARGUMENT;
	uint32_t count = get32(nv);
	if (count == 0 || count > 4096) return NGHTTP2_ERR_INVALID_ARGUMENT;
	nghttp2_nv *nva = calloc(count, sizeof *nva);
	if (!nva) return NGHTTP2_ERR_NOMEM;
	size_t off = 4;
	for (uint32_t i = 0; i < count; i++) {
		if (nvlen - off < 8) { free(nva); return NGHTTP2_ERR_INVALID_ARGUMENT; }
		uint32_t nl = get32(nv + off), vl = get32(nv + off + 4);
		off += 8;
		if (nvlen - off < nl || nvlen - off - nl < vl) { free(nva); return NGHTTP2_ERR_INVALID_ARGUMENT; }
		nva[i].name = (uint8_t *)(uintptr_t)(nv + off);
		nva[i].namelen = nl;
		nva[i].value = (uint8_t *)(uintptr_t)(nv + off + nl);
		nva[i].valuelen = vl;
		nva[i].flags = NGHTTP2_NV_FLAG_NONE; /* nghttp2 copies */
		off += nl + vl;
	}
	wt_body *b = NULL;
	nghttp2_data_provider prd;
	if (has_body) {
		b = calloc(1, sizeof *b);
		if (!b) { free(nva); return NGHTTP2_ERR_NOMEM; }
		prd.source.ptr = b;
		prd.read_callback = read_body;
	}
	int32_t id = nghttp2_submit_request(h->s, NULL, nva, count, has_body ? &prd : NULL, b);
	free(nva);
	if (id < 0) {
		free(b);
	} else if (b) {
		b->id = id;
		b->next = h->bodies;
		if (h->bodies) h->bodies->prev = b;
		h->bodies = b;
	}
	return id;
}

/* More request body for `stream` (eof: the last of it). Returns 0 or < 0. */
WT_EXPORT int wt_h2_body(wt_h2 *h, int32_t stream, const uint8_t *data, size_t len, int eof) {
	wt_body *b = body_of(h, stream);
	if (!b) return NGHTTP2_ERR_STREAM_CLOSED;
	if (len) {
		if (buf_reserve(&b->data, len) != 0) return NGHTTP2_ERR_NOMEM;
		memcpy(b->data.p + b->data.len, data, len);
		b->data.len += len;
	}
	if (eof) b->eof = 1;
	int rv = nghttp2_session_resume_data(h->s, stream);
	/* not deferred (or not yet open): nghttp2 reads the data when it gets there */
	return rv == NGHTTP2_ERR_INVALID_ARGUMENT ? 0 : rv;
}

/* Bytes of request body buffered for `stream` and not yet sent (for backpressure). */
WT_EXPORT uint32_t wt_h2_body_pending(wt_h2 *h, int32_t stream) {
	wt_body *b = body_of(h, stream);
	return b ? (uint32_t)(b->data.len - b->off) : 0;
}

/* The application read `n` bytes of DATA of `stream`: open the windows again. */
WT_EXPORT int wt_h2_consume(wt_h2 *h, int32_t stream, size_t n) {
	int rv = nghttp2_session_consume(h->s, stream, n);
	if (rv == NGHTTP2_ERR_INVALID_ARGUMENT) return nghttp2_session_consume_connection(h->s, n); /* stream gone */
	return rv;
}

WT_EXPORT int wt_h2_rst(wt_h2 *h, int32_t stream, uint32_t code) {
	return nghttp2_submit_rst_stream(h->s, NGHTTP2_FLAG_NONE, stream, code);
}

WT_EXPORT int wt_h2_goaway(wt_h2 *h, uint32_t code) { return nghttp2_session_terminate_session(h->s, code); }

/* bit 0: the session wants to read, bit 1: it has something to write. */
WT_EXPORT int wt_h2_want(wt_h2 *h) {
	return (nghttp2_session_want_read(h->s) ? 1 : 0) | (nghttp2_session_want_write(h->s) ? 2 : 0);
}

WT_EXPORT uint32_t wt_h2_remote_max_streams(wt_h2 *h) {
	return nghttp2_session_get_remote_settings(h->s, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
}

WT_EXPORT const uint8_t *wt_h2_events_ptr(wt_h2 *h) { return h->ev.p; }
WT_EXPORT uint32_t wt_h2_events_len(wt_h2 *h) { return (uint32_t)h->ev.len; }
WT_EXPORT void wt_h2_events_clear(wt_h2 *h) { h->ev.len = 0; }
WT_EXPORT const char *wt_h2_strerror(int code) { return nghttp2_strerror(code); }
