/*
 * wt_pem.h — PEM text (RFC 7468): the blocks between "-----BEGIN label-----" and
 * "-----END label-----" lines, and their Base64 bodies.
 *
 * It replaces BearSSL's br_pem_decoder (a T0 machine that spends ~165 ns a byte
 * in wasm: ~90 µs of every connection that passes a PEM `ca`) for the three
 * readers of PEM: trust anchors (wt_trust.c), the client chain and the client
 * key (wt_sig_sign.c). The same reading as BearSSL's for those (tests/c/test_pem.c
 * compares them): text outside blocks is ignored, anything in a body that is
 * neither Base64 nor whitespace (or padding in the wrong place) is an error of
 * that block. Where BearSSL is stricter than RFC 7468 §2 this reads as the RFC
 * says: CRLF line ends, and whitespace anywhere in the body (a quantum may span lines).
 * Both boundary lines start a line; a BEGIN line ends after its dashes (blanks aside).
 *
 * No allocation: a block points into the caller's text, which must outlive it;
 * the decoder hands its output to a callback in pieces from a stack buffer it
 * wipes (the body may be a private key).
 */
#ifndef WT_PEM_H
#define WT_PEM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	const uint8_t *label;   /* between "-----BEGIN " and the closing "-----" */
	size_t label_len;
	const uint8_t *body;    /* after the BEGIN line, up to the END line */
	size_t body_len;
} wt_pem_block;

/** \brief Where wt_pem_next continues: the unread rest of the text. */
typedef struct {
	const uint8_t *p;
	size_t n;
	int mid_line;   /* p is not at the start of a line (0 at the start of the text) */
} wt_pem_text;

#define WT_PEM_NONE        0    /* no further BEGIN line */
#define WT_PEM_FOUND       1
#define WT_PEM_UNTERMINATED (-1) /* a BEGIN line without its END line (the block's label is set) */

/**
 * \brief Find the next block of `t` and move past it.
 * \return WT_PEM_FOUND (`b` set), WT_PEM_NONE, or WT_PEM_UNTERMINATED (b->label set;
 * the text is consumed).
 */
int wt_pem_next(wt_pem_text *t, wt_pem_block *b);

/** \brief 1 when the input has a "-----BEGIN " anywhere: PEM text rather than DER. */
int wt_pem_looks(const uint8_t *data, size_t len);

/** \brief 1 when the block's label is exactly `label` (NUL-terminated). */
int wt_pem_label_is(const wt_pem_block *b, const char *label);

/** \brief Receives decoded bytes, in order, in pieces. */
typedef void (*wt_pem_dest)(void *ctx, const void *buf, size_t len);

/**
 * \brief Decode the block's Base64 body, handing the bytes to `dest` (may be NULL: check only).
 * \return 0, or -1 when the body holds a character that is neither Base64 nor
 * whitespace, padding anywhere but at the end, or a number of Base64 characters
 * that is not a whole number of quantums. Bytes given to `dest` before an error
 * are not valid.
 */
int wt_pem_decode(const wt_pem_block *b, wt_pem_dest dest, void *ctx);

#endif
