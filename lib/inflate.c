// SPDX-License-Identifier: MIT
/*
 * inflate.c - gzip (RFC 1952) around deflate (RFC 1951), decompressed into a
 * buffer of bounded size, so that /proc/config.gz can be read without zlib.
 * Written from the two RFCs; every input byte is checked: the gzip header's
 * flags and reserved bits, its optional fields and header CRC, each deflate
 * block's type, stored lengths, Huffman code lengths (neither over-subscribed
 * nor incomplete, as zlib insists), symbols and distances, and the trailer's
 * CRC-32 and length.  A stream that is cut short, carries garbage after its
 * last member or would grow past the caller's limit is refused with the
 * byte offset where it went wrong.
 *
 *   gzip member:
 *   +----+----+----+-----+-------+-----+----+ [extra] [name\0] [comment\0] [crc16]
 *   | 1f | 8b | CM | FLG | MTIME | XFL | OS |
 *   +----+----+----+-----+-------+-----+----+
 *   | deflate blocks ...                    | CRC-32 (LE) | ISIZE (LE, size mod 2^32) |
 *
 *   deflate block: BFINAL:1 BTYPE:2, then by type
 *     00 stored:  to a byte boundary, LEN, ~LEN, LEN bytes
 *     01 fixed:   literal/length and distance codes of RFC 1951 3.2.6
 *     10 dynamic: HLIT:5 HDIST:5 HCLEN:4, code length codes, the two codes
 *   Bits are read from the least significant bit of each byte up; Huffman
 *   codes arrive most significant bit first.
 *
 * Pure computation: no syscalls, no printing, no state between calls; the
 * fuzzer (fuzz/inflate_fuzz.c) runs it on arbitrary bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/externs.h"

#define MAX_CODE_BITS 15
#define LITLEN_CODES 288 /* 286 and 287 take part in the fixed code but are invalid */
#define DIST_CODES 32    /* likewise 30 and 31 */
#define CODELEN_CODES 19

struct huffman {
	uint16_t count[MAX_CODE_BITS + 1]; /* codes of each length */
	uint16_t symbol[LITLEN_CODES];    /* symbols ordered by code */
};

struct inflate_state {
	const uint8_t *in;
	size_t in_len, pos; /* pos: the next whole byte to read */
	uint32_t bits;      /* bits read ahead, least significant first */
	unsigned int nbits;
	uint8_t *out;
	size_t out_len, out_cap, max_out;
	const char *what;
	struct xdpl_error *e;
};

static int truncated(struct inflate_state *s)
{
	return err_set(s->e, -EBADMSG, "inflate: %s: the deflate data ends at byte %zu, before its last block does",
		       s->what, s->in_len);
}

static int bits_get(struct inflate_state *s, unsigned int need, uint32_t *value)
{
	while (s->nbits < need) {
		if (s->pos == s->in_len)
			return truncated(s);
		s->bits |= (uint32_t)s->in[s->pos++] << s->nbits;
		s->nbits += 8;
	}
	*value = s->bits & ((1U << need) - 1);
	s->bits >>= need;
	s->nbits -= need;
	return 0;
}

static int out_reserve(struct inflate_state *s, size_t more)
{
	size_t cap;
	uint8_t *grown;

	if (more > s->max_out - s->out_len)
		return err_set(s->e, -EFBIG, "inflate: %s: decompresses to more than %zu bytes", s->what,
			       s->max_out);
	if (s->out_len + more <= s->out_cap)
		return 0;
	cap = s->out_cap ? s->out_cap : 4096;
	while (cap < s->out_len + more)
		cap = cap > s->max_out / 2 ? s->max_out : cap * 2;
	grown = realloc(s->out, cap);
	if (!grown)
		return err_set(s->e, -ENOMEM, "inflate: %s: out of memory for %zu bytes", s->what, cap);
	s->out = grown;
	s->out_cap = cap;
	return 0;
}

/*
 * Canonical Huffman codes from code lengths (RFC 1951 3.2.2).  A set that
 * claims more codes than its lengths allow is refused; so is one that leaves
 * codes unused, except, where `sparse` allows, no code at all or a single
 * one-bit code (a block of literals only, or using one distance), which is
 * what zlib accepts too.
 */
