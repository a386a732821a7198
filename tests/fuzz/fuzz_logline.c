/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_logline.c: libFuzzer target for what a logger takes from a peer: the line validator
 * (clu_logline_check) and the stream descriptor parser (clu_log_stream_decode). Input: byte 0
 * picks the format (bit 0) and the field count (the rest); then a descriptor up to a 0xff byte,
 * then record lines separated by '\n'. A descriptor that parses is used for the field count,
 * and a record built from it with every field unset must pass the validator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <steer/clu_log.h>
#include <steer/error.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum clu_log_format fmt = (data[0] & 1) ? CLU_LOG_JSON : CLU_LOG_TSV;
	unsigned nf = (unsigned)(data[0] >> 1) + 1;
	data++;
	size--;
	const uint8_t *sep = memchr(data, 0xff, size);
	size_t dlen = sep ? (size_t)(sep - data) : 0;
	char err[STEER_ERRBUF_SIZE];
	struct clu_log_stream *st = NULL;
	if (sep && clu_log_stream_decode(data, dlen, &st, err) == 0) {
		nf = clu_log_stream_schema(st)->nfields;
		struct clu_logrec *r;
		if (clu_logrec_new(st, fmt, &r) == 0) {
			clu_logrec_begin(r);
			for (unsigned i = 0; i < nf; i++)
				clu_logrec_unset(r);
			const char *line;
			size_t len;
			if (clu_logrec_end(r, &line, &len) ||
			    clu_logline_check(fmt, nf, line, len - 1, err, sizeof(err)))
				abort(); /* the builder's own output must pass */
			clu_logrec_free(r);
		}
		clu_log_stream_free(st);
	}
	const uint8_t *p = sep ? sep + 1 : data, *end = data + size;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* an exact-size copy so that a read past the line is caught */
		char *line = malloc(n ? n : 1);
		if (!line)
			return 0;
		memcpy(line, p, n);
		clu_logline_check(fmt, nf, line, n, err, sizeof(err));
		free(line);
		p += n + 1;
	}
	return 0;
}
