/* SPDX-License-Identifier: BSD-2-Clause */
/* steerlb/out.c: steerlb's outputs: per-worker pcaps (--split), one rewritten pcap (-w), an
 * output interface (-o) and per-worker interfaces (--port-map), each frame delivered as the
 * plan's delivery says (steer/deliver.h: MAC rewrite, tag push, or unchanged for a port).
 * Interfaces are written through TX rings (steer/cap_tx.h): the rewritten frame is built in
 * the ring's slot, and each ring is flushed once per batch of input frames. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <steer/deliver.h>
#include <steer/error.h>

#include "steerlb.h"

/* The interface --port-map gives a worker: PORT=IFACE from the spec, else its interface. */
static char *port_iface(const struct lb *lb, const struct steer_plan_worker *pw)
{
	const char *spec = lb->o.port_map_spec;
	if (!spec)
		return pw->interface ? strdup(pw->interface) : NULL;
	for (const char *p = spec; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *eq = memchr(p, '=', n);
		if (eq && pw->port >= 0 && strtol(p, NULL, 10) == pw->port) {
			size_t k = n - (size_t)(eq + 1 - p);
			char *r = malloc(k + 1);
			if (r) {
				memcpy(r, eq + 1, k);
				r[k] = '\0';
			}
			return r;
		}
		p += n + (end ? 1 : 0);
	}
	return NULL;
}

/* A capture output: opened as every output is (ofile.h), refused when it is the input or
 * another output (steerlb -r x.pcap -w x.pcap would truncate what it reads). */
static int output_open(struct lb *lb, struct ofile *f, const char *what, const char *path,
                       struct cap_writer **w, uint32_t snaplen)
{
	if (ofile_open(f, lb->prog, what, path, 0) != 0)
		return -1;
	const char *clash = NULL;
	if (lb->o.in && ofile_is_input(f, lb->o.in))
		clash = "the input";
	for (size_t i = 0; !clash && i < lb->nslots; i++) {
		const struct lb_slot *o = &lb->slots[i];
		if (&o->split_file != f && o->split && ofile_same(f, &o->split_file))
			clash = "another output";
	}
	if (!clash && f != &lb->wfile && lb->w && ofile_same(f, &lb->wfile))
		clash = "the -w output";
	if (clash) {
		fprintf(stderr, "%s: %s: %s is %s: refusing to overwrite it\n", lb->prog, what,
		        path, clash);
		ofile_abort(f);
		return -1;
	}
	int fd = ofile_take_fd(f);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s: %s\n", lb->prog, what, path, strerror(errno));
		ofile_abort(f);
		return -1;
	}
	if (cap_writer_open_fd(fd, path, lb->linktype, snaplen, lb->prec, lb->o.write_flags, w,
	                       lb->errbuf) != 0) {
		fprintf(stderr, "%s: %s: %s\n", lb->prog, what, lb->errbuf);
		ofile_abort(f);
		return -1;
	}
	return 0;
}

/* Closes the writer, then replaces the file (keep) or removes it. Returns 0 or -1. */
static int output_close(struct lb *lb, struct cap_writer **w, struct ofile *f, bool keep)
{
	char errbuf[STEER_ERRBUF_SIZE];
	int rc = 0;
	if (*w && cap_writer_close(*w, errbuf) != 0) {
		fprintf(stderr, "%s: %s\n", lb->prog, errbuf);
		rc = -1;
	}
	*w = NULL;
	if (keep && rc == 0)
		return ofile_commit(f, lb->prog);
	ofile_abort(f);
	return rc;
}

static int slot_add(struct lb *lb, const struct steer_plan_worker *pw)
{
	struct lb_slot *v = realloc(lb->slots, (lb->nslots + 1) * sizeof(*v));
	if (!v) {
		fprintf(stderr, "%s: out of memory\n", lb->prog);
		return -1;
	}
	lb->slots = v;
	struct lb_slot *s = &v[lb->nslots];
	memset(s, 0, sizeof(*s));
	if (!(s->name = strdup(pw->name))) {
		fprintf(stderr, "%s: out of memory\n", lb->prog);
		return -1;
	}
	lb->nslots++; /* from here on, lb_outputs_close frees it */
	if (lb->o.split_dir) {
		/* the name is a valid file name (steer_name_valid): the file stays in DIR */
		size_t n = strlen(lb->o.split_dir) + strlen(pw->name) + 8;
		char *path = malloc(n);
		if (!path)
			return -1;
		snprintf(path, n, "%s/%s.pcap", lb->o.split_dir, pw->name);
		int rc = output_open(lb, &s->split_file, "--split", path, &s->split, lb->snaplen);
		free(path);
		if (rc)
			return -1;
	}
	if (lb->o.port_map) {
		s->port_iface = port_iface(lb, pw);
		if (!s->port_iface) {
			fprintf(stderr, "%s: --port-map: no interface for worker %s (steer.port %d)\n",
			        lb->prog, pw->name, pw->port);
			return -1;
		}
		struct cap_tx_opts to = {.iface = s->port_iface};
		if (cap_tx_open(&to, &s->port, lb->errbuf) != 0) {
			fprintf(stderr, "%s: --port-map: %s\n", lb->prog, lb->errbuf);
			return -1;
		}
	}
	return (int)(lb->nslots - 1);
}

