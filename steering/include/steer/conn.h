/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/conn.h: connection tracking with Zeek's semantics: the records of Zeek's conn.log (field
 * by field), and what a worker reports besides (known hosts and services, capture loss, steering
 * health). Pure: no I/O, no globals; the caller feeds frames and network time and receives each
 * finished connection through a callback, as Zeek writes conn.log at connection_state_remove. */
#ifndef STEER_CONN_H
#define STEER_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <steer/config.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Zeek's conn_state values, in the order main.zeek documents them. */
enum steer_conn_state {
	STEER_CONN_S0 = 0, STEER_CONN_S1, STEER_CONN_SF, STEER_CONN_REJ, STEER_CONN_S2,
	STEER_CONN_S3, STEER_CONN_RSTO, STEER_CONN_RSTR, STEER_CONN_RSTOS0, STEER_CONN_RSTRH,
	STEER_CONN_SH, STEER_CONN_SHR, STEER_CONN_OTH,
};

/* conn.log's proto column. */
enum steer_conn_proto {
	STEER_CONN_UNKNOWN = 0, /* "unknown_transport": any IP protocol but TCP, UDP and ICMP */
	STEER_CONN_TCP,
	STEER_CONN_UDP,
	STEER_CONN_ICMP,        /* ICMP and ICMPv6 */
};

/* Zeek's TCP endpoint states (TCP_ENDPOINT_*), for rec.orig_state / resp_state. */
enum steer_tcp_state {
	STEER_TCP_INACTIVE = 0, STEER_TCP_SYN_SENT, STEER_TCP_SYN_ACK_SENT, STEER_TCP_PARTIAL,
	STEER_TCP_ESTABLISHED, STEER_TCP_CLOSED, STEER_TCP_RESET,
};

/* "C" + base62 of 96 bits (at most 1 + 6 + 11 digits) + NUL. */
#define STEER_CONN_UID_SIZE 20
/* History letters kept; Zeek's string has no bound, a hostile connection's would grow without
 * one, so longer histories are cut here (and flagged). */
#define STEER_CONN_HISTORY_MAX 256
/* tunnel_parents kept: the first encapsulation and Zeek's 5 tracked changes. */
#define STEER_CONN_MAX_PARENTS 6

/* steer_conn_rec.flags */
enum {
	STEER_CONN_F_DURATION = 1u << 0,   /* duration > 0: duration, orig_bytes, resp_bytes are set
	                                    * (Zeek logs "-" for all three otherwise) */
	STEER_CONN_F_LOCAL = 1u << 1,      /* local_orig / local_resp are set (Zeek sets them when
	                                    * Site::local_nets is not empty) */
	STEER_CONN_F_SERVICE = 1u << 2,    /* the responder port qualifies for known_services
	                                    * (REFERENCE-cluster 4.2: TCP responder ESTABLISHED, CLOSED
	                                    * or PARTIAL, or 'h' in the history; UDP responder sent a
	                                    * packet); locality is the caller's test (local_resp) */
	STEER_CONN_F_SPLIT_ROUTING = 1u << 3, /* Zeek raised possible_split_routing on it */
	STEER_CONN_F_ONE_SIDED = 1u << 4,  /* TCP, and only one direction was ever seen */
	STEER_CONN_F_ACK_UNSEEN = 1u << 5, /* an ACK acknowledged data never seen from the peer */
	STEER_CONN_F_HISTORY_CUT = 1u << 6, /* more than STEER_CONN_HISTORY_MAX letters */
	STEER_CONN_F_FLUSHED = 1u << 7,    /* still open when steer_conn_flush() wrote it */
};

