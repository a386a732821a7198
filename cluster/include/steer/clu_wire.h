/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_wire.h: the wire format of every message between cluster nodes: a versioned header
 * and a typed payload, each decoded through bounds-checked readers. */
#ifndef STEER_CLU_WIRE_H
#define STEER_CLU_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/addr.h>
#include <steer/clu_layout.h>
#include <steer/clu_log.h>

#pragma GCC visibility push(default)

/* The header, big-endian, then the sender's name, then the payload; one ZeroMQ frame:
 *
 *   0  u32 magic     0x53544552 ("STER")
 *   4  u8  version   CLU_WIRE_VERSION
 *   5  u8  type      enum clu_msg_type
 *   6  u8  flags     0 (reserved)
 *   7  u8  namelen   1..CLU_NAME_MAX
 *   8  u64 seq       per type: the batch number, the heartbeat count, the request id
 *  16  u32 length    payload bytes
 *  20  sender name (namelen bytes, A-Z a-z 0-9 . _ -), then the payload (length bytes)
 *
 * The frame is exactly 20 + namelen + length bytes; anything else is malformed. */
#define CLU_WIRE_MAGIC   0x53544552u
#define CLU_WIRE_VERSION 1
#define CLU_WIRE_HDR     20
/* Largest payload accepted: a batch of records comfortably, and a bound on what a peer can
 * make a node allocate. */
#define CLU_WIRE_PAYLOAD_MAX (64u << 20)

enum clu_msg_type {
	CLU_MSG_HEARTBEAT = 1, /* node -> manager, every heartbeat interval */
	CLU_MSG_LOG_BATCH,     /* sender -> log sink: records of one stream (seq: batch number) */
	CLU_MSG_LOG_ACK,       /* log sink -> sender: batch seq written (or a duplicate) */
	CLU_MSG_STATUS_REQ,    /* control client -> manager (seq: request id) */
	CLU_MSG_STATUS_REP,    /* manager -> control client: the table of nodes */
	/* shared state (proxies: clu_shared.h) */
	CLU_MSG_PING,        /* node -> proxy, every heartbeat interval (seq: count) */
	CLU_MSG_PONG,        /* proxy -> node: the answer, with the proxy's state */
	CLU_MSG_SET_INSERT,  /* worker -> its proxy: insertions (seq: batch number) */
	CLU_MSG_SET_ACK,     /* proxy -> worker: batch seq went round the ring */
	CLU_MSG_SET_RING,    /* proxy -> next proxy: insertions going round (seq: the origin's) */
	CLU_MSG_SET_DELIVER, /* proxy -> its workers: insertions new to it */
	CLU_MSG_SYNC_REQ,    /* node -> proxy: send me every entry (seq: request id) */
	CLU_MSG_SYNC,        /* proxy -> node: a chunk of entries (seq: the request's) */
	CLU_MSG_KNOWN,       /* worker -> owner proxy: a host or service seen; log it if new */
	/* notices (clu_notice.h) */
	CLU_MSG_NOTICE,   /* node -> manager: a notice raised */
	CLU_MSG_SUPPRESS, /* manager -> nodes: (note, identifier) suppressed until a time */
	CLU_MSG__MAX = CLU_MSG_SUPPRESS,
};

/* Why a frame was refused (each counted apart in the metrics). */
enum clu_wire_err {
	CLU_WIRE_OK = 0,
	CLU_WIRE_ETRUNC = -1,   /* shorter than its header or its stated lengths */
	CLU_WIRE_EFOREIGN = -2, /* not steer's magic: another protocol */
	CLU_WIRE_EVERSION = -3, /* a version this build does not speak */
	CLU_WIRE_EINVAL = -4,   /* a field out of range: type, flags, name, length, payload */
};

/* A decoded message. Pointers point into the decoded frame. */
struct clu_msg {
	uint8_t type;
	uint64_t seq;
	char sender[CLU_NAME_MAX + 1];
	const uint8_t *payload;
	uint32_t len;
};

