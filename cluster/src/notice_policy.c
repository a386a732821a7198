/* SPDX-License-Identifier: BSD-2-Clause */
/* notice_policy.c: the notice framework's judgement of one notice (REFERENCE-cluster.md 5),
 * shared by the manager and a standalone worker (steerd -r): the note type's policy from
 * notice.cfg, suppression of repeats of (note, identifier), and the notice.log record. */
#include <stdio.h>

#include "notice_int.h"

enum clu__verdict clu__notice_decide(const struct clu_notice_cfg *c, struct clu_sset *supp,
                                     const struct clu_notice_msg *nm, int64_t now,
                                     const struct clu_notice_type **type)
{
	const struct clu_notice_type *t = clu_notice_cfg_type(c, nm->note.p, nm->note.len);
	*type = t;
	if (t->actions == 0)
		return CLU__V_IGNORED;
	/* Zeek's key: the notice's (note, identifier); no identifier, never suppressed. */
	if (!(nm->flags & CLU_NF_IDENT))
		return CLU__V_ACT;
	if (clu__supp_active(supp, nm->note, nm->ident, now))
		return CLU__V_SUPPRESSED;
	if (t->suppress_us > 0)
		clu__supp_add(supp, nm->note, nm->ident, now, now + t->suppress_us);
	return CLU__V_ACT;
}

static const char *proto_name(uint8_t p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : p == 1 || p == 58 ? "icmp" : "unknown_transport";
}

int clu__notice_record(struct clu_logrec *r, const struct clu_notice_msg *nm, const char *peer,
                       unsigned actions, const struct clu_notice_cfg *c, int64_t suppress_us,
                       const char **line, size_t *len)
{
	bool conn = nm->flags & CLU_NF_CONN;
	clu_logrec_begin(r);
	clu_logrec_time_us(r, nm->ts_us);
	if (conn && nm->uid.len)
		clu_logrec_string(r, nm->uid.p, nm->uid.len);
	else
		clu_logrec_unset(r);
	if (conn) {
		clu_logrec_addr(r, &nm->orig_h);
		clu_logrec_port(r, nm->orig_p);
		clu_logrec_addr(r, &nm->resp_h);
		clu_logrec_port(r, nm->resp_p);
	} else {
		for (int i = 0; i < 4; i++)
			clu_logrec_unset(r);
	}
	for (int i = 0; i < 3; i++) /* fuid, file_mime_type, file_desc */
		clu_logrec_unset(r);
	if (conn)
		clu_logrec_enum(r, proto_name(nm->proto));
	else
		clu_logrec_unset(r);
	char note[CLU_NOTE_MAX + 1];
	snprintf(note, sizeof(note), "%.*s", (int)nm->note.len, nm->note.p);
	clu_logrec_enum(r, note);
	clu_logrec_string(r, nm->msg.p ? nm->msg.p : "", nm->msg.len);
	if (nm->flags & CLU_NF_SUB)
		clu_logrec_string(r, nm->sub.p ? nm->sub.p : "", nm->sub.len);
	else
		clu_logrec_unset(r);
	if (nm->flags & CLU_NF_SRC)
		clu_logrec_addr(r, &nm->src);
	else
		clu_logrec_unset(r);
	if (nm->flags & CLU_NF_DST)
		clu_logrec_addr(r, &nm->dst);
	else
		clu_logrec_unset(r);
	if (nm->flags & CLU_NF_P)
		clu_logrec_port(r, nm->p);
	else
		clu_logrec_unset(r);
	if (nm->flags & CLU_NF_N)
		clu_logrec_count(r, nm->n);
	else
		clu_logrec_unset(r);
	if (peer)
		clu_logrec_str(r, peer);
	else
		clu_logrec_unset(r);
	clu_logrec_set_open(r);
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{CLU_ACTION_LOG, "Notice::ACTION_LOG"},
	             {CLU_ACTION_EMAIL, "Notice::ACTION_EMAIL"},
	             {CLU_ACTION_PAGE, "Notice::ACTION_PAGE"},
	             {CLU_ACTION_EXEC, "Notice::ACTION_EXEC"}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (actions & names[i].bit)
			clu_logrec_enum(r, names[i].name);
	clu_logrec_set_close(r);
	clu_logrec_set_open(r);
	if ((actions & CLU_ACTION_EMAIL) && c->mail_dest)
		clu_logrec_str(r, c->mail_dest);
	if ((actions & CLU_ACTION_PAGE) && c->page_dest)
		clu_logrec_str(r, c->page_dest);
	clu_logrec_set_close(r);
	clu_logrec_interval_us(r, suppress_us);
	for (int i = 0; i < 5; i++) /* remote_location.* */
		clu_logrec_unset(r);
	return clu_logrec_end(r, line, len);
}
