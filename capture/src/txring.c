/* SPDX-License-Identifier: BSD-2-Clause */
/* txring.c: batched sending through a TPACKET_V2 TX ring (PACKET_TX_RING, the kernel's
 * Documentation/networking/packet_mmap.rst; the kernel side is tpacket_snd in
 * net/packet/af_packet.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <steer/cap_tx.h>
#include <steer/error.h>

#include "cap_int.h"

/* Where a slot's frame starts: the kernel reads it at tp_hdrlen - sizeof(struct sockaddr_ll)
 * when PACKET_TX_HAS_OFF is off. */
#define TX_DATA_OFF TPACKET_ALIGN(sizeof(struct tpacket2_hdr))
#define TX_RING_DEFAULT (16u << 20)
#define TX_WAIT_DEFAULT 100
#define TX_MIN_SLOTS 64u

/* The slots form a ring the kernel and we walk in the same order. head and prod count slots
 * (free-running, taken modulo the power-of-two size): [head, prod) are queued
 * (TP_STATUS_SEND_REQUEST, or WRONG_FORMAT at head after a refusal) and the kernel's own
 * send position is head; slots before head are the kernel's until it sets them
 * TP_STATUS_AVAILABLE again (when the driver frees the frame). Between two send(2) calls the
 * kernel touches only the slots it is sending, so the queued ones are ours to rearrange. */
struct cap_tx {
	int fd;
	uint8_t *ring;
	size_t ring_len;
	uint32_t slot_size, mask;
	uint32_t head, prod;
	uint32_t mtu;
	int wait_ms;
	bool stalled;
	struct cap_tx_stats st;
	char name[IF_NAMESIZE];
	char err[STEER_ERRBUF_SIZE];
};

static inline struct tpacket2_hdr *slot(const struct cap_tx *t, uint32_t i)
{
	return (struct tpacket2_hdr *)(t->ring + (size_t)(i & t->mask) * t->slot_size);
}

static inline uint8_t *slot_data(struct tpacket2_hdr *h)
{
	return (uint8_t *)h + TX_DATA_OFF;
}

static inline uint32_t status_get(const struct tpacket2_hdr *h)
{
	return __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
}

static inline void status_set(struct tpacket2_hdr *h, uint32_t s)
{
	__atomic_store_n(&h->tp_status, s, __ATOMIC_RELEASE);
}

/* A slot the kernel has given back (timestamp flags may come with TP_STATUS_AVAILABLE). */
static inline bool slot_free(const struct tpacket2_hdr *h)
{
	return (status_get(h) & (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING |
	                         TP_STATUS_WRONG_FORMAT)) == 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int read_mtu(int fd, const char *name, uint32_t *mtu)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFMTU, &ifr) != 0)
		return -1;
	*mtu = (uint32_t)ifr.ifr_mtu;
	return 0;
}

