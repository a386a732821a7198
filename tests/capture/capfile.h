/* SPDX-License-Identifier: BSD-2-Clause */
/* capfile.h: private to the capture tests: capture files built byte by byte (classic pcap in
 * either byte order and precision, pcap-savefile(5); pcapng, draft-ietf-opsawg-pcapng), written
 * to a temporary directory of the test process, and read back whole through the reader. */
#ifndef STEER_TEST_CAPFILE_H
#define STEER_TEST_CAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/cap_pcap.h>
#include <steer/error.h>

/* A growing byte buffer; swapped: numbers in the other byte order than this host's. */
struct capbuf {
	uint8_t *b;
	size_t n, cap;
	bool swapped;
};

void capbuf_bytes(struct capbuf *c, const void *p, size_t n);
void capbuf_u16(struct capbuf *c, uint16_t v);
void capbuf_u32(struct capbuf *c, uint32_t v);
void capbuf_free(struct capbuf *c);

/* A classic pcap file header (version 2.4) in c's byte order. */
void capbuf_pcap_header(struct capbuf *c, bool nano, uint32_t snaplen, uint32_t linktype);
/* A record: header, then caplen bytes of data. */
void capbuf_pcap_record(struct capbuf *c, uint32_t sec, uint32_t frac, uint32_t caplen,
                        uint32_t len, const uint8_t *data);
/* pcapng (little-endian only): a section header, one interface (link type, snaplen, if_tsresol
 * 6 or 9), enhanced packet blocks with a timestamp in that resolution. */
void capbuf_pcapng_header(struct capbuf *c, uint16_t linktype, uint32_t snaplen, bool nano);
void capbuf_pcapng_packet(struct capbuf *c, uint64_t ts, uint32_t caplen, uint32_t len,
                          const uint8_t *data);

/* Writes n bytes to NAME in the test's temporary directory (made on first use, removed at
 * exit); returns the path, in a buffer that the next capfile_write or capfile_path reuses. */
const char *capfile_write(const char *name, const void *b, size_t n);
/* The path of NAME in the temporary directory, not created. */
const char *capfile_path(const char *name);
/* The whole content of a file (free it); *n its size. */
uint8_t *capfile_read(const char *path, size_t *n);

/* One packet as read. */
struct cappkt {
	struct cap_pkthdr h;
	uint8_t *data;
};

/* Everything a reader gives: the packets (free with capread_free), the last return of
 * cap_reader_next (CAP_EOF or a STEER_E* code) and the reader's error text then. open_rc is
 * cap_reader_open_file's return (the rest is empty when it is not 0; errbuf in err). */
struct capread {
	int open_rc, last;
	struct cappkt *pkts;
	size_t n;
	enum cap_precision prec;
	enum cap_format format;
	int linktype;
	uint32_t snaplen;
	char err[STEER_ERRBUF_SIZE];
};

void capread_file(const char *path, unsigned flags, struct capread *out);
void capread_free(struct capread *r);

/* A deterministic frame of n bytes, different for each seed. */
void capfill(uint8_t *p, size_t n, unsigned seed);

#endif
