/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_log.h: Zeek-style log streams: schemas, the record builder (Zeek's ASCII/TSV writer
 * and its JSON mode, byte for byte: REFERENCE-cluster.md 2.1, 2.2) and the line validator. */
#ifndef STEER_CLU_LOG_H
#define STEER_CLU_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/addr.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* The cluster's log format: Zeek's TSV (LogAscii defaults) or JSON lines (LogAscii::use_json). */
enum clu_log_format {
	CLU_LOG_TSV = 0,
	CLU_LOG_JSON = 1,
};

/* Limits of a schema (checked by clu_log_stream_new and clu_log_stream_decode). */
#define CLU_LOG_MAX_FIELDS 128
#define CLU_LOG_MAX_NAME   64 /* longest path or field name, in bytes */

/* ---- schemas ---- */

/* One column: its name (flattened with '.', as `id.orig_h`) and its Zeek type name: `time`,
 * `interval`, `string`, `addr`, `port`, `enum`, `count`, `int`, `double`, `bool`, `subnet`, or
 * `set[T]` / `vector[T]` of one of those. */
struct clu_log_field {
	const char *name;
	const char *type;
};

/* A stream's schema: its path ("conn" writes conn.log) and its columns in order. Plain data:
 * code defines its own as static const tables (e.g. steering.log) next to the built-in ones. */
struct clu_log_schema {
	const char *path;
	unsigned nfields;
	const struct clu_log_field *fields;
};

/* The schemas of the logs steer writes, as Zeek writes them (REFERENCE-cluster.md 1.1, 4-8):
 * "conn" (22 fields), "known_hosts", "known_services", "notice" (26), "cluster", "weird",
 * "capture_loss", "stats". Returns the schema or NULL for another path. */
const struct clu_log_schema *clu_log_schema_builtin(const char *path);
/* All of them, *n set to their count. */
const struct clu_log_schema *const *clu_log_schemas(unsigned *n);

/* A validated, compiled copy of a schema that owns its strings: what the record builder, the
 * writers and the store work from. Path and names: 1..CLU_LOG_MAX_NAME bytes of [A-Za-z0-9_.-]
 * (a path may not start with '.'), names unique, at most CLU_LOG_MAX_FIELDS fields, types as
 * above. */
struct clu_log_stream;

/* Checks and compiles s. Returns 0 with *out set (free with clu_log_stream_free), or
 * STEER_EINVAL with errbuf (STEER_ERRBUF_SIZE) naming the path and the faulty field, or
 * STEER_ENOMEM; *out is then NULL. */
int clu_log_stream_new(const struct clu_log_schema *s, struct clu_log_stream **out, char *errbuf);
void clu_log_stream_free(struct clu_log_stream *st);
/* The schema (pointers into st, valid for its life). */
const struct clu_log_schema *clu_log_stream_schema(const struct clu_log_stream *st);
/* True when a and b have the same path, names and types. */
bool clu_log_stream_equal(const struct clu_log_stream *a, const struct clu_log_stream *b);

/* The stream descriptor that travels with a batch, as text: three '\n'-terminated lines, the
 * path, the field names joined by tabs, the type names joined by tabs (as #fields / #types).
 * Returns a pointer into st (valid for its life) and its length in *len. */
const char *clu_log_stream_descriptor(const struct clu_log_stream *st, size_t *len);
/* Parses a descriptor from untrusted bytes (a peer may lie): every rule of clu_log_stream_new
 * plus the exact layout. Returns 0 with *out set, or STEER_EINVAL / STEER_ENOMEM with errbuf
 * saying what is wrong; *out is then NULL. */
int clu_log_stream_decode(const void *buf, size_t len, struct clu_log_stream **out, char *errbuf);

/* ---- the record builder (the sender's hot path) ---- */

/* Builds one record at a time in a stream's format. After clu_logrec_begin, append every field
 * in schema order with the call for its type (a set/vector: clu_logrec_set_open, its elements
 * with the element type's call, clu_logrec_set_close), then clu_logrec_end. Values are
 * formatted as Zeek formats them:
 *   time, interval   from a signed count of microseconds (or nanoseconds, floored to the
 *                    microsecond as libpcap does): TSV exactly 6 decimals ("-0.500000");
 *                    JSON the shortest decimal ("1300475167.09653", "3600.0")
 *   double           TSV as Zeek's modp_dtoa3 with 6 digits ("0.1", "100.0", "0", "nan");
 *                    JSON the shortest round-trip decimal as RapidJSON ("1e-7", "100.0"),
 *                    NaN and infinities as null
 *   count, int, port decimal (a port without its protocol); bool T/F, JSON true/false
 *   addr, subnet     inet_ntop's text (IPv6 compressed, v4-mapped IPv6 as dotted IPv4), "a/len"
 *   string, enum     TSV: empty -> "(empty)", exactly "-" / "(empty)" -> "\x2d" / "\x28empty)",
 *                    tab -> \x09, backslash -> "\\", in a set element ',' -> \x2c, control
 *                    bytes and invalid UTF-8 -> \xNN (Zeek's quirk included: the whole run
 *                    between two such escapes is then escaped byte by byte); JSON: a string,
 *                    invalid UTF-8 and control bytes other than \b\f\n\r\t as "\\xNN" text
 *   unset            TSV "-", JSON key omitted (an unset vector element: "-" / null)
 *   set/vector       TSV elements joined by ',', none -> "(empty)"; JSON an array
 * A TSV line that would start with '#' starts with "\x23" instead.
 * Wrong type, too many or too few fields, or an unbalanced set is a programming error: the call
 * returns STEER_EINVAL, the record is poisoned (clu_logrec_end fails too) and clu_logrec_error
 * names the stream and the field. A malformed line is never produced. */