/* Decodes one frame. Returns CLU_WIRE_OK with *m set, or a clu_wire_err with a one-line
 * reason in errbuf (STEER_ERRBUF_SIZE). Reads no byte outside buf[0..n). */
int clu_wire_decode(const void *buf, size_t n, struct clu_msg *m, char *errbuf);

/* Writes the header and sender of a message with a payload of len bytes into out (at least
 * CLU_WIRE_HDR + CLU_NAME_MAX bytes); the payload follows at the returned offset. Returns the
 * header size, or 0 when sender is not a valid name or len is too large. */
size_t clu_wire_header(uint8_t *out, uint8_t type, uint64_t seq, const char *sender, uint32_t len);

const char *clu_wire_strerror(int err);
const char *clu_msg_type_name(uint8_t type);

/* ---- payloads ---- */

/* CLU_MSG_HEARTBEAT: who the sender is and how it is doing. */
struct clu_heartbeat {
	uint8_t role; /* enum clu_role */
	uint32_t pid;
	uint64_t start_us;    /* wall clock at start, microseconds since the epoch */
	uint32_t interval_ms; /* its heartbeat interval */
	uint64_t pkts_recv;   /* workers: packets received by the capture (0 elsewhere) */
	uint64_t pkts_drop;   /* workers: packets the kernel dropped */
};
#define CLU_HEARTBEAT_LEN 36

/* CLU_MSG_LOG_BATCH: a struct clu_logbatch (seq and sender in the header):
 *   u64 incarnation, u64 prev, u32 nlines, u32 descriptor length, the descriptor, the lines
 * (the rest of the payload). */
#define CLU_BATCH_FIXED 24

/* CLU_MSG_LOG_ACK (header seq: the batch answered): the store's reply. */
struct clu_ack {
	uint64_t incarnation; /* the sender's outbox it answers */
	uint64_t ack;         /* every seq <= ack is in the files */
	uint8_t verdict;      /* enum clu_batch_verdict: new, duplicate, gap (resend after ack) */
};
#define CLU_ACK_LEN 17

/* CLU_MSG_STATUS_REP: one entry per process the manager knows, in layout order. */
enum clu_node_state {
	CLU_STATE_UNSEEN = 0, /* no heartbeat since the manager started */
	CLU_STATE_UP = 1,
	CLU_STATE_DOWN = 2, /* silent for heartbeat_misses intervals */
};
struct clu_status_entry {
	char name[CLU_NAME_MAX + 1];
	uint8_t role;
	uint8_t state;
	uint32_t pid;
	uint64_t start_us;
	uint32_t hb_age_ms; /* since its last heartbeat; UINT32_MAX: never */
	uint64_t pkts_recv, pkts_drop;
};
/* Largest entry on the wire: namelen, name, then 34 bytes of fields. */
#define CLU_STATUS_ENTRY_MAX (1 + CLU_NAME_MAX + 34)

/* Encoders: write the payload into out (cap bytes); return its length, or 0 when it does not
 * fit or a name is invalid. */
size_t clu_heartbeat_encode(const struct clu_heartbeat *h, uint8_t *out, size_t cap);
size_t clu_ack_encode(const struct clu_ack *a, uint8_t *out, size_t cap);
/* A batch's payload is CLU_BATCH_FIXED + descriptor_len + len bytes; the encoder writes it all
 * (b->sender and b->seq go in the header). */
size_t clu_batch_payload_len(const struct clu_logbatch *b);
size_t clu_batch_encode(const struct clu_logbatch *b, uint8_t *out, size_t cap);
size_t clu_status_encode(const struct clu_status_entry *v, size_t n, uint8_t *out, size_t cap);

/* Decoders: CLU_WIRE_OK, or CLU_WIRE_ETRUNC / CLU_WIRE_EINVAL with errbuf set. The status
 * decoder fills at most max entries and sets *n to the count. */