int cap_tx_open(const struct cap_tx_opts *o, struct cap_tx **out, char *errbuf)
{
	*out = NULL;
	const char *name = o->iface;
	if (!name || !*name || strlen(name) >= IF_NAMESIZE) {
		cap__seterr(errbuf, "'%s': not an interface name", name ? name : "");
		return STEER_EIO;
	}
	struct cap_tx *t = calloc(1, sizeof(*t));
	if (!t) {
		cap__seterr(errbuf, "%s: out of memory", name);
		return STEER_ENOMEM;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->ring = MAP_FAILED;
	t->fd = -1;
	t->wait_ms = o->wait_ms ? o->wait_ms : TX_WAIT_DEFAULT;
	const char *what = "socket";
	int v = TPACKET_V2;
	unsigned ifindex = if_nametoindex(name);
	if (!ifindex) {
		cap__seterr(errbuf, "%s: no such interface", name);
		free(t);
		return STEER_EIO;
	}
	/* Protocol 0: the socket is bound for sending only and receives nothing (a capture
	 * handle on an output would get a copy of every frame sent out of it). */
	t->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (t->fd < 0)
		goto fail;
	what = "PACKET_VERSION";
	if (setsockopt(t->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) != 0)
		goto fail;
	what = "SIOCGIFMTU";
	if (read_mtu(t->fd, name, &t->mtu) != 0)
		goto fail;
	size_t need = TX_DATA_OFF + (size_t)t->mtu + ETH_HLEN + 4;
	t->slot_size = 2048;
	while (t->slot_size < need)
		t->slot_size <<= 1;
	size_t bytes = o->ring_bytes ? o->ring_bytes : TX_RING_DEFAULT;
	uint32_t nslots = TX_MIN_SLOTS;
	while ((size_t)nslots * 2 * t->slot_size <= bytes)
		nslots <<= 1;
	t->mask = nslots - 1;
	/* A block holds whole slots: the slots are then contiguous in the mapping. */
	long page = sysconf(_SC_PAGESIZE);
	uint32_t block = t->slot_size > (uint32_t)page ? t->slot_size : (uint32_t)page;
	struct tpacket_req req = {
		.tp_block_size = block,
		.tp_block_nr = (unsigned)((size_t)nslots * t->slot_size / block),
		.tp_frame_size = t->slot_size,
		.tp_frame_nr = nslots,
	};
	what = "PACKET_TX_RING";
	if (setsockopt(t->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) != 0)
		goto fail;
	t->ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
	what = "mmap";
	t->ring = mmap(NULL, t->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
	if (t->ring == MAP_FAILED)
		goto fail;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = 0,
		.sll_ifindex = (int)ifindex,
	};
	what = "bind";
	if (bind(t->fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		goto fail;
	/* Frames the driver holds count against the send buffer: let the ring, not the
	 * default buffer, bound how many can be in flight (SO_SNDBUFFORCE needs
	 * CAP_NET_ADMIN; without it the plain limit applies and EAGAIN is waited on). */
	int sb = (int)(nslots * (t->slot_size + 1024u));
	if (setsockopt(t->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sb, sizeof(sb)) != 0)
		setsockopt(t->fd, SOL_SOCKET, SO_SNDBUF, &sb, sizeof(sb));
	*out = t;
	return 0;
fail:
	cap__seterr(errbuf, "%s: %s: %s", name, what, strerror(errno));
	cap_tx_close(t);
	return STEER_EIO;
}

/* Moves head past the slots the kernel has taken (sending or sent). */
static void advance(struct cap_tx *t)
{
	while (t->head != t->prod &&
	       !(status_get(slot(t, t->head)) & (TP_STATUS_SEND_REQUEST | TP_STATUS_WRONG_FORMAT))) {
		t->head++;
		t->st.sent++;
	}
}

/* Drops every queued frame; the kernel's position is head, which is where we write next. */
static void discard(struct cap_tx *t, uint64_t *counter)
{
	for (uint32_t i = t->head; i != t->prod; i++)
		status_set(slot(t, i), TP_STATUS_AVAILABLE);
	*counter += t->prod - t->head;
	t->prod = t->head;
}

/* The kernel refused the frame at head as malformed and stays there: drop it alone by moving
 * every later queued frame one slot back (order kept). */
static void drop_head(struct cap_tx *t)
{
	for (uint32_t i = t->head; i + 1 != t->prod; i++) {
		struct tpacket2_hdr *a = slot(t, i), *b = slot(t, i + 1);
		memcpy(slot_data(a), slot_data(b), b->tp_len);
		a->tp_len = b->tp_len;
		status_set(a, TP_STATUS_SEND_REQUEST);
	}
	status_set(slot(t, t->prod - 1), TP_STATUS_AVAILABLE);
	t->prod--;
	t->st.failed_size++;
}

long cap_tx_flush(struct cap_tx *t)
{
	uint64_t sent0 = t->st.sent;
	int rc = 0;
	while (t->head != t->prod) {
		ssize_t r = send(t->fd, NULL, 0, MSG_DONTWAIT);
		int e = r < 0 ? errno : 0;
		advance(t);
		if (t->head == t->prod)
			break;
		if (r >= 0 || e == EAGAIN || e == ENOBUFS) {
			/* no room in the kernel now (send buffer, or the driver dropped the head
			 * frame, which the kernel keeps queued): the rest waits for the next call */
			t->st.retries++;
			break;
		}
		if (e == EINTR)
			continue;
		if ((e == EMSGSIZE || e == EINVAL) &&
		    (status_get(slot(t, t->head)) & TP_STATUS_WRONG_FORMAT)) {
			snprintf(t->err, sizeof(t->err), "%s: a frame of %u bytes refused: %s", t->name,
			         slot(t, t->head)->tp_len, strerror(e));
			drop_head(t);
			read_mtu(t->fd, t->name, &t->mtu);
			rc = STEER_EIO;
			continue;
		}
		snprintf(t->err, sizeof(t->err), "%s: send: %s (%u queued frames dropped)", t->name,
		         strerror(e), t->prod - t->head);
		discard(t, &t->st.failed_down);
		rc = STEER_EIO;
		break;
	}
	return rc ? rc : (long)(t->st.sent - sent0);
}

/* Waits (bounded) until the slot at prod is free. */
static bool room(struct cap_tx *t)
{
	struct tpacket2_hdr *h = slot(t, t->prod);
	if (t->head != t->prod) {
		cap_tx_flush(t);
		if (slot_free(h))
			return true;
	}
	if (t->stalled || t->wait_ms < 0)
		return slot_free(h);
	t->st.waits++;
	double deadline = now() + t->wait_ms / 1e3;
	for (;;) {
		/* POLLOUT says the kernel's next slot is free, but the socket's own
		 * writability sets it too: a wake-up without a free slot is followed by a short
		 * pause rather than a busy loop */
		struct pollfd p = {.fd = t->fd, .events = POLLOUT};
		int r = poll(&p, 1, 1);
		if (t->head != t->prod)
			cap_tx_flush(t);
		if (slot_free(h))
			return true;
		if (now() >= deadline)
			break;
		if (r > 0) {
			struct timespec ts = {0, 50000};
			nanosleep(&ts, NULL);
		}
	}
	t->stalled = true;
	snprintf(t->err, sizeof(t->err), "%s: the TX ring stayed full for %d ms", t->name,
	         t->wait_ms);
	return false;
}

static uint8_t *refuse(struct cap_tx *t, size_t len)
{
	t->st.failed_size++;
	snprintf(t->err, sizeof(t->err), "%s: a frame of %zu bytes does not fit (MTU %u)", t->name,
	         len, t->mtu);
	return NULL;
}

/* Within what the interface and a slot take (the tag allowance is checked at commit). */
static inline bool fits(const struct cap_tx *t, size_t len)
{
	return len >= ETH_HLEN && len <= (size_t)t->mtu + ETH_HLEN + 4 &&
	       len <= t->slot_size - TX_DATA_OFF;
}

uint8_t *cap_tx_frame(struct cap_tx *t, size_t len)
{
	if (!fits(t, len))
		return refuse(t, len);
	struct tpacket2_hdr *h = slot(t, t->prod);
	if (__builtin_expect(!slot_free(h), 0) && !room(t)) {
		t->st.failed_full++;
		return NULL;
	}
	t->stalled = false;
	return slot_data(h);
}

int cap_tx_commit(struct cap_tx *t, size_t len)
{
	struct tpacket2_hdr *h = slot(t, t->prod);
	const uint8_t *d = slot_data(h);
	/* The kernel's limits (tpacket_snd): the link-layer header, and the MTU plus the header,
	 * plus 4 for a frame that carries an 802.1Q tag. */
	size_t max = (size_t)t->mtu + ETH_HLEN + (len > 13 && d[12] == 0x81 && d[13] == 0 ? 4 : 0);
	if (len < ETH_HLEN || len > max || len > t->slot_size - TX_DATA_OFF || !slot_free(h)) {
		refuse(t, len);
		return STEER_EINVAL;
	}
	h->tp_len = (uint32_t)len;
	status_set(h, TP_STATUS_SEND_REQUEST);
	t->prod++;
	/* The next slot's header was last written by the kernel, a page or more away: fetch it
	 * while the caller steers the next frame (its load was most of cap_tx_frame's time). */
	__builtin_prefetch(slot(t, t->prod), 1);
	return 0;
}

int cap_tx_put(struct cap_tx *t, const uint8_t *frame, size_t len)
{
	if (!fits(t, len)) {
		refuse(t, len);
		return STEER_EINVAL;
	}
	uint8_t *d = cap_tx_frame(t, len);
	if (!d)
		return STEER_EFULL;
	memcpy(d, frame, len);
	return cap_tx_commit(t, len);
}

int cap_tx_drain(struct cap_tx *t, int timeout_ms)
{
	double deadline = now() + timeout_ms / 1e3;
	for (;;) {
		cap_tx_flush(t);
		if (t->head == t->prod)
			return 0;
		if (now() >= deadline)
			break;
		struct pollfd p = {.fd = t->fd, .events = POLLOUT};
		poll(&p, 1, 1);
	}
	snprintf(t->err, sizeof(t->err), "%s: %u frames still queued after %d ms: dropped", t->name,
	         t->prod - t->head, timeout_ms);
	discard(t, &t->st.failed_full);
	return STEER_EFULL;
}

void cap_tx_discard(struct cap_tx *t)
{
	discard(t, &t->st.failed_down);
}

size_t cap_tx_pending(const struct cap_tx *t)
{
	return t->prod - t->head;
}

size_t cap_tx_frame_max(const struct cap_tx *t)
{
	return t->slot_size - TX_DATA_OFF;
}

size_t cap_tx_slots(const struct cap_tx *t)
{
	return (size_t)t->mask + 1;
}

void cap_tx_get_stats(const struct cap_tx *t, struct cap_tx_stats *st)
{
	*st = t->st;
}

const char *cap_tx_error(const struct cap_tx *t)
{
	return t->err;
}

void cap_tx_close(struct cap_tx *t)
{
	if (!t)
		return;
	if (t->ring != MAP_FAILED)
		munmap(t->ring, t->ring_len);
	if (t->fd >= 0)
		close(t->fd);
	free(t);
}
