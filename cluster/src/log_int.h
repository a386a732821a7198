/* SPDX-License-Identifier: BSD-2-Clause */
/* log_int.h: private to cluster/: the log layer's shared internals (compiled schemas, value
 * formatting, growable buffers, CRC-framed records). */
#ifndef STEER_CLU_LOG_INT_H
#define STEER_CLU_LOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <steer/clu_log.h>

/* Base types of a column (a set/vector column has its element's). */
enum clu__ftype {
	CLU__T_TIME = 1,
	CLU__T_INTERVAL,
	CLU__T_STRING,
	CLU__T_ADDR,
	CLU__T_PORT,
	CLU__T_ENUM,
	CLU__T_COUNT,
	CLU__T_INT,
	CLU__T_DOUBLE,
	CLU__T_BOOL,
	CLU__T_SUBNET,
};

enum clu__container { CLU__C_NONE = 0, CLU__C_SET, CLU__C_VECTOR };

struct clu_log_stream {
	struct clu_log_schema schema; /* points into fields / strings below */
	struct clu_log_field *fields;
	uint8_t *base;      /* enum clu__ftype per field */
	uint8_t *container; /* enum clu__container per field */
	uint8_t *name_len;  /* strlen of each field name (at most CLU_LOG_MAX_NAME) */
	char *desc;         /* the descriptor (clu_log_stream_descriptor) */
	size_t desc_len;
	char *strings; /* path, names and types, NUL-separated */
};

/* A growable byte buffer. */
struct clu__buf {
	char *p;
	size_t len, cap;
};
/* Makes room for n more bytes. 0 or STEER_ENOMEM. */
int clu__buf_reserve(struct clu__buf *b, size_t n);
int clu__buf_put(struct clu__buf *b, const void *s, size_t n);
void clu__buf_free(struct clu__buf *b);

/* Decimal digits of v into out (at most 20); returns their count. */
size_t clu__u64dec(uint64_t v, char *out);

/* Formats v as Zeek's TSV writer does (modp_dtoa3, 6 digits, ".0" for integral values). Writes
 * at most 352 bytes and returns the length. */
size_t clu__fmt_double_tsv(double v, char *out);
/* Formats v as RapidJSON's Writer::Double does (shortest round trip, its exponent rules);
 * NaN and infinities as "null". At most 32 bytes; returns the length. */
size_t clu__fmt_double_json(double v, char *out);
/* Seconds and microseconds of a signed microsecond count, as "S.UUUUUU" (TSV, always 6
 * decimals) or the shortest decimal (JSON). At most 32 bytes; returns the length. */
size_t clu__fmt_usec(int64_t usec, bool json, char *out);

/* Local time as %Y-%m-%d-%H-%M-%S (#open / #close), %Y-%m-%d or %H:%M:%S (archive names). */
enum clu__tmfmt { CLU__TM_HEADER, CLU__TM_DATE, CLU__TM_CLOCK };
void clu__fmt_localtime(time_t t, enum clu__tmfmt which, char *buf, size_t cap);

/* Length of the valid UTF-8 sequence at s (n bytes left) under Zeek's rules for log text
 * (RFC 3629 strict; C0/C1 controls, DEL, private use U+E000-F8FF and U+FFF0-FFFF refused), or
 * 0 when it is not one. For a byte below 0x80 only printable ASCII counts. */
size_t clu__utf8_ok(const unsigned char *s, size_t n);

/* CRC-32 (zlib's) of n bytes. */
uint32_t clu__crc32(const void *p, size_t n);

/* Little-endian fixed-width encoders / bounds-checked decoders for the journal and spool. */
void clu__put_u32(struct clu__buf *b, uint32_t v);
void clu__put_u64(struct clu__buf *b, uint64_t v);
void clu__put_str(struct clu__buf *b, const char *s, size_t n); /* u32 length + bytes */
struct clu__rd {
	const unsigned char *p;
	size_t n;
	bool bad;
};
uint32_t clu__get_u32(struct clu__rd *r);
uint64_t clu__get_u64(struct clu__rd *r);
/* A string of at most max bytes, copied NUL-terminated into out (max + 1 bytes). */
size_t clu__get_str(struct clu__rd *r, char *out, size_t max);
/* A borrowed byte string (no copy). */
const char *clu__get_bytes(struct clu__rd *r, size_t *len);