int clu_heartbeat_decode(const struct clu_msg *m, struct clu_heartbeat *h, char *errbuf);
int clu_ack_decode(const struct clu_msg *m, struct clu_ack *a, char *errbuf);
/* Fills b from a batch message (pointers into m's payload; b->sender is m->sender): bounds
 * only, plus seq >= 1 and prev < seq; the descriptor and the lines are the store's to judge. */
int clu_batch_decode(const struct clu_msg *m, struct clu_logbatch *b, char *errbuf);
int clu_status_decode(const struct clu_msg *m, struct clu_status_entry *v, size_t max, size_t *n,
                      char *errbuf);

/* ---- shared state payloads (wire_state.c) ---- */

/* CLU_MSG_PING and CLU_MSG_PONG. */
#define CLU_PING_ATTACHED 1u /* ping flag: the sender takes this proxy's deliveries */
#define CLU_PING_RING     2u /* ping flag (a proxy's): the receiver is alive in its ring */
enum clu_proxy_state {
	CLU_PROXY_SYNCING = 1, /* in the ring, still copying its replica from a neighbour */
	CLU_PROXY_READY = 2,   /* owns keys and serves workers */
};
/* pong flag beside the state: the pinging worker takes this proxy's deliveries */
#define CLU_PONG_SUBSCRIBED 0x10u
struct clu_ping {
	uint8_t flags; /* ping: CLU_PING_*; pong: enum clu_proxy_state | CLU_PONG_SUBSCRIBED */
	uint64_t incarnation; /* the sender's: random, new at every start */
	uint64_t entries;     /* pong: entries in the proxy's replica (0 in a ping) */
};
#define CLU_PING_LEN 18

/* One insertion into a shared set: key (any bytes) into the set named set, made at ts_us
 * (wall clock, microseconds) by node origin (its index in the layout), live until expire_us. */
#define CLU_SET_NAME_MAX 32
#define CLU_SET_KEY_MAX  1280 /* a notice's note and identifier fit */
struct clu_set_rec {
	const char *set; /* [A-Za-z0-9_.-], 1..CLU_SET_NAME_MAX bytes, not NUL-terminated */
	uint8_t setlen;
	const uint8_t *key; /* 1..CLU_SET_KEY_MAX bytes */
	uint16_t keylen;
	int64_t ts_us, expire_us; /* expire_us > ts_us >= 0 */
	uint16_t origin;
};
/* Largest encoded record. */
#define CLU_SET_REC_MAX (1 + CLU_SET_NAME_MAX + 2 + CLU_SET_KEY_MAX + 18)

/* CLU_MSG_SET_INSERT, CLU_MSG_SET_DELIVER, CLU_MSG_SYNC: u8 flags, u8 0, u32 count, then the
 * records; CLU_MSG_SET_RING puts u16 ring origin (a proxy's layout index), u8 hops, u8 0,
 * u64 the ring origin's incarnation before that. */
#define CLU_SYNC_LAST     1u /* sync flag: the last chunk of the request */
#define CLU_SET_BATCH_HDR 6
#define CLU_SET_RING_HDR  (12 + CLU_SET_BATCH_HDR)
struct clu_set_batch {
	uint8_t flags;
	uint32_t count;
	const uint8_t *recs; /* count records, validated by the decoder */
	size_t len;
	/* CLU_MSG_SET_RING only */
	uint16_t ring_origin;
	uint8_t hops;
	uint64_t ring_incarnation;
};

/* Encodes one record at out (cap bytes); returns its length, or 0 when a field is out of range
 * or it does not fit. */
size_t clu_set_rec_encode(const struct clu_set_rec *r, uint8_t *out, size_t cap);
/* Writes a batch header (CLU_SET_BATCH_HDR bytes; with ring, CLU_SET_RING_HDR) at out. */
void clu_set_batch_header(uint8_t *out, const struct clu_set_batch *b, bool ring);
/* Decodes a batch message of any of the four types: every record is checked (lengths, set
 * name, key, times); CLU_WIRE_OK with *b set, or CLU_WIRE_ETRUNC / CLU_WIRE_EINVAL. */