/* One finished connection: every conn.log column but service (no protocol analysis here). */
struct steer_conn_rec {
	int64_t ts_us;              /* ts: the first packet, microseconds since the epoch */
	int64_t duration_us;        /* with STEER_CONN_F_DURATION */
	char uid[STEER_CONN_UID_SIZE];
	uint8_t family;             /* 4 or 6 */
	uint8_t proto;              /* enum steer_conn_proto */
	uint8_t ip_proto;           /* the IP protocol number */
	uint8_t conn_state;         /* enum steer_conn_state */
	uint8_t orig_h[16], resp_h[16]; /* id.orig_h, id.resp_h (IPv4 in the first 4 bytes) */
	uint16_t orig_p, resp_p;    /* ICMP: type, and the counterpart type or the code */
	bool local_orig, local_resp; /* with STEER_CONN_F_LOCAL */
	uint8_t orig_state, resp_state; /* TCP: enum steer_tcp_state at removal */
	uint32_t flags;             /* STEER_CONN_F_* */
	uint64_t orig_bytes, resp_bytes; /* payload bytes (TCP: from sequence numbers), with
	                                  * STEER_CONN_F_DURATION */
	uint64_t missed_bytes;
	uint64_t orig_pkts, orig_ip_bytes, resp_pkts, resp_ip_bytes;
	unsigned history_len;
	char history[STEER_CONN_HISTORY_MAX + 1]; /* NUL-terminated; "" is Zeek's "-" */
	unsigned n_parents;         /* tunnel_parents: uids of the innermost encapsulations seen */
	char parents[STEER_CONN_MAX_PARENTS][STEER_CONN_UID_SIZE];
};

/* What the tracker tells the caller while a connection lives. */
enum steer_conn_event {
	/* Zeek's connection_established with both endpoints ESTABLISHED (the responder's SYN+ACK
	 * answered the originator's SYN): both hosts are known_hosts candidates (REFERENCE-cluster
	 * 4.1). rec holds the connection so far (ts, uid, addresses, ports, local_*; counters as of
	 * now). */
	STEER_CONN_EV_ESTABLISHED = 1,
};

/* Everything the tracker is told at creation. Start from steer_conn_opts_default(). Times are in
 * microseconds. */
struct steer_conn_opts {
	int64_t tcp_inactivity_us;   /* 5 min, once a TCP endpoint leaves the handshake states */
	int64_t udp_inactivity_us;   /* 1 min; TCP uses it too until then (as Zeek does) */
	int64_t icmp_inactivity_us;  /* 1 min */
	int64_t other_inactivity_us; /* 1 min: unknown IP protocols */
	int64_t tcp_attempt_delay_us; /* 5 s: an unanswered SYN ends the connection (S0) */
	int64_t tcp_close_delay_us;  /* 5 s: removal after a complete close */
	int64_t tcp_linger_us;       /* 5 s: idle time before the expire check removes a closed or
	                              * inactive connection */
	int64_t tcp_syn_timeout_us;  /* 5 s: first expire check after the first packet ... */
	int64_t tcp_session_timer_us; /* 6 s: ... and then every this often */
	bool ignore_checksums;       /* zeek -C: IP, TCP, UDP and ICMP checksums not validated */
	bool report_gaps_for_partial; /* Zeek's report_gaps_for_partial: missed_bytes for
	                              * connections that were not cleanly established too */
	unsigned max_tunnel_changes; /* Zeek's Tunnel::max_changes_per_connection (5) */
	uint64_t uid_seed;           /* uids are a keyed hash of this: the same seed, the same uids
	                              * (tests); give each process random bytes in production */
	const struct steer_network *local_nets; /* Site::local_nets (networks.cfg), may be NULL */
	size_t n_local_nets;
	bool private_is_local;       /* Site::private_address_space_is_local (true by default):
	                              * Zeek's private and reserved blocks count as local too */
	/* likely_server_ports, one bit per port (port / 8, bit port % 8): NULL for Zeek's default
	 * set (all of its base scripts loaded). Copied at creation. */
	const uint8_t *likely_tcp, *likely_udp;
	size_t max_conns;            /* connections held at once at most; 0: unlimited */
	void (*on_conn)(void *arg, const struct steer_conn_rec *rec); /* a finished connection */
	void (*on_event)(void *arg, int event, const struct steer_conn_rec *rec); /* may be NULL */
	void *arg;                   /* passed to both */
};