/* Framed records: u32 magic, u32 body length, u32 CRC of the body, body. */
#define CLU__REC_HDR 12u
/* Appends the frame header for body (already in b from offset start + CLU__REC_HDR). */
void clu__rec_seal(struct clu__buf *b, size_t start, uint32_t magic);
/* Reserves the header at the end of b; returns its offset for clu__rec_seal. */
size_t clu__rec_start(struct clu__buf *b);
/* Checks the frame at p (n bytes left). Returns the whole frame's length with *body / *blen
 * set, or 0 if it is torn, corrupt or of another magic. */
size_t clu__rec_check(const unsigned char *p, size_t n, uint32_t magic, const unsigned char **body,
                      size_t *blen);

/* Writes all of n bytes at off (pwrite, restarting on EINTR / short writes). 0 or -1 (errno). */
int clu__pwrite_all(int fd, const void *p, size_t n, uint64_t off);
int clu__write_all(int fd, const void *p, size_t n);
/* Reads a whole file into b (appending). 0, or -1 with errno. */
int clu__read_file(const char *path, struct clu__buf *b);
/* mkdir if missing. 0 or -1 with errno. */
int clu__mkdir(const char *path);
/* fsync a directory. */
void clu__fsync_dir(const char *dir);

#endif

/* ---- log_dir.c internals used by the store (log_store.c) ---- */
struct clu_logdir;

/* A stream's file as the store journals it. */
struct clu__ldinfo {
	bool live;        /* a live file exists */
	uint64_t len;     /* its length, everything written (after clu__logdir_flush_path) */
	time_t created;   /* #open */
	time_t name_open; /* the archive name's open time */
	const struct clu_log_stream *schema;
};
/* Looks a path up. Returns false when the directory has never seen it. */
bool clu__logdir_info(const struct clu_logdir *d, const char *path, struct clu__ldinfo *out);
/* Writes out one stream's buffer (and fdatasync with opts.fsync). 0 or STEER_EIO. */
int clu__logdir_flush_path(struct clu_logdir *d, const char *path, char *errbuf);
/* Recovery: takes over the live file of a stream as the journal knows it, truncated to len.
 * STEER_ENOENT when the file is missing, STEER_EIO when it is shorter than len. */
int clu__logdir_restore(struct clu_logdir *d, const struct clu_log_stream *st, uint64_t len,
                        time_t created, time_t name_open, char *errbuf);
/* Rotation in two steps so that the store can journal the intent in between: plan picks the
 * close time (the end of the file's interval, or now when closing) and a free archive name
 * (relative to the archive directory); rotate appends #close, archives (temporary name, then
 * rename or link) and removes the live file. With redo, an archive of that name is the store's
 * own unfinished one and is replaced. Returns false / 0 or STEER_EIO. */
bool clu__logdir_due(const struct clu_logdir *d, const char *path, time_t now, time_t *close);
int clu__logdir_plan(struct clu_logdir *d, const char *path, time_t close, char *name, size_t cap);
int clu__logdir_rotate(struct clu_logdir *d, const char *path, time_t close, const char *name,
                       bool redo, char *errbuf);
/* Paths of the streams the directory knows (NULL past the end). */
const char *clu__logdir_path_at(const struct clu_logdir *d, size_t i);
time_t clu__logdir_now(const struct clu_logdir *d);
/* A live file found where a stream's file is to be created is set aside (renamed to
 * <name>.orphan-<time>) rather than truncated as `zeek -r` would; always so with rotation. */
void clu__logdir_keep_foreign(struct clu_logdir *d);
/* Closes without rotating or writing #close (the store's close of a directory it rotates
 * itself). Frees d. */
void clu__logdir_abandon(struct clu_logdir *d);