int clu_set_batch_decode(const struct clu_msg *m, struct clu_set_batch *b, char *errbuf);
/* The next record of a decoded batch: *off starts at 0; false after the last. */
bool clu_set_batch_next(const struct clu_set_batch *b, size_t *off, struct clu_set_rec *r);

/* CLU_MSG_KNOWN: what a worker saw, for the owner of its key to log if it is new. */
enum clu_known_kind { CLU_KNOWN_HOST = 1, CLU_KNOWN_SERVICE = 2 };
#define CLU_KNOWN_SERVICES_MAX 16
#define CLU_SERVICE_NAME_MAX   64
struct clu_known {
	uint8_t kind;
	int64_t ts_us; /* the log line's ts: network time of the sighting */
	struct steer_addr host;
	uint16_t port; /* services: the port and its IP protocol (6, 17, 1, 58; 0 unknown) */
	uint8_t proto;
	uint8_t nservices; /* services: analyzer names as Zeek writes them ("HTTP") */
	struct {
		const char *p;
		uint8_t len;
	} service[CLU_KNOWN_SERVICES_MAX];
};
size_t clu_known_encode(const struct clu_known *k, uint8_t *out, size_t cap);
int clu_known_decode(const struct clu_msg *m, struct clu_known *k, char *errbuf);

/* CLU_MSG_PING / PONG. */
size_t clu_ping_encode(const struct clu_ping *p, uint8_t *out, size_t cap);
int clu_ping_decode(const struct clu_msg *m, struct clu_ping *p, char *errbuf);

/* ---- notice payloads (wire_notice.c) ---- */

/* A string field: p points into the payload (not NUL-terminated); NULL when unset. */
struct clu_wstr {
	const char *p;
	uint16_t len;
};
#define CLU_NOTE_MAX  128
#define CLU_MSG_MAX   4096 /* msg, sub */
#define CLU_IDENT_MAX 1024
#define CLU_UID_MAX   64
/* Which optional fields a notice carries. */
#define CLU_NF_SUB   0x01u
#define CLU_NF_IDENT 0x02u
#define CLU_NF_CONN  0x04u /* uid, id.*, proto */
#define CLU_NF_SRC   0x08u
#define CLU_NF_DST   0x10u
#define CLU_NF_P     0x20u
#define CLU_NF_N     0x40u
#define CLU_NF__ALL  0x7fu
struct clu_notice_msg {
	int64_t ts_us;
	uint16_t flags; /* CLU_NF_* */
	struct clu_wstr note, msg, sub, ident, uid;
	struct steer_addr orig_h, resp_h, src, dst;
	uint16_t orig_p, resp_p, p;
	uint8_t proto; /* IP protocol number of the connection */
	uint64_t n;
};
size_t clu_notice_encode(const struct clu_notice_msg *nm, uint8_t *out, size_t cap);
/* Bounds, lengths (note 1..CLU_NOTE_MAX of printable ASCII; msg, sub up to CLU_MSG_MAX;
 * identifier up to CLU_IDENT_MAX; uid up to CLU_UID_MAX), flags and address families. */
int clu_notice_decode(const struct clu_msg *m, struct clu_notice_msg *nm, char *errbuf);

/* CLU_MSG_SUPPRESS: u16 count, then per entry note, identifier, u64 until (wall clock us).
 * The manager sends at most CLU_SUPPRESS_PER_MSG entries in one message. */
#define CLU_SUPPRESS_PER_MSG 64
struct clu_suppress {
	struct clu_wstr note, ident;
	int64_t until_us;
};
size_t clu_suppress_encode(const struct clu_suppress *v, size_t n, uint8_t *out, size_t cap);
/* Fills at most max entries, *n their count. */
int clu_suppress_decode(const struct clu_msg *m, struct clu_suppress *v, size_t max, size_t *n,
                        char *errbuf);

#pragma GCC visibility pop
#endif