int lb_slots_map(struct lb *lb, const struct steer_plan *plan, uint32_t **slot_of)
{
	uint32_t *m = malloc(plan->nworkers * sizeof(*m));
	if (!m) {
		fprintf(stderr, "%s: out of memory\n", lb->prog);
		return -1;
	}
	for (size_t i = 0; i < plan->nworkers; i++) {
		size_t j = 0;
		while (j < lb->nslots && strcmp(lb->slots[j].name, plan->workers[i].name) != 0)
			j++;
		if (j == lb->nslots) {
			int k = slot_add(lb, &plan->workers[i]);
			if (k < 0) {
				free(m);
				return -1;
			}
			j = (size_t)k;
		}
		m[i] = (uint32_t)j;
	}
	*slot_of = m;
	return 0;
}

/* The reader is about to refill: -w writes (or has its thread write) the records that point
 * into the reader's buffer. An error stays in the writer, reported when it is closed. */
static void release_input(void *arg)
{
	struct lb *lb = arg;
	if (lb->w)
		cap_writer_release(lb->w);
}

int lb_outputs_open(struct lb *lb)
{
	if (lb->o.split_dir && mkdir(lb->o.split_dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: --split: %s: %s\n", lb->prog, lb->o.split_dir, strerror(errno));
		return -1;
	}
	if (lb->o.wout) {
		/* A pushed tag makes frames 4 bytes longer (up to the largest record: lb_deliver
		 * cuts what would pass it). */
		uint32_t snap = lb->snaplen + (lb->plan->delivery == STEER_DELIVER_VLAN ? 4 : 0);
		if (output_open(lb, &lb->wfile, "-w", lb->o.wout, &lb->w, snap) != 0)
			return -1;
		/* Pass-through: each record goes out as it came in, its destination MAC rewritten
		 * in the reader's buffer (-o and --port-map want the frames copied as they are),
		 * written by a thread while the next records are read and steered. */
		lb->raw = lb->rd && !lb->o.oiface && !lb->o.port_map &&
		          cap_writer_raw_ok(lb->w, lb->rd) &&
		          cap_reader_set_release_hook(lb->rd, release_input, lb) == 0;
		if (lb->raw)
			cap_writer_set_async(lb->w); /* on failure: written synchronously */
	}
	struct cap_tx_opts to = {.iface = lb->o.oiface};
	if (lb->o.oiface && cap_tx_open(&to, &lb->out, lb->errbuf) != 0) {
		fprintf(stderr, "%s: -o: %s\n", lb->prog, lb->errbuf);
		return -1;
	}
	lb->tx = lb->o.oiface || lb->o.port_map;
	if (lb->live && lb->o.port_map && cap_linkmon_open(&lb->links, lb->errbuf) != 0) {
		fprintf(stderr, "%s: link monitor: %s\n", lb->prog, lb->errbuf);
		return -1;
	}
	return lb_slots_map(lb, lb->plan, &lb->slot_of);
}

/* Builds the delivered frame in t's next slot (counted in t when it cannot be sent). */
static inline void tx_queue(struct cap_tx *t, const struct steer_edit *e, const uint8_t *d,
                            uint32_t caplen)
{
	uint8_t *slot = cap_tx_frame(t, steer_edit_len(e, caplen));
	if (slot)
		cap_tx_commit(t, steer_edit_apply(e, d, caplen, slot));
}

void lb_deliver(struct lb *lb, unsigned w, const struct cap_pkthdr *h, const uint8_t *d,
                uint8_t *mut, const struct steer_pkt *pkt)
{
	struct lb_slot *s = &lb->slots[lb->slot_of[w]];
	if (s->split)
		cap_writer_write(s->split, h, d);
	if (!lb->w && !lb->out && !s->port)
		return;
	struct steer_edit e = {0};
	if (!lb->keep_frames &&
	    steer_deliver_edit(lb->plan, w, pkt->eth_off, h->caplen, &e) != 0)
		lb->unrewritten++; /* no Ethernet header to carry the delivery: sent as it is */
	if (mut && e.cut == e.nins) {
		/* Pass-through (only -w): the same record, at most 6 bytes changed, no copy. */
		steer_edit_apply_inplace(&e, mut);
		cap_writer_write_raw(lb->w, mut - CAP_REC_HDR_LEN, CAP_REC_HDR_LEN + h->caplen, 1);
		return;
	}
	struct cap_pkthdr h2 = *h;
	h2.caplen = (uint32_t)steer_edit_len(&e, h->caplen);
	h2.len = (uint32_t)steer_edit_len(&e, h->len);
	size_t tail = h->caplen - e.off - e.cut;
	/* A pushed tag must not take a record past the largest readers accept (libpcap refuses
	 * the file then): its end is cut, as a snapshot length cuts; len keeps the whole. */
	if (h2.caplen > CAP_MAX_SNAPLEN) {
		tail -= h2.caplen - CAP_MAX_SNAPLEN;
		h2.caplen = CAP_MAX_SNAPLEN;
	}
	const struct cap_iov iov[3] = {
	    {d, e.off},
	    {e.ins, e.nins},
	    {d + e.off + e.cut, tail},
	};
	if (lb->w)
		cap_writer_writev(lb->w, &h2, iov, 3);
	if (lb->out)
		tx_queue(lb->out, &e, d, h->caplen);
	if (s->port && !s->link_down)
		tx_queue(s->port, &e, d, h->caplen);
}

void lb_outputs_flush(struct lb *lb)
{
	/* A failure is counted in the ring (send failures in --stats) */
	if (lb->out && cap_tx_pending(lb->out))
		cap_tx_flush(lb->out);
	for (size_t i = 0; i < lb->nslots; i++)
		if (lb->slots[i].port && cap_tx_pending(lb->slots[i].port))
			cap_tx_flush(lb->slots[i].port);
}

static void tx_add(struct cap_tx_stats *sum, const struct cap_tx_stats *s)
{
	sum->sent += s->sent;
	sum->failed_full += s->failed_full;
	sum->failed_size += s->failed_size;
	sum->failed_down += s->failed_down;
	sum->waits += s->waits;
	sum->retries += s->retries;
}

void lb_slot_tx_stats(const struct lb_slot *s, struct cap_tx_stats *st)
{
	if (s->port)
		cap_tx_get_stats(s->port, st);
	else
		*st = s->port_st;
}

void lb_tx_totals(const struct lb *lb, struct cap_tx_stats *sum)
{
	struct cap_tx_stats st;
	memset(sum, 0, sizeof(*sum));
	if (lb->out)
		cap_tx_get_stats(lb->out, &st);
	else
		st = lb->out_st;
	tx_add(sum, &st);
	for (size_t i = 0; i < lb->nslots; i++) {
		lb_slot_tx_stats(&lb->slots[i], &st);
		tx_add(sum, &st);
	}
}

/* The bound on waiting for the last queued frames at the end of a run. */
#define LB_DRAIN_MS 1000

/* Drains and closes a ring, keeping its counters in *st. */
static void tx_close(struct lb *lb, struct cap_tx **t, struct cap_tx_stats *st)
{
	if (!*t)
		return;
	if (cap_tx_drain(*t, LB_DRAIN_MS) != 0)
		fprintf(stderr, "%s: %s\n", lb->prog, cap_tx_error(*t));
	cap_tx_get_stats(*t, st);
	cap_tx_close(*t);
	*t = NULL;
}

bool lb_links_poll(struct lb *lb)
{
	bool changed = false;
	if (!lb->links)
		return false;
	for (size_t i = 0; i < lb->nslots; i++) {
		struct lb_slot *s = &lb->slots[i];
		if (!s->port_iface)
			continue;
		int up = cap_link_is_up(lb->links, s->port_iface);
		if (up < 0)
			continue;
		if (s->link_down != !up) {
			s->link_down = !up;
			changed = true;
			if (up) {
				lb->link_ups++;
			} else {
				lb->link_downs++;
				/* what is queued for it would wait for the link: counted instead */
				if (s->port)
					cap_tx_discard(s->port);
			}
			fprintf(stderr, "%s: %s: link %s (worker %s)\n", lb->prog, s->port_iface,
			        up ? "up" : "down", s->name);
		}
	}
	return changed;
}

int lb_outputs_close(struct lb *lb, bool keep)
{
	int rc = 0;
	for (size_t i = 0; i < lb->nslots; i++) {
		struct lb_slot *s = &lb->slots[i];
		if (output_close(lb, &s->split, &s->split_file, keep) != 0)
			rc = -1;
		tx_close(lb, &s->port, &s->port_st);
	}
	if (lb->raw && lb->rd)
		cap_reader_set_release_hook(lb->rd, NULL, NULL);
	lb->raw = false;
	if (output_close(lb, &lb->w, &lb->wfile, keep) != 0)
		rc = -1;
	tx_close(lb, &lb->out, &lb->out_st);
	cap_linkmon_close(lb->links);
	lb->links = NULL;
	return rc;
}