static int huffman_build(struct huffman *h, const uint8_t *lengths, unsigned int n, bool sparse,
			 const char *which, struct inflate_state *s)
{
	uint16_t offs[MAX_CODE_BITS + 2];
	int left = 1;
	unsigned int used = 0;

	memset(h->count, 0, sizeof(h->count));
	for (unsigned int i = 0; i < n; i++)
		h->count[lengths[i]]++;
	for (unsigned int len = 1; len <= MAX_CODE_BITS; len++) {
		left = left * 2 - h->count[len];
		used += h->count[len];
		if (left < 0)
			return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: the %s code lengths are over-subscribed",
				       s->what, s->pos, which);
	}
	if (left > 0 && !(sparse && (used == 0 || (used == 1 && h->count[1] == 1))))
		return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: the %s code lengths are incomplete",
			       s->what, s->pos, which);
	offs[1] = 0;
	for (unsigned int len = 1; len <= MAX_CODE_BITS; len++)
		offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
	for (unsigned int i = 0; i < n; i++)
		if (lengths[i])
			h->symbol[offs[lengths[i]]++] = (uint16_t)i;
	return 0;
}

/* One symbol: walk the code a bit at a time, first code of each length onwards. */
static int huffman_decode(struct inflate_state *s, const struct huffman *h, const char *which,
			  unsigned int *symbol)
{
	int code = 0, first = 0, index = 0;

	for (unsigned int len = 1; len <= MAX_CODE_BITS; len++) {
		uint32_t bit;
		int err = bits_get(s, 1, &bit);

		if (err)
			return err;
		code |= (int)bit;
		if (code - first < h->count[len]) {
			*symbol = h->symbol[index + code - first];
			return 0;
		}
		index += h->count[len];
		first = (first + h->count[len]) << 1;
		code <<= 1;
	}
	return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: a bit sequence that is no %s code",
		       s->what, s->pos, which);
}

/* RFC 1951 3.2.5: lengths 3..258 and distances 1..32768, as bases and extra bits. */
static const uint16_t length_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t length_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
};
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
};

/* Literals and back-references until the end-of-block symbol. */
static int block_codes(struct inflate_state *s, const struct huffman *litlen,
		       const struct huffman *dist)
{
	for (;;) {
		unsigned int sym, dsym;
		uint32_t extra;
		size_t len, distance;
		int err = huffman_decode(s, litlen, "literal/length", &sym);

		if (err)
			return err;
		if (sym < 256) {
			err = out_reserve(s, 1);
			if (err)
				return err;
			s->out[s->out_len++] = (uint8_t)sym;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: length symbol %u is reserved",
				       s->what, s->pos, sym + 257);
		err = bits_get(s, length_extra[sym], &extra);
		if (err)
			return err;
		len = length_base[sym] + extra;
		err = huffman_decode(s, dist, "distance", &dsym);
		if (err)
			return err;
		if (dsym >= 30)
			return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: distance symbol %u is reserved",
				       s->what, s->pos, dsym);
		err = bits_get(s, dist_extra[dsym], &extra);
		if (err)
			return err;
		distance = dist_base[dsym] + extra;
		if (distance > s->out_len)
			return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: a distance of %zu reaches before the start of the output (%zu bytes so far)",
				       s->what, s->pos, distance, s->out_len);
		err = out_reserve(s, len);
		if (err)
			return err;
		/* Byte by byte: a copy may overlap what it is writing (distance < length). */
		for (size_t i = 0; i < len; i++, s->out_len++)
			s->out[s->out_len] = s->out[s->out_len - distance];
	}
}

static int block_stored(struct inflate_state *s)
{
	uint16_t len, nlen;

	/* Whole bytes from here: drop the rest of the current byte. */
	s->bits = 0;
	s->nbits = 0;
	if (s->in_len - s->pos < 4)
		return truncated(s);
	len = (uint16_t)(s->in[s->pos] | s->in[s->pos + 1] << 8);
	nlen = (uint16_t)(s->in[s->pos + 2] | s->in[s->pos + 3] << 8);
	if ((len ^ nlen) != 0xffff)
		return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: a stored block's length %u does not match its complement 0x%04x",
			       s->what, s->pos, len, nlen);
	s->pos += 4;
	if (s->in_len - s->pos < len)
		return truncated(s);
	int err = out_reserve(s, len);

	if (err)
		return err;
	if (len)
		memcpy(s->out + s->out_len, s->in + s->pos, len);
	s->out_len += len;
	s->pos += len;
	return 0;
}

static int block_fixed(struct inflate_state *s)
{
	struct huffman litlen, dist;
	uint8_t lengths[LITLEN_CODES];
	int err;

	memset(lengths, 8, 144);
	memset(lengths + 144, 9, 112);
	memset(lengths + 256, 7, 24);
	memset(lengths + 280, 8, 8);
	err = huffman_build(&litlen, lengths, LITLEN_CODES, false, "fixed literal/length", s);
	memset(lengths, 5, DIST_CODES);
	if (!err)
		err = huffman_build(&dist, lengths, DIST_CODES, false, "fixed distance", s);
	return err ? err : block_codes(s, &litlen, &dist);
}