/* Fills *o with Zeek's defaults (and no callbacks, no local networks, seed 0). */
void steer_conn_opts_default(struct steer_conn_opts *o);

/* Counters since creation. */
struct steer_conn_stats {
	uint64_t frames;             /* given to steer_conn_packet() */
	uint64_t packets;            /* IP packets that reached a connection (A-MSDU subframes and
	                              * tunnel layers counted one by one) */
	uint64_t not_ip;             /* frames with no IP packet (ARP, STP, 802.11 management, ...) */
	uint64_t malformed;          /* truncated or invalid headers, bad IP checksums, dropped */
	uint64_t fragments;          /* IP fragments taken into reassembly */
	uint64_t conns;              /* connections created ... */
	uint64_t tcp, udp, icmp, other; /* ... by protocol */
	uint64_t table_full;         /* packets whose new connection found the table full */
	/* Zeek's capture-loss method (REFERENCE-cluster 6.1): ACKs that move a reassembler forward
	 * while both endpoints are established, and those among them that cover bytes never seen. */
	uint64_t ack_events, gap_events;
	uint64_t gap_bytes;
	/* steering health */
	uint64_t split_routing;      /* connections with possible_split_routing */
	uint64_t acks_unseen;        /* ACKs acknowledging data never seen from the peer */
	uint64_t one_sided;          /* TCP connections finished with one direction only */
};

struct steer_conn;

/* Creates a tracker. Returns 0 with *out set (free with steer_conn_free), or STEER_EINVAL (a bad
 * option: errbuf, STEER_ERRBUF_SIZE bytes, names it) or STEER_ENOMEM; *out is then NULL. */
int steer_conn_new(const struct steer_conn_opts *o, struct steer_conn **out, char *errbuf);

/* Frees the tracker without writing the connections still open (steer_conn_flush does). */
void steer_conn_free(struct steer_conn *t);

/* Feeds one captured frame of the given link type (enum steer_linktype): caplen bytes captured
 * of wirelen on the wire, at ts_ns nanoseconds since the epoch (kept to the microsecond). Network
 * time first moves to ts_ns (it never goes back, as Zeek's): connections that Zeek's timers would
 * have removed by then are written first, so a packet after a timeout starts a new connection.
 * Every IP packet of the frame (the outer UDP connection of a tunnel, and the connection inside
 * it) is accounted as Zeek does. Callbacks run before this returns; they must not call back into
 * the tracker. Never fails: a frame that gives nothing is counted in the stats. */
void steer_conn_packet(struct steer_conn *t, int linktype, const uint8_t *frame, uint32_t caplen,
                       uint32_t wirelen, int64_t ts_ns);

/* Moves network time to now_ns without a packet (live capture, idle link) and examines up to
 * budget connections for expiry (0: all of them), writing those whose time has come. Connections
 * are also expired when their next packet arrives, so the budget only bounds how late an idle
 * connection is written, never what is written. */
void steer_conn_advance(struct steer_conn *t, int64_t now_ns, size_t budget);

/* Writes every connection still held, as Zeek does at shutdown, and empties the tracker. */
void steer_conn_flush(struct steer_conn *t);

const struct steer_conn_stats *steer_conn_stats(const struct steer_conn *t);
/* Connections held now. */
size_t steer_conn_count(const struct steer_conn *t);
/* Bytes of connection state held now (table records, index, and any spilled long state), and
 * that per connection (0 when empty). */
size_t steer_conn_memory(const struct steer_conn *t);
double steer_conn_bytes_per_conn(const struct steer_conn *t);

/* "S0", "SF", ... ("?" out of range); "tcp", "udp", "icmp", "unknown_transport". */
const char *steer_conn_state_name(int state);
const char *steer_conn_proto_name(int proto);

/* Writes Zeek's default likely_server_ports of one transport (6 or 17) into map, the bitmap
 * struct steer_conn_opts takes; false (map all zero) for another protocol. */
bool steer_conn_default_likely(int ip_proto, uint8_t map[8192]);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
