/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/clu_notice.h: notices, as Zeek's Notice framework has them (REFERENCE-cluster.md 5):
 * any node raises one; it goes to the manager, which suppresses repeats of the same (note,
 * identifier) for the note type's suppression interval, writes notice.log through the logger,
 * runs the note type's actions (log, email, page, exec: a command with the notice on stdin)
 * and tells every node what is suppressed, so that they stop sending repeats. The manager's
 * policy comes from the optional notice.cfg of the configuration directory. */
#ifndef STEER_CLU_NOTICE_H
#define STEER_CLU_NOTICE_H

#include <stdbool.h>
#include <stdint.h>

#include <steer/addr.h>
#include <steer/clu_node.h>
#include <steer/config.h>
#include <steer/diag.h>

#pragma GCC visibility push(default)

/* The connection a notice is about (notice.log's uid, id.*, proto). */
struct clu_notice_conn {
	const char *uid; /* NULL: unset */
	struct steer_addr orig_h, resp_h;
	uint16_t orig_p, resp_p;
	uint8_t proto; /* IP protocol number: 6 tcp, 17 udp, 1 / 58 icmp */
};

struct clu_notice {
	const char *note;       /* the type, "Module::Name" (required, printable, no spaces) */
	const char *msg;        /* required (may be "") */
	const char *sub;        /* NULL: unset */
	const char *identifier; /* what makes two notices "the same"; NULL: never suppressed */
	int64_t ts_us;          /* 0: now */
	const struct clu_notice_conn *conn; /* NULL: none */
	/* src, dst, p default from conn (orig_h, resp_h, resp_p) as Zeek's do; NULL / has_p
	 * false without conn: unset. */
	const struct steer_addr *src, *dst;
	bool has_p, has_n;
	uint16_t p;
	uint64_t n;
};

/* Raises a notice from this node. Unless the manager said that (note, identifier) is
 * suppressed, it is sent to the manager (held for a while, a bounded number, when the manager
 * is away); on the manager it is handled at once. Returns 0 (sent, held or suppressed),
 * STEER_EINVAL (a field out of range: note 1..128 printable bytes, msg and sub up to 4096,
 * identifier up to 1024, uid up to 64) or STEER_ENOMEM. */
int clu_node_notice(struct clu_node *n, const struct clu_notice *nt);

/* ---- the manager's policy: notice.cfg ---- */

enum clu_notice_action {
	CLU_ACTION_LOG = 1u << 0,   /* Notice::ACTION_LOG: a notice.log line */
	CLU_ACTION_EMAIL = 1u << 1, /* Notice::ACTION_EMAIL: email_command, to mail_dest */
	CLU_ACTION_PAGE = 1u << 2,  /* Notice::ACTION_PAGE: page_command, to page_dest */
	CLU_ACTION_EXEC = 1u << 3,  /* steer's Notice::ACTION_EXEC: exec_command */
};

/* notice.cfg, INI (zeekctl's dialect):
 *   [notice]             defaults and the commands
 *   suppress_for = 1h    Notice::default_suppression_interval (0: never suppressed)
 *   actions = log        comma-separated: log, email, page, exec; none: ignore the type
 *   mail_dest = ADDR     Notice::mail_dest, given to email_command ($NOTICE_DEST)
 *   page_dest = ADDR     Notice::mail_page_dest, given to page_command
 *   email_command, page_command, exec_command = shell command lines (sh -c), the notice on
 *                        stdin as a JSON object and in NOTICE_* environment variables
 *   action_timeout = 30s a command still running then is killed and reported
 *   [Module::Name]       one note type: suppress_for, actions
 * Durations: a number with ms, s, m / min, h or d (none: seconds). */
struct clu_notice_type {
	char *note;
	int64_t suppress_us;
	unsigned actions; /* enum clu_notice_action bits; 0: ignored */
};
struct clu_notice_cfg {
	struct clu_notice_type dflt;
	struct clu_notice_type *types;
	size_t ntypes;
	char *mail_dest, *page_dest;
	char *email_command, *page_command, *exec_command;
	int64_t action_timeout_us;
};

/* Reads DIR/notice.cfg (an absent file, or dir NULL: Zeek's defaults: 1 h, log only). Every
 * problem goes to diags as "notice.cfg:LINE: error: ..."; an action without its command is an
 * error. Returns 0, STEER_ECONFIG (errors in diags), STEER_EIO (unreadable) or STEER_ENOMEM;
 * free *out with clu_notice_cfg_free in every case. */
int clu_notice_cfg_load(const char *dir, struct clu_notice_cfg *out, struct steer_diags *diags);
void clu_notice_cfg_free(struct clu_notice_cfg *c);
/* The policy of note (its section, else the defaults). */
const struct clu_notice_type *clu_notice_cfg_type(const struct clu_notice_cfg *c, const char *note,
                                                  size_t len);

#pragma GCC visibility pop
#endif
