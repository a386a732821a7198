/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_int.h: PRIVATE to libsteer. The connection tracker's record (104 bytes in the flow table),
 * its spill-over for rare long state, and the parts of the tracker (conn_*.c). */
#ifndef STEER_CONN_INT_H
#define STEER_CONN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/conn.h>
#include <steer/flowkey.h>
#include <steer/flowtab.h>
#include <steer/packet.h>

/*
 * One connection. It begins with the flow table's canonical key; side 0 is the key's src, side 1
 * its dst, and per-side state is stored by side: a role flip (Zeek's FlipRoles) only toggles
 * C_ORIG_DST and the history case. Everything a common connection needs fits here; what only
 * long, odd or tunnelled connections need (big counters, many retransmissions, long histories,
 * reassembly holes, tunnel parents, sequence wraps) spills to a struct steer__conn_ext.
 *
 * The inline layout is 104 bytes so that with the table's index (8 bytes a slot, at most 4/3 of
 * a slot per flow after growth to 8/3) a connection costs at most 128 bytes.
 */
struct steer__conn {
	struct steer_flow_key key; /* written by the flow table */
	uint64_t hist;             /* history: HIST_INLINE letters of 5 bits from bit 0, then the
	                            * count in the top 4 bits */
	uint64_t start : 47;       /* first packet: microseconds from the tracker's base + START_BIAS;
	                            * START_EXT: the time is in the ext (out of range) */
	uint64_t cflags : 17;      /* C_* */
	uint32_t last;             /* last_time - start, microseconds (X_LAST: in the ext) */
	uint32_t ext;              /* spill index + 1; 0: none */
	uint16_t ep[2];            /* per side: EP_* bits */
	uint16_t pkts[2];          /* per side: packets, low 16 bits (rest in the ext) */
	uint32_t ipb[2];           /* per side: IP bytes, low 32 bits (rest in the ext) */
	union {
		struct {
			uint32_t start, last, ack; /* Zeek's start_seq, last_seq, ack_seq */
		} tcp[2];
		int64_t size[2]; /* UDP and ICMP payload bytes; UDP: < 0 until the side is active */
	} u;
};

_Static_assert(sizeof(struct steer__conn) == 104, "a connection record is 104 bytes");

/* The inline start reaches 12 days before the tracker's first packet and 4.4 years after it. */
#define START_BIAS ((int64_t)1 << 40)
#define START_EXT ((((uint64_t)1) << 47) - 1)

#define HIST_INLINE 12u
#define HIST_COUNT_SHIFT 60u

/* cflags */
enum {
	C_ORIG_DST = 1u << 0,    /* the originator is side 1 (the key's dst) */
	C_WEIRD = 1u << 1,       /* Zeek's DidWeird(): a weird was raised on it */
	C_PARTIAL = 1u << 2,     /* TCP is_partial */
	C_FPS_ORIG = 1u << 3,    /* TCP first_packet_seen, by role */
	C_FPS_RESP = 1u << 4,
	C_TCP_TIMEOUT = 1u << 5, /* tcp_inactivity_timeout installed (else the UDP one) */
	C_CLOSED = 1u << 6,      /* a complete close armed the delete timer (other timers off) */
	C_DEFERRED = 1u << 7,    /* close_deferred: a close waits for data to be delivered */
	C_ATTEMPT = 1u << 8,     /* the attempt timer is pending */
	C_HIST_MORE = 1u << 9,   /* the history goes on in the ext */
	C_SEEN_AO = 1u << 10,    /* 'A' / 'a' / 'D' / 'd' recorded (Zeek's hist_seen, by role) */
	C_SEEN_AR = 1u << 11,
	C_SEEN_DO = 1u << 12,
	C_SEEN_DR = 1u << 13,
	C_VIOLATED = 1u << 14,   /* a tunnel analyzer saw a malformed header on it: no more tries */
	C_SPLIT = 1u << 15,      /* possible_split_routing */
	C_ACK_UNSEEN = 1u << 16, /* an ACK for data never seen */
};

/* ep[] bits. TCP: the endpoint state machine; UDP: the 'C' counter in EP_RXMT. */
enum {
	EP_STATE_SHIFT = 0,  /* 3 bits: enum steer_tcp_state */
	EP_PREV_SHIFT = 3,   /* 3 bits: the state before */
	EP_DID_CLOSE = 1u << 6,
	EP_FIN = 1u << 7,    /* FIN_cnt > 0 */
	EP_RST = 1u << 8,    /* RST_cnt > 0 */
	EP_RXMT_SHIFT = 9,   /* 4 bits: retransmissions (X_CNT: the count is in the ext) */
	EP_WIN0_SHIFT = 13,  /* 3 bits: zero windows (X_CNT likewise) */
};
#define EP_RXMT_MAX 15u
#define EP_WIN0_MAX 7u