static int block_dynamic(struct inflate_state *s)
{
	static const uint8_t order[CODELEN_CODES] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
						      11, 4, 12, 3, 13, 2, 14, 1, 15 };
	uint8_t lengths[LITLEN_CODES + DIST_CODES] = { 0 };
	struct huffman codelen, litlen, dist;
	uint32_t hlit, hdist, hclen, v;
	unsigned int n = 0;
	int err;

	if ((err = bits_get(s, 5, &hlit)) || (err = bits_get(s, 5, &hdist)) ||
	    (err = bits_get(s, 4, &hclen)))
		return err;
	hlit += 257;
	hdist += 1;
	hclen += 4;
	if (hlit > 286 || hdist > 30)
		return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: a dynamic block claims %u literal/length and %u distance codes (at most 286 and 30)",
			       s->what, s->pos, hlit, hdist);
	for (unsigned int i = 0; i < hclen; i++) {
		err = bits_get(s, 3, &v);
		if (err)
			return err;
		lengths[order[i]] = (uint8_t)v;
	}
	err = huffman_build(&codelen, lengths, CODELEN_CODES, false, "code length", s);
	if (err)
		return err;
	memset(lengths, 0, sizeof(lengths));
	while (n < hlit + hdist) {
		unsigned int sym, repeat;
		uint8_t value = 0;

		err = huffman_decode(s, &codelen, "code length", &sym);
		if (err)
			return err;
		if (sym < 16) {
			lengths[n++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (n == 0)
				return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: a dynamic block repeats the previous code length before there is one",
					       s->what, s->pos);
			value = lengths[n - 1];
			err = bits_get(s, 2, &v);
			repeat = 3 + v;
		} else if (sym == 17) {
			err = bits_get(s, 3, &v);
			repeat = 3 + v;
		} else {
			err = bits_get(s, 7, &v);
			repeat = 11 + v;
		}
		if (err)
			return err;
		if (repeat > hlit + hdist - n)
			return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: a dynamic block repeats a code length past its %u codes",
				       s->what, s->pos, hlit + hdist);
		memset(lengths + n, value, repeat);
		n += repeat;
	}
	if (lengths[256] == 0)
		return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: a dynamic block has no end-of-block code",
			       s->what, s->pos);
	err = huffman_build(&litlen, lengths, hlit, true, "literal/length", s);
	if (!err)
		err = huffman_build(&dist, lengths + hlit, hdist, true, "distance", s);
	return err ? err : block_codes(s, &litlen, &dist);
}

/* Every block of one deflate stream; *pos ends at the byte after its last bit. */
static int deflate_stream(struct inflate_state *s)
{
	uint32_t final, type;
	int err;

	do {
		if ((err = bits_get(s, 1, &final)) || (err = bits_get(s, 2, &type)))
			return err;
		switch (type) {
		case 0:
			err = block_stored(s);
			break;
		case 1:
			err = block_fixed(s);
			break;
		case 2:
			err = block_dynamic(s);
			break;
		default:
			return err_set(s->e, -EBADMSG, "inflate: %s: byte %zu: block type 3 is reserved",
				       s->what, s->pos);
		}
		if (err)
			return err;
	} while (!final);
	/* The unused high bits of the last byte are padding; whole bytes read ahead go back. */
	s->pos -= s->nbits / 8;
	s->bits = 0;
	s->nbits = 0;
	return 0;
}

int inflate_raw(const uint8_t *in, size_t in_len, size_t max_out, const char *what,
		uint8_t **out, size_t *out_len, size_t *in_used, struct xdpl_error *e)
{
	struct inflate_state s = { in, in_len, 0, 0, 0, NULL, 0, 0, max_out, what, e };
	int err = deflate_stream(&s);

	if (!err && !s.out && !(s.out = malloc(1)))
		err = err_set(e, -ENOMEM, "inflate: %s: out of memory", what);
	if (err) {
		free(s.out);
		return err;
	}
	*out = s.out;
	*out_len = s.out_len;
	*in_used = s.pos;
	return 0;
}

/* CRC-32 of RFC 1952 8 (polynomial 0xedb88320, reflected), four bits at a time. */
uint32_t gzip_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	static const uint32_t nibble[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
		0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};

	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ nibble[crc & 15];
		crc = (crc >> 4) ^ nibble[crc & 15];
	}
	return ~crc;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define GZ_FTEXT 0x01