struct clu_logrec;

/* Creates a builder for st (which must outlive it) in fmt. Its buffer grows to the largest
 * record built and is then reused: no allocation per record. Returns 0 with *out set, or
 * STEER_ENOMEM. */
int clu_logrec_new(const struct clu_log_stream *st, enum clu_log_format fmt,
                   struct clu_logrec **out);
void clu_logrec_free(struct clu_logrec *r);

/* Starts a record (discarding any unfinished one). */
void clu_logrec_begin(struct clu_logrec *r);
/* The field appenders: each returns 0, STEER_EINVAL (see above) or STEER_ENOMEM. */
int clu_logrec_time_us(struct clu_logrec *r, int64_t usec);
int clu_logrec_time_ns(struct clu_logrec *r, int64_t nsec);
int clu_logrec_interval_us(struct clu_logrec *r, int64_t usec);
int clu_logrec_interval_ns(struct clu_logrec *r, int64_t nsec);
int clu_logrec_double(struct clu_logrec *r, double v);
int clu_logrec_count(struct clu_logrec *r, uint64_t v);
int clu_logrec_int(struct clu_logrec *r, int64_t v);
int clu_logrec_port(struct clu_logrec *r, uint16_t port);
int clu_logrec_bool(struct clu_logrec *r, bool v);
int clu_logrec_addr(struct clu_logrec *r, const struct steer_addr *a);
int clu_logrec_subnet(struct clu_logrec *r, const struct steer_addr *a, unsigned prefix_len);
/* len bytes of s (any bytes); clu_logrec_str takes a NUL-terminated string. */
int clu_logrec_string(struct clu_logrec *r, const void *s, size_t len);
int clu_logrec_str(struct clu_logrec *r, const char *s);
/* An enum value by its full name ("tcp", "Notice::ACTION_LOG"). */
int clu_logrec_enum(struct clu_logrec *r, const char *name);
/* Leaves the field unset (any type; an element of a vector too, not of a set). */
int clu_logrec_unset(struct clu_logrec *r);
/* Opens / closes the set or vector of the current field. */
int clu_logrec_set_open(struct clu_logrec *r);
int clu_logrec_set_close(struct clu_logrec *r);
/* Ends the record. Returns 0 with *line set to the formatted record ending in '\n' and *len to
 * its length (valid until the next clu_logrec_begin), or STEER_EINVAL if any field call failed
 * or fields are missing. */
int clu_logrec_end(struct clu_logrec *r, const char **line, size_t *len);
/* What the first error of the current record was ("" if none). */
const char *clu_logrec_error(const struct clu_logrec *r);

/* ---- the line validator (the logger's check of what a peer sent) ---- */

/* Checks one record line, without its '\n', of a stream with nfields fields:
 *   TSV:  exactly nfields-1 tabs, no empty field, no other byte below 0x20 nor 0x7f, valid
 *         UTF-8, and no leading '#';
 *   JSON: one JSON object (RFC 8259, strict: strings, numbers, literals, nesting up to 8)
 *         with no raw control byte, valid UTF-8, no more members than fields.
 * Returns 0, or STEER_EINVAL with why (why_len bytes, may be NULL) saying what is wrong and at
 * which byte offset. */
int clu_logline_check(enum clu_log_format fmt, unsigned nfields, const char *line, size_t len,
                      char *why, size_t why_len);

/* ---- batches: what a sender's outbox hands to the transport and the logger's store takes ----
 * A batch is one stream's formatted lines from one sender. (sender, incarnation) names one
 * sender's outbox for its life, across its restarts; seq counts that sender's batches to one
 * logger (1, 2, ...); prev is the highest lower seq the sender still held for that logger when
 * it sent this batch (0 if none), which tells the logger that the seqs between prev and seq
 * will never come (lost with a killed sender's memory). */
struct clu_logbatch {
	const char *sender;     /* the sending node's name, 1..CLU_LOG_MAX_NAME bytes */
	uint64_t incarnation;   /* random, fixed for the life of the sender's working directory */
	uint64_t seq;           /* >= 1 */
	uint64_t prev;          /* < seq */
	const char *descriptor; /* clu_log_stream_descriptor() of the stream */
	size_t descriptor_len;
	const char *lines; /* records in the cluster's format, each ending in '\n' */
	size_t len;
	uint32_t nlines;
};

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