/* Counters kept per side for the log10 letters: retransmission 't', zero window 'w', gap 'g',
 * bad checksum 'c'. */
enum { CNT_RXMT, CNT_WIN0, CNT_GAP, CNT_CHK, CNT_N };

/* A block of data seen above the reassembly point (relative sequence numbers). */
struct steer__block {
	uint64_t seq, upper;
};

/* ext->xflags */
enum {
	X_LAST = 1u << 0,    /* last_abs holds last_time */
	X_DEL = 1u << 1,     /* del_abs holds the delete timer */
	X_SYN = 1u << 2,     /* syn_abs holds the attempt timer's base */
	X_CNT = 1u << 3,     /* cnt[][] holds all four counters of both sides */
	X_HLS0 = 1u << 4,    /* hl[0][0] holds side 0's hist_last_SYN (else 0) */
	X_HLF0 = 1u << 5,    /* ... hist_last_FIN (else FIN_seq - 1) */
	X_HLR0 = 1u << 6,    /* ... hist_last_RST (else the relative last_seq) */
	X_FIN0 = 1u << 7,    /* fin_seq[0] holds side 0's FIN_seq (else its relative last_seq) */
	X_RA0 = 1u << 8,     /* ra[0] holds side 0's reassembly point (else derived) */
	X_SKIP0 = 1u << 9,   /* side 0's reassembler skips deliveries */
	/* the same six for side 1 */
	X_HLS1 = 1u << 10, X_HLF1 = 1u << 11, X_HLR1 = 1u << 12, X_FIN1 = 1u << 13,
	X_RA1 = 1u << 14, X_SKIP1 = 1u << 15,
	X_TUNNEL = 1u << 16, /* tunnel state is set */
	X_TUN_X = 1u << 17,  /* the change limit was passed ('X' added) */
};
#define X_SIDE(flag0, side) ((flag0) << (6u * (side)))

/* Spilled state of one connection. */
struct steer__conn_ext {
	uint32_t xflags;
	uint32_t cnt[2][CNT_N];     /* with X_CNT */
	uint16_t wraps[2][2];       /* seq_wraps, ack_wraps per side */
	uint32_t pkts_hi[2];        /* packets above the inline 16 bits */
	uint32_t ipb_hi[2];         /* IP bytes above the inline 32 bits */
	uint64_t missed;            /* missed_bytes */
	int64_t last_abs, del_abs, syn_abs; /* microseconds from the tracker's base */
	int64_t start_abs;          /* with the record's start at START_EXT */
	uint64_t hl[2][3];          /* hist_last SYN, FIN, RST (relative) */
	uint64_t fin_seq[2];        /* FIN_seq (relative) */
	uint64_t ra[2];             /* reassembly point (Zeek's last_reassem_seq, relative) */
	struct steer__block *blk[2]; /* blocks above it, sorted, disjoint */
	uint16_t nblk[2], capblk[2];
	char *hist_tail;            /* letters past the inline ones */
	uint16_t hist_n, hist_cap;
	/* tunnels: the innermost encapsulation's identity (Zeek compares whole stacks: this is a
	 * hash of the stack), changes seen, and the parents' ids */
	uint64_t encap;
	uint8_t changes, nparents;
	uint64_t parents[STEER_CONN_MAX_PARENTS];
};

/* One level of the encapsulation a packet came through, outermost first. */
struct steer__encap {
	uint64_t stack;    /* hash of the whole stack down to here (0: not tunnelled) */
	uint64_t parent;   /* id of the innermost entry (its uid's source) */
	unsigned depth;
};

struct steer__frag_tab;

struct steer_conn {
	struct steer_conn_opts o;
	struct steer_flowtab *tab;
	struct steer_conn_stats stats;
	int64_t base;              /* microseconds since the epoch of the first packet */
	bool have_base;
	int64_t now;               /* network time, µs from base */
	/* spill records: a vector of pointers with a free list threaded through it */
	struct steer__conn_ext **ext;
	uint32_t n_ext, cap_ext, free_ext;
	size_t ext_bytes;          /* bytes of ext records and what hangs off them */
	uint8_t likely[2][8192];   /* likely_server_ports: [0] TCP, [1] UDP */
	struct steer__netset *local;
	struct steer__frag_tab *frags;
	uint64_t hash_key[2];      /* from uid_seed */
	size_t sweep_per_packet;
};

