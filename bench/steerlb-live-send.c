/* SPDX-License-Identifier: BSD-2-Clause */
/* steerlb-live-send.c: bench/steerlb-live's traffic source: replays a capture out of an interface
 * at a fixed frame rate, looping, through a TX ring (steer/cap_tx.h), in batches paced every
 * 100 us. For rates that tcpreplay (one sendto(2) per frame) cannot reach on a small machine.
 *
 *   steerlb-live-send IFACE FILE.pcap PPS SECONDS
 *
 * Prints "sent N failed F seconds T rate R": frames the kernel took, frames it did not (ring
 * full past the wait, too long for the interface, link down), and the rate achieved. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <steer/cap_pcap.h>
#include <steer/cap_tx.h>
#include <steer/error.h>

#define TICK_NS 100000L

struct frames {
	uint8_t *buf;
	size_t *off, *len;
	size_t n, cap, used, bufcap;
};

static int load(const char *path, struct frames *f)
{
	char err[STEER_ERRBUF_SIZE];
	struct cap_reader *r;
	if (cap_reader_open_file(path, 0, &r, err) != 0) {
		fprintf(stderr, "steerlb-live-send: %s\n", err);
		return -1;
	}
	struct cap_pkthdr h;
	const uint8_t *d;
	int rc;
	while ((rc = cap_reader_next(r, &h, &d)) == CAP_PACKET) {
		if (f->n == f->cap) {
			f->cap = f->cap ? 2 * f->cap : 4096;
			f->off = realloc(f->off, f->cap * sizeof(*f->off));
			f->len = realloc(f->len, f->cap * sizeof(*f->len));
		}
		if (f->used + h.caplen > f->bufcap) {
			f->bufcap = (f->bufcap + h.caplen) * 2;
			f->buf = realloc(f->buf, f->bufcap);
		}
		if (!f->off || !f->len || !f->buf) {
			fprintf(stderr, "steerlb-live-send: out of memory\n");
			return -1;
		}
		memcpy(f->buf + f->used, d, h.caplen);
		f->off[f->n] = f->used;
		f->len[f->n++] = h.caplen;
		f->used += h.caplen;
	}
	if (rc < 0)
		fprintf(stderr, "steerlb-live-send: %s: %s\n", path, cap_reader_error(r));
	cap_reader_close(r);
	return rc < 0 || f->n == 0 ? -1 : 0;
}

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: steerlb-live-send IFACE FILE.pcap PPS SECONDS\n");
		return 2;
	}
	char *end;
	errno = 0;
	double pps = strtod(argv[3], &end), secs;
	if (errno || *end || pps <= 0 || pps > 1e8 ||
	    (secs = strtod(argv[4], &end), errno || *end || secs <= 0 || secs > 3600)) {
		fprintf(stderr, "steerlb-live-send: PPS and SECONDS: positive numbers\n");
		return 2;
	}
	struct frames f = {0};
	if (load(argv[2], &f) != 0)
		return 2;
	char err[STEER_ERRBUF_SIZE];
	struct cap_tx *t;
	struct cap_tx_opts o = {.iface = argv[1], .wait_ms = 1000};
	if (cap_tx_open(&o, &t, err) != 0) {
		fprintf(stderr, "steerlb-live-send: %s\n", err);
		return 2;
	}
	uint64_t total = (uint64_t)(pps * secs + 0.5), queued = 0;
	size_t i = 0;
	struct timespec t0, next;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	next = t0;
	while (queued < total) {
		/* what is due by now, at most the ring's worth at once */
		uint64_t due = (uint64_t)(since(&t0) * pps) + 1;
		if (due > total)
			due = total;
		while (queued < due) {
			cap_tx_put(t, f.buf + f.off[i], f.len[i]); /* a failure is counted in t */
			queued++;
			if (++i == f.n)
				i = 0;
		}
		cap_tx_flush(t);
		next.tv_nsec += TICK_NS;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	cap_tx_drain(t, 2000);
	double el = since(&t0);
	struct cap_tx_stats st;
	cap_tx_get_stats(t, &st);
	printf("sent %llu failed %llu seconds %.3f rate %.0f\n", (unsigned long long)st.sent,
	       (unsigned long long)(st.failed_full + st.failed_size + st.failed_down), el,
	       (double)st.sent / el);
	cap_tx_close(t);
	free(f.buf);
	free(f.off);
	free(f.len);
	return 0;
}