#define GZ_FHCRC 0x02
#define GZ_FEXTRA 0x04
#define GZ_FNAME 0x08
#define GZ_FCOMMENT 0x10
#define GZ_RESERVED 0xe0

/* The header of the member at *pos; *pos ends where its deflate data starts. */
static int gzip_header(const uint8_t *in, size_t len, size_t *pos, const char *what,
		       struct xdpl_error *e)
{
	size_t start = *pos, p = start + 10;
	uint8_t flags;

	if (len - start < 10)
		return err_set(e, -EBADMSG, "gzip: %s: byte %zu: %zu bytes left, too few for a gzip header (10)",
			       what, start, len - start);
	if (in[start] != 0x1f || in[start + 1] != 0x8b)
		return err_set(e, -EBADMSG, "gzip: %s: byte %zu: magic 0x%02x%02x, not 0x1f8b: not gzip data",
			       what, start, in[start], in[start + 1]);
	if (in[start + 2] != 8)
		return err_set(e, -EBADMSG, "gzip: %s: byte %zu: compression method %u, not 8 (deflate)",
			       what, start + 2, in[start + 2]);
	flags = in[start + 3];
	if (flags & GZ_RESERVED)
		return err_set(e, -EBADMSG, "gzip: %s: byte %zu: flags 0x%02x set reserved bits",
			       what, start + 3, flags);
	if (flags & GZ_FEXTRA) {
		size_t xlen;

		if (len - p < 2)
			goto cut;
		xlen = (size_t)in[p] | (size_t)in[p + 1] << 8;
		p += 2;
		if (len - p < xlen)
			goto cut;
		p += xlen;
	}
	for (uint8_t f = GZ_FNAME; f <= GZ_FCOMMENT; f <<= 1) {
		const uint8_t *nul;

		if (!(flags & f))
			continue;
		nul = p < len ? memchr(in + p, '\0', len - p) : NULL;
		if (!nul)
			goto cut;
		p = (size_t)(nul - in) + 1;
	}
	if (flags & GZ_FHCRC) {
		uint32_t want;

		if (len - p < 2)
			goto cut;
		want = (uint32_t)in[p] | (uint32_t)in[p + 1] << 8;
		if ((gzip_crc32(0, in + start, p - start) & 0xffff) != want)
			return err_set(e, -EBADMSG, "gzip: %s: byte %zu: the header CRC 0x%04x does not match the header",
				       what, p, want);
		p += 2;
	}
	*pos = p;
	return 0;
cut:
	return err_set(e, -EBADMSG, "gzip: %s: the header of the member at byte %zu is cut off by the end of the data",
		       what, start);
}

/*
 * Every member of a gzip file, concatenated, as gzip -d does; the data must
 * end exactly after the last member's trailer.
 */
int gzip_inflate(const uint8_t *in, size_t len, size_t max_out, const char *what, uint8_t **out,
		 size_t *out_len, struct xdpl_error *e)
{
	struct inflate_state s = { in, len, 0, 0, 0, NULL, 0, 0, max_out, what, e };
	int err = 0;

	do {
		size_t member_start;

		err = gzip_header(in, len, &s.pos, what, e);
		if (err)
			break;
		member_start = s.out_len;
		err = deflate_stream(&s);
		if (err)
			break;
		if (len - s.pos < 8) {
			err = err_set(e, -EBADMSG, "gzip: %s: byte %zu: the trailer (CRC-32 and size) is cut off",
				      what, s.pos);
			break;
		}
		uint32_t crc = s.out_len > member_start
				       ? gzip_crc32(0, s.out + member_start, s.out_len - member_start)
				       : 0;
		uint32_t want_crc = le32(in + s.pos), want_size = le32(in + s.pos + 4);

		if (crc != want_crc) {
			err = err_set(e, -EBADMSG, "gzip: %s: byte %zu: CRC-32 0x%08x of the data does not match the trailer's 0x%08x",
				      what, s.pos, crc, want_crc);
			break;
		}
		if ((uint32_t)(s.out_len - member_start) != want_size) {
			err = err_set(e, -EBADMSG, "gzip: %s: byte %zu: %zu bytes decompressed, but the trailer says %u",
				      what, s.pos + 4, s.out_len - member_start, want_size);
			break;
		}
		s.pos += 8;
	} while (s.pos < len);
	if (!err && !s.out && !(s.out = malloc(1)))
		err = err_set(e, -ENOMEM, "inflate: %s: out of memory", what);
	if (err) {
		free(s.out);
		return err;
	}
	*out = s.out;
	*out_len = s.out_len;
	return 0;
}