/* ---- accessors (conn.c has the ext pool) ---- */

static inline struct steer__conn_ext *conn_ext(const struct steer_conn *t,
                                               const struct steer__conn *c)
{
	return c->ext ? t->ext[c->ext - 1] : NULL;
}

/* The ext of c, allocated when it has none. NULL only when out of memory (the caller then
 * keeps what fits inline and goes on). */
struct steer__conn_ext *steer__conn_ext_get(struct steer_conn *t, struct steer__conn *c);
void steer__conn_ext_drop(struct steer_conn *t, struct steer__conn *c);
/* Accounting of memory hanging off exts. */
void steer__conn_ext_bytes(struct steer_conn *t, ptrdiff_t delta);

static inline unsigned side_orig(const struct steer__conn *c)
{
	return (c->cflags & C_ORIG_DST) ? 1u : 0u;
}

static inline unsigned ep_state(const struct steer__conn *c, unsigned side)
{
	return (c->ep[side] >> EP_STATE_SHIFT) & 7u;
}

static inline unsigned ep_prev(const struct steer__conn *c, unsigned side)
{
	return (c->ep[side] >> EP_PREV_SHIFT) & 7u;
}

int64_t steer__conn_last(const struct steer_conn *t, const struct steer__conn *c);
void steer__conn_set_last(struct steer_conn *t, struct steer__conn *c, int64_t now);
int64_t steer__conn_start(const struct steer_conn *t, const struct steer__conn *c);
uint64_t steer__conn_pkts(const struct steer_conn *t, const struct steer__conn *c, unsigned s);
uint64_t steer__conn_ipb(const struct steer_conn *t, const struct steer__conn *c, unsigned s);
/* Counts one packet of ip_len IP bytes for side s (Zeek's ConnSize). */
void steer__conn_count(struct steer_conn *t, struct steer__conn *c, unsigned s, uint32_t ip_len);
/* Log10 counters (CNT_*): adds one and returns the new count. */
uint32_t steer__conn_cnt_inc(struct steer_conn *t, struct steer__conn *c, unsigned s, int which);

/* ---- history (conn_hist.c) ---- */

/* Appends one letter. */
void steer__hist_add(struct steer_conn *t, struct steer__conn *c, char letter);
/* Zeek's CheckHistory for the once-only letters: appends the letter (upper case for the
 * originator) and returns false the first time its kind is seen for that role, else true.
 * kind is the upper-case letter; 'S' and 'H' share one kind. */
bool steer__hist_check(struct steer_conn *t, struct steer__conn *c, bool orig, char kind);
/* Zeek's ScaledHistoryEntry: letter at counts 1, 10, 100, ... of counter `which` of side s. */
void steer__hist_scaled(struct steer_conn *t, struct steer__conn *c, unsigned s, int which,
                        char upper, bool orig);
/* Whether the history is exactly "H", and its replacement by "^h" (the SYN-ACK-first flip). */
bool steer__hist_is_H(const struct steer__conn *c);
void steer__hist_set_flipped_h(struct steer_conn *t, struct steer__conn *c);
/* Writes the history into buf (cap >= STEER_CONN_HISTORY_MAX + 1); returns its length. */
unsigned steer__hist_format(const struct steer_conn *t, const struct steer__conn *c, char *buf,
                            bool *cut);

/* ---- identities (conn_ident.c) ---- */

/* Builds the connection key of an IP packet: ports for TCP and UDP, ICMP type and counterpart
 * (one-way ICMP kinds keep their direction by a marker bit in dport), zeros otherwise. */
void steer__conn_key(const struct steer_layer *l, uint8_t icmp_type, uint8_t icmp_code,
                     struct steer_flow_key *k, bool *one_way);
bool steer__likely(const struct steer_conn *t, int ip_proto, uint16_t port);
bool steer__is_local(const struct steer_conn *t, uint8_t family, const uint8_t *a);
int steer__netset_new(const struct steer_conn_opts *o, struct steer__netset **out);
void steer__netset_free(struct steer__netset *n);
size_t steer__netset_memory(const struct steer__netset *n);
size_t steer__netset_count(const struct steer__netset *n);

/* ---- uids (conn_uid.c) ---- */

void steer__uid_keys(uint64_t seed, uint64_t key[2]);
/* The id of a connection (its uid's source) and of an IP tunnel (by its unordered address
 * pair, as Zeek keeps one uid per pair). */
