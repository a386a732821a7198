/* SPDX-License-Identifier: BSD-2-Clause */
/* capfile.c: capture files built byte by byte for the capture tests (see capfile.h). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capfile.h"

void capbuf_bytes(struct capbuf *c, const void *p, size_t n)
{
	if (c->n + n > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		while (cap < c->n + n)
			cap *= 2;
		c->b = realloc(c->b, cap);
		assert_non_null(c->b);
		c->cap = cap;
	}
	if (n)
		memcpy(c->b + c->n, p, n);
	c->n += n;
}

void capbuf_u16(struct capbuf *c, uint16_t v)
{
	if (c->swapped)
		v = __builtin_bswap16(v);
	capbuf_bytes(c, &v, 2);
}

void capbuf_u32(struct capbuf *c, uint32_t v)
{
	if (c->swapped)
		v = __builtin_bswap32(v);
	capbuf_bytes(c, &v, 4);
}

void capbuf_free(struct capbuf *c)
{
	free(c->b);
	memset(c, 0, sizeof(*c));
}

void capbuf_pcap_header(struct capbuf *c, bool nano, uint32_t snaplen, uint32_t linktype)
{
	capbuf_u32(c, nano ? 0xa1b23c4du : 0xa1b2c3d4u);
	capbuf_u16(c, 2);
	capbuf_u16(c, 4);
	capbuf_u32(c, 0);
	capbuf_u32(c, 0);
	capbuf_u32(c, snaplen);
	capbuf_u32(c, linktype);
}

void capbuf_pcap_record(struct capbuf *c, uint32_t sec, uint32_t frac, uint32_t caplen,
                        uint32_t len, const uint8_t *data)
{
	capbuf_u32(c, sec);
	capbuf_u32(c, frac);
	capbuf_u32(c, caplen);
	capbuf_u32(c, len);
	capbuf_bytes(c, data, caplen);
}

/* A pcapng block: type, total length, body padded to 32 bits, total length again. */
static void pcapng_block(struct capbuf *c, uint32_t type, const struct capbuf *body)
{
	static const uint8_t pad[4];
	size_t padded = (body->n + 3) & ~(size_t)3;
	capbuf_u32(c, type);
	capbuf_u32(c, (uint32_t)(12 + padded));
	capbuf_bytes(c, body->b, body->n);
	capbuf_bytes(c, pad, padded - body->n);
	capbuf_u32(c, (uint32_t)(12 + padded));
}

void capbuf_pcapng_header(struct capbuf *c, uint16_t linktype, uint32_t snaplen, bool nano)
{
	struct capbuf shb = {0}, idb = {0};
	capbuf_u32(&shb, 0x1a2b3c4d); /* byte-order magic */
	capbuf_u16(&shb, 1);
	capbuf_u16(&shb, 0);
	capbuf_u32(&shb, 0xffffffff); /* section length unknown (-1) */
	capbuf_u32(&shb, 0xffffffff);
	pcapng_block(c, 0x0a0d0d0a, &shb);
	capbuf_u16(&idb, linktype);
	capbuf_u16(&idb, 0);
	capbuf_u32(&idb, snaplen);
	capbuf_u16(&idb, 9); /* if_tsresol: 10^-6 or 10^-9 */
	capbuf_u16(&idb, 1);
	const uint8_t res[4] = {nano ? 9 : 6, 0, 0, 0};
	capbuf_bytes(&idb, res, 4);
	capbuf_u32(&idb, 0); /* opt_endofopt */
	pcapng_block(c, 1, &idb);
	capbuf_free(&shb);
	capbuf_free(&idb);
}

void capbuf_pcapng_packet(struct capbuf *c, uint64_t ts, uint32_t caplen, uint32_t len,
                          const uint8_t *data)
{
	struct capbuf epb = {0};
	capbuf_u32(&epb, 0); /* interface 0 */
	capbuf_u32(&epb, (uint32_t)(ts >> 32));
	capbuf_u32(&epb, (uint32_t)ts);
	capbuf_u32(&epb, caplen);
	capbuf_u32(&epb, len);
	capbuf_bytes(&epb, data, caplen);
	pcapng_block(c, 6, &epb);
	capbuf_free(&epb);
}

static char tmpdir[64];

static void capfile_cleanup(void)
{
	char cmd[128];
	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "capfile: could not remove %s\n", tmpdir);
	}
}

const char *capfile_path(const char *name)
{
	static char path[256];
	if (!tmpdir[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(tmpdir, sizeof(tmpdir), "%s/steer-captest.XXXXXX",
		         t && strlen(t) < 32 ? t : "/tmp");
		assert_non_null(mkdtemp(tmpdir));
		atexit(capfile_cleanup);
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

const char *capfile_write(const char *name, const void *b, size_t n)
{
	const char *path = capfile_path(name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

uint8_t *capfile_read(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct capbuf c = {0};
	uint8_t buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		capbuf_bytes(&c, buf, k);
	fclose(f);
	*n = c.n;
	if (!c.b)
		c.b = malloc(1);
	return c.b;
}

void capread_file(const char *path, unsigned flags, struct capread *out)
{
	struct cap_reader *r = NULL;
	size_t cap = 0;
	memset(out, 0, sizeof(*out));
	out->open_rc = cap_reader_open_file(path, flags, &r, out->err);
	if (out->open_rc != 0) {
		assert_null(r);
		return;
	}
	out->prec = cap_reader_precision(r);
	out->format = cap_reader_format(r);
	out->linktype = cap_reader_linktype(r);
	out->snaplen = cap_reader_snaplen(r);
	for (;;) {
		struct cap_pkthdr h;
		const uint8_t *d = NULL;
		int rc = cap_reader_next(r, &h, &d);
		if (rc != CAP_PACKET) {
			out->last = rc;
			snprintf(out->err, sizeof(out->err), "%s", cap_reader_error(r));
			break;
		}
		if (out->n == cap) {
			cap = cap ? 2 * cap : 64;
			out->pkts = realloc(out->pkts, cap * sizeof(*out->pkts));
			assert_non_null(out->pkts);
		}
		struct cappkt *p = &out->pkts[out->n++];
		p->h = h;
		p->data = malloc(h.caplen ? h.caplen : 1);
		assert_non_null(p->data);
		if (h.caplen)
			memcpy(p->data, d, h.caplen);
		assert_int_equal(cap_reader_count(r), out->n);
	}
	cap_reader_close(r);
}

void capread_free(struct capread *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->pkts[i].data);
	free(r->pkts);
	r->pkts = NULL;
	r->n = 0;
}

void capfill(uint8_t *p, size_t n, unsigned seed)
{
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}
