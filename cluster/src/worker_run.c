/* SPDX-License-Identifier: BSD-2-Clause */
/* worker_run.c: the worker's analysis over a capture file, standalone as zeek -r: the logs into
 * a directory (clu_logdir without rotation), or made and dropped when only the time counts. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <steer/cap_pcap.h>
#include <steer/clu_logdir.h>
#include <steer/error.h>
#include <steer/packet.h>

#include "util_int.h"
#include "worker_int.h"

struct dir_sink {
	struct clu_logdir *d;
	char err[STEER_ERRBUF_SIZE];
	int rc; /* the first error */
};

static int to_dir(void *arg, const struct clu_log_stream *st, const char *line, size_t len)
{
	struct dir_sink *s = arg;
	char err[STEER_ERRBUF_SIZE];
	int rc = clu_logdir_write(s->d, st, line, len, err);
	if (rc && !s->rc)
		memcpy(s->err, err, sizeof(err));
	if (rc && !s->rc)
		s->rc = rc;
	return rc;
}

static int to_nothing(void *arg, const struct clu_log_stream *st, const char *line, size_t len)
{
	(void)arg;
	(void)st;
	(void)line;
	(void)len;
	return 0;
}

static bool parsed_link(int lt)
{
	static const int known[] = {
	    STEER_LINK_NULL,      STEER_LINK_ETHERNET, STEER_LINK_RAW,  STEER_LINK_IEEE802_11,
	    STEER_LINK_LINUX_SLL, STEER_LINK_RADIOTAP, STEER_LINK_IPV4, STEER_LINK_IPV6};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == lt)
			return true;
	return false;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int clu_worker_run_file(const struct steer_config *cfg, const struct clu_worker_opts *o,
                        const char *log_dir, struct clu_worker_result *res, char *errbuf)
{
	memset(res, 0, sizeof(*res));
	if (!o || !o->read_file) {
		clu__err(errbuf, "no capture file to read");
		return STEER_EINVAL;
	}
	struct cap_reader *r;
	int rc = cap_reader_open_file(o->read_file, 0, &r, errbuf);
	if (rc)
		return rc;
	int lt = cap_reader_linktype(r);
	if (o->skip_bytes <= 0 && !parsed_link(lt)) {
		clu__err(errbuf, "%s: link type %d (%s) is not one steer parses", o->read_file, lt,
		         cap_linktype_name(lt));
		cap_reader_close(r);
		return STEER_EINVAL;
	}
	struct dir_sink ds = {0};
	if (log_dir) {
		struct clu_logdir_opts lo = {
		    .dir = log_dir,
		    .format =
		        cfg->cluster.log_format == STEER_LOG_JSON ? CLU_LOG_JSON : CLU_LOG_TSV,
		};
		if ((rc = clu_logdir_open(&lo, &ds.d, errbuf)) != 0) {
			cap_reader_close(r);
			return rc;
		}
	}
	struct clu__wsink sink = {log_dir ? to_dir : to_nothing, &ds};
	enum clu_log_format fmt =
	    cfg->cluster.log_format == STEER_LOG_JSON ? CLU_LOG_JSON : CLU_LOG_TSV;
	struct clu__wnotices *nts = NULL;
	struct clu__wa *a = NULL;
	struct clu__wa_conf wc = {
	    .cfg = cfg,
	    .o = o,
	    .peer = "steerd",
	    .worker = -1,
	    .sink = sink,
	};
	if ((rc = clu__wnotices_new(cfg, fmt, &sink, &nts, errbuf)) == 0) {
		wc.notify = (struct clu__wnotify){clu__wnotices_raise, nts};
		rc = clu__wa_new(&wc, &a, errbuf);
	}
	if (rc != 0) {
		clu__wnotices_free(nts);
		cap_reader_close(r);
		if (ds.d)
			clu_logdir_close(ds.d, NULL);
		return rc;
	}
	int64_t scale = cap_reader_precision(r) == CAP_TS_NANO ? 1 : 1000;
	struct cap_pkthdr h;
	const uint8_t *d;
	double t0 = mono();
	int more;
	while ((more = cap_reader_next(r, &h, &d)) == CAP_PACKET)
		clu__wa_frame(a, lt, d, h.caplen, h.len,
		              h.ts_sec * 1000000000ll + (int64_t)h.ts_frac * scale);
	clu__wa_finish(a);
	res->seconds = mono() - t0;
	if (more < 0) {
		clu__err(errbuf, "%s: %s", o->read_file, cap_reader_error(r));
		rc = STEER_EIO;
	}
	struct clu__wa_stats st;
	clu__wa_stats(a, &st);
	res->packets = st.packets;
	res->bytes = st.bytes;
	res->conns = st.conns_logged;
	res->peak_conns = st.peak_conns;
	res->bytes_per_conn = st.bytes_per_conn;
	clu__wa_free(a);
	clu__wnotices_free(nts);
	cap_reader_close(r);
	if (ds.d) {
		char err[STEER_ERRBUF_SIZE];
		int crc = clu_logdir_close(ds.d, err);
		if (!rc && ds.rc) {
			clu__err(errbuf, "%s", ds.err);
			rc = ds.rc;
		} else if (!rc && crc) {
			clu__err(errbuf, "%s", err);
			rc = crc;
		}
	}
	return rc;
}