uint64_t steer__uid_conn(const struct steer_conn *t, const struct steer__conn *c);
uint64_t steer__uid_iptunnel(const struct steer_conn *t, const struct steer_layer *l);
uint64_t steer__uid_mix(const struct steer_conn *t, uint64_t a, uint64_t b);
void steer__uid_format(const struct steer_conn *t, uint64_t id, char out[STEER_CONN_UID_SIZE]);

/* ---- checksums (conn_csum.c) ---- */

bool steer__ipv4_hdr_ok(const uint8_t *ip, size_t hlen);
/* The TCP, UDP or ICMPv6 checksum over len bytes at l4 with the pseudo-header of layer l. */
bool steer__l4_csum_ok(const struct steer_layer *l, const uint8_t *l4, size_t len,
                       uint8_t proto);
bool steer__icmp4_csum_ok(const uint8_t *icmp, size_t len);

/* ---- transports ---- */

/* What the IP layer hands a transport: the layer, its bytes, and lengths as Zeek's IP analyzer
 * has them. */
struct steer__ippkt {
	const struct steer_layer *l;
	const uint8_t *base;  /* l's offsets are from here */
	const uint8_t *l4;    /* the transport header */
	uint32_t len;         /* IP payload length by the header (or what was captured) */
	uint32_t remaining;   /* of it, captured */
	uint32_t ip_len;      /* the IP length as ConnSize counts it */
	bool whole;           /* the frame was captured whole (UDP checksums only then) */
	int64_t now;          /* the packet's own time, µs from base (network time is t->now) */
	const struct steer__encap *encap;
};

/* Each finds or creates the connection of p and processes p; returns the connection (NULL when
 * none: a header too short, the table full) and sets *passed when the packet got past the
 * checksum (so that a tunnel in it may be opened). */
struct steer__conn *steer__tcp_packet(struct steer_conn *t, const struct steer__ippkt *p);
struct steer__conn *steer__udp_packet(struct steer_conn *t, const struct steer__ippkt *p,
                                      bool *passed);
struct steer__conn *steer__icmp_packet(struct steer_conn *t, const struct steer__ippkt *p);
struct steer__conn *steer__other_packet(struct steer_conn *t, const struct steer__ippkt *p);

/* Finds the connection of key k at time now, ending it first when Zeek's timers would have; adds
 * a new one (returns 1, record zeroed but for the key), or returns 0 found, < 0 table full.
 * *is_src: the packet travels from the key's src. */
int steer__conn_lookup(struct steer_conn *t, const struct steer_flow_key *k, int64_t now,
                       struct steer__conn **c, unsigned *side);
/* Starts a new connection in a fresh record: times, direction (the packet's sender is the
 * originator, side `side`), inactivity timeout, encapsulation. */
void steer__conn_init(struct steer_conn *t, struct steer__conn *c, unsigned side, int64_t now,
                      const struct steer__encap *encap);
/* Zeek's FlipRoles: swaps the roles and appends '^'. */
void steer__conn_flip(struct steer_conn *t, struct steer__conn *c);
/* Zeek's Connection::CheckEncapsulation for a packet of an existing connection. */
void steer__conn_encap(struct steer_conn *t, struct steer__conn *c,
                       const struct steer__encap *encap);
/* Ends c: builds its record, calls on_conn, removes it from the table. */
void steer__conn_finish(struct steer_conn *t, struct steer__conn *c, bool flushed);
/* Fills rec from c (the record on_conn and on_event get). */
void steer__conn_rec(const struct steer_conn *t, const struct steer__conn *c,
                     struct steer_conn_rec *rec);

/* ---- TCP (conn_tcp.c, conn_tcp_fsm.c, conn_reasm.c) ---- */

/* One TCP endpoint while a packet is processed: the record's compressed state unpacked into
 * Zeek's TCP_Endpoint fields (sequence numbers relative to start_seq where Zeek's are). */
struct steer__tcp_ep {
	unsigned side;
	unsigned state, prev;
	bool did_close, fin, rst;
	uint32_t start, last, ack;
	uint32_t seq_wraps, ack_wraps;
	uint64_t hl[3];        /* hist_last SYN, FIN, RST */
	uint64_t fin_seq;      /* FIN_seq */
	uint64_t ra;           /* the reassembler's last_reassem_seq */
	bool skip;             /* it skips deliveries */
	bool dirty_hl[3], dirty_fin;
};

