/*
 * wt_io.c — the status word and the windows (see wt_io.h), computed from the
 * engine's public API only: one pass after every call that moves bytes, so
 * that JS needs no further crossing to know what it may do next.
 */
#include <string.h>
#include "wt_io.h"

static uint32_t
wt_io_addr(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

uint32_t
wt_io_update(wt_io *io, wt_engine *e, int offer_write, int closed, int result)
{
	size_t n;
	uint32_t st = 0;
	const uint8_t *p;
	wt_state state = wt_engine_state(e);
	int err = wt_engine_error(e);

	p = wt_engine_send_buf(e, &n);
	io->send_ptr = wt_io_addr(p);
	io->send_len = (uint32_t)n;
	if (n) st |= WT_IO_SEND;

	p = wt_engine_recv_buf(e, &n);
	io->recv_ptr = wt_io_addr(p);
	io->recv_len = (uint32_t)n;
	if (n) st |= WT_IO_RECV;

	p = wt_engine_read_buf(e, &n);
	io->read_ptr = wt_io_addr(p);
	io->read_len = (uint32_t)n;
	if (n) st |= WT_IO_READ;

	io->write_ptr = 0;
	io->write_len = 0;
	int writable = !err && !closed && (state == WT_ST_CONNECTED || state == WT_ST_CLOSED);
	if (writable) {
		if (offer_write) {
			p = wt_engine_write_buf(e, &n);
			io->write_ptr = wt_io_addr(p);
			io->write_len = (uint32_t)n;
			if (n) st |= WT_IO_WRITE;
		}
		if (!(st & WT_IO_WRITE)) st |= WT_IO_WANT_WRITE;
	}

	unsigned count;
	const wt_event *ev = wt_engine_events(e, &count);
	io->events_ptr = wt_io_addr(ev);
	io->events_len = count;
	if (count) st |= WT_IO_EVENTS;

	if (state == WT_ST_CONNECTED) st |= WT_IO_CONNECTED;
	if (state == WT_ST_CLOSED) st |= WT_IO_PEER_CLOSED;
	if (closed) st |= WT_IO_CLOSED;
	if (err || state == WT_ST_FAILED) st |= WT_IO_FAILED;
	if (wt_engine_session(e, &p)) st |= WT_IO_SESSION;
	if (wt_engine_sig_waiting(e)) st |= WT_IO_VERIFY;

	io->state = (uint32_t)state;
	io->error = (uint32_t)err;
	io->result = (uint32_t)result;
	io->status = st;
	return st;
}