/* What one packet decided, for the state machine and the close that follows it. */
struct steer__tcp_pkt {
	uint8_t flags;         /* TCP flags */
	bool is_orig;          /* the sender's role when the packet arrived (Zeek keeps using it
	                        * after a flip inside the packet) */
	uint32_t base_seq, ack_seq;
	int len;               /* payload */
	int32_t delta_last;
	bool do_close, gen_event;
	bool established;      /* connection_established was raised */
	int64_t now;
};

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PUSH = 0x08, TH_ACK = 0x10,
       TH_URG = 0x20 };

void steer__tcp_load(const struct steer_conn *t, const struct steer__conn *c, unsigned side,
                     struct steer__tcp_ep *e);
void steer__tcp_store(struct steer_conn *t, struct steer__conn *c, const struct steer__tcp_ep *e);
static inline void tcp_set_state(struct steer__tcp_ep *e, unsigned st)
{
	if (st != e->state) {
		e->prev = e->state;
		e->state = st;
	}
}
/* Full 64-bit sequence numbers (Zeek's ToFullSeqSpace) and relative ones. */
static inline uint64_t tcp_full(uint32_t seq, uint32_t wraps)
{
	return (uint64_t)wraps << 32 | seq;
}
static inline int64_t tcp_last_rel(const struct steer__tcp_ep *e)
{
	return (int64_t)(tcp_full(e->last, e->seq_wraps) - e->start);
}

/* TCP size of side s as Zeek's TCP_Endpoint::Size(). */
uint64_t steer__tcp_size(const struct steer_conn *t, const struct steer__conn *c, unsigned s);
uint64_t steer__tcp_ep_size(const struct steer__tcp_ep *e, const struct steer__tcp_ep *peer);
/* Whether a SYN on an existing connection starts a new one (Zeek's IsReuse). */
bool steer__tcp_is_reuse(const struct steer_conn *t, const struct steer__conn *c, unsigned side,
                         const uint8_t *tcp);
/* Zeek's UpdateStateMachine for a packet from e (peer is the other end). */
void steer__tcp_fsm(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                    struct steer__tcp_ep *peer, struct steer__tcp_pkt *p);
/* Zeek's ConnectionClosed: the close of e, or its deferral while data is pending. */
void steer__tcp_closed(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                       struct steer__tcp_ep *peer, int64_t now);
/* The reassembler: data sent by e at a relative sequence number, and an ACK from e's peer
 * for e's data; data pending (TCP_Reassembler::DataPending); the EOF check. */
void steer__reasm_data(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                       uint64_t seq, uint32_t len);
void steer__reasm_ack(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                      struct steer__tcp_ep *peer, uint64_t seq, uint64_t trim_before);
bool steer__reasm_pending(const struct steer_conn *t, const struct steer__conn *c,
                          const struct steer__tcp_ep *e, const struct steer__tcp_ep *peer);
/* The trim point of e's reassembler (what its peer acknowledged, as Zeek trims). */
uint64_t steer__reasm_trim(const struct steer__tcp_ep *e, const struct steer__tcp_ep *peer);
void steer__reasm_eof(struct steer_conn *t, struct steer__conn *c, struct steer__tcp_ep *e,
                      struct steer__tcp_ep *peer, int64_t now);
/* Notes a weird on c (only DidWeird() matters here: it silences possible_split_routing). */
static inline void tcp_weird(struct steer__conn *c)
{
	c->cflags |= C_WEIRD;
}

/* Examines the next positions of the table and ends the connections whose time has come. */
void steer__conn_sweep(struct steer_conn *t, size_t positions);

/* ---- timers (conn_timer.c) ---- */

/* When Zeek would remove c if nothing more arrived (µs from base), evaluated at network time
 * now (timers that came due at or before now fire with the state as it is). */
int64_t steer__conn_deadline(const struct steer_conn *t, const struct steer__conn *c);
/* Clears timers that passed without removing c (the attempt timer). */
void steer__conn_timers_passed(struct steer_conn *t, struct steer__conn *c, int64_t now);

/* ---- fragments (conn_frag.c) ---- */

int steer__frag_new(struct steer__frag_tab **out);
void steer__frag_free(struct steer__frag_tab *f);
size_t steer__frag_memory(const struct steer__frag_tab *f);
/* Takes one fragment (layer l of frame bytes base); returns the reassembled datagram (valid
 * until the next call) with *len, or NULL while incomplete. */
const uint8_t *steer__frag_add(struct steer__frag_tab *f, const struct steer_layer *l,
                               const uint8_t *base, int64_t now, size_t *len);

#endif
