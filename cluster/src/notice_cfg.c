/* SPDX-License-Identifier: BSD-2-Clause */
/* notice_cfg.c: the manager's notice policy, notice.cfg (steer/clu_notice.h): suppression
 * intervals and actions per note type, as Zeek's Notice::type_suppression_intervals and
 * Notice::policy give them, and the commands the actions run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <steer/clu_notice.h>
#include <steer/error.h>
#include <steer/ini.h>

#include "util_int.h"

#define DEFAULT_SUPPRESS_US 3600000000ll /* Notice::default_suppression_interval */
#define DEFAULT_TIMEOUT_US  30000000ll
#define FILE_MAX            (1u << 20)

/* "N" with ms, s, m / min, h or d; no unit: seconds. */
static bool parse_duration(const char *v, int64_t *us)
{
	static const struct {
		const char *unit;
		int64_t us;
	} units[] = {{"", 1000000},     {"ms", 1000},        {"s", 1000000},      {"m", 60000000},
	             {"min", 60000000}, {"h", 3600000000ll}, {"d", 86400000000ll}};
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (end == v || errno || v[0] == '-')
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0) {
			if (n > (unsigned long long)(INT64_MAX / units[i].us))
				return false;
			*us = (int64_t)n * units[i].us;
			return true;
		}
	return false;
}

/* "log, email" -> bits; "none" -> 0. */
static bool parse_actions(const char *v, unsigned *out, char *bad, size_t badlen)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"log", CLU_ACTION_LOG},
	             {"email", CLU_ACTION_EMAIL},
	             {"page", CLU_ACTION_PAGE},
	             {"exec", CLU_ACTION_EXEC},
	             {"none", 0}};
	*out = 0;
	char buf[256];
	if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf)) {
		snprintf(bad, badlen, "(too long)");
		return false;
	}
	bool none = false, any = false;
	for (char *save, *t = strtok_r(buf, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		size_t i = 0;
		while (i < sizeof(names) / sizeof(names[0]) && strcasecmp(t, names[i].name) != 0)
			i++;
		if (i == sizeof(names) / sizeof(names[0])) {
			snprintf(bad, badlen, "%s", t);
			return false;
		}
		none |= names[i].bit == 0;
		any |= names[i].bit != 0;
		*out |= names[i].bit;
	}
	if (none == any) { /* nothing at all, or none with others */
		snprintf(bad, badlen, "%s", v);
		return false;
	}
	return true;
}

static int dup_str(char **dst, const char *v)
{
	free(*dst);
	return (*dst = strdup(v)) ? 0 : STEER_ENOMEM;
}

void clu_notice_cfg_free(struct clu_notice_cfg *c)
{
	for (size_t i = 0; i < c->ntypes; i++)
		free(c->types[i].note);
	free(c->types);
	free(c->dflt.note);
	free(c->mail_dest);
	free(c->page_dest);
	free(c->email_command);
	free(c->page_command);
	free(c->exec_command);
	memset(c, 0, sizeof(*c));
}

static struct clu_notice_type *type_for(struct clu_notice_cfg *c, const char *note)
{
	for (size_t i = 0; i < c->ntypes; i++)
		if (strcmp(c->types[i].note, note) == 0)
			return &c->types[i];
	struct clu_notice_type *v = realloc(c->types, (c->ntypes + 1) * sizeof(*v));
	if (!v)
		return NULL;
	c->types = v;
	struct clu_notice_type *t = &v[c->ntypes];
	*t = c->dflt; /* filled with the defaults once they are all read */
	t->suppress_us = -1;
	t->actions = ~0u;
	if (!(t->note = strdup(note)))
		return NULL;
	c->ntypes++;
	return t;
}

static bool note_name_ok(const char *s)
{
	if (!*s || strlen(s) > 128)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static int apply(struct clu_notice_cfg *c, const struct steer_ini_entry *e, const char *path,
                 struct steer_diags *d)
{
	bool dflt = strcmp(e->section, "notice") == 0;
	struct clu_notice_type *t = dflt ? &c->dflt : type_for(c, e->section);
	if (!t)
		return STEER_ENOMEM;
	char bad[256];
	if (strcmp(e->key, "suppress_for") == 0) {
		if (!parse_duration(e->value, &t->suppress_us))
			steer_diag_add(d, STEER_SEV_ERROR, path, e->line,
			               "[%s] suppress_for: '%s' is not a duration (30s, 10m, 1h)",
			               e->section, e->value);
	} else if (strcmp(e->key, "actions") == 0) {
		if (!parse_actions(e->value, &t->actions, bad, sizeof(bad)))
			steer_diag_add(
			    d, STEER_SEV_ERROR, path, e->line,
			    "[%s] actions: '%s' (known: log, email, page, exec, or none)",
			    e->section, bad);
	} else if (dflt && strcmp(e->key, "action_timeout") == 0) {
		if (!parse_duration(e->value, &c->action_timeout_us) || c->action_timeout_us == 0)
			steer_diag_add(d, STEER_SEV_ERROR, path, e->line,
			               "[notice] action_timeout: '%s' is not a duration above 0",
			               e->value);
	} else if (dflt && strcmp(e->key, "mail_dest") == 0) {
		return dup_str(&c->mail_dest, e->value);
	} else if (dflt && strcmp(e->key, "page_dest") == 0) {
		return dup_str(&c->page_dest, e->value);
	} else if (dflt && strcmp(e->key, "email_command") == 0) {
		return dup_str(&c->email_command, e->value);
	} else if (dflt && strcmp(e->key, "page_command") == 0) {
		return dup_str(&c->page_command, e->value);
	} else if (dflt && strcmp(e->key, "exec_command") == 0) {
		return dup_str(&c->exec_command, e->value);
	} else {
		steer_diag_add(d, STEER_SEV_WARNING, path, e->line, "[%s] %s: unknown key, ignored",
		               e->section, e->key);
	}
	return 0;
}

/* Every type's unset fields take the defaults; every action used needs its command. */
static void finish(struct clu_notice_cfg *c, const char *path, struct steer_diags *d)
{
	unsigned used = c->dflt.actions;
	for (size_t i = 0; i < c->ntypes; i++) {
		struct clu_notice_type *t = &c->types[i];
		if (t->suppress_us < 0)
			t->suppress_us = c->dflt.suppress_us;
		if (t->actions == ~0u)
			t->actions = c->dflt.actions;
		used |= t->actions;
	}
	static const struct {
		unsigned bit;
		const char *key;
		size_t off;
	} need[] = {
	    {CLU_ACTION_EMAIL, "email_command", offsetof(struct clu_notice_cfg, email_command)},
	    {CLU_ACTION_PAGE, "page_command", offsetof(struct clu_notice_cfg, page_command)},
	    {CLU_ACTION_EXEC, "exec_command", offsetof(struct clu_notice_cfg, exec_command)},
	};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		char *cmd = *(char **)((char *)c + need[i].off);
		if ((used & need[i].bit) && (!cmd || !*cmd))
			steer_diag_add(d, STEER_SEV_ERROR, path, 0,
			               "an action needs [notice] %s, which is not set",
			               need[i].key);
	}
}

int clu_notice_cfg_load(const char *dir, struct clu_notice_cfg *c, struct steer_diags *d)
{
	memset(c, 0, sizeof(*c));
	c->dflt.suppress_us = DEFAULT_SUPPRESS_US;
	c->dflt.actions = CLU_ACTION_LOG;
	c->action_timeout_us = DEFAULT_TIMEOUT_US;
	if (!dir)
		return 0;
	char path[PATH_MAX];
	if (!clu__join(path, dir, "notice.cfg"))
		return STEER_ERANGE;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		steer_diag_add(d, STEER_SEV_ERROR, path, 0, "%s", strerror(errno));
		return STEER_EIO;
	}
	char *buf = malloc(FILE_MAX + 1);
	size_t len = buf ? fread(buf, 1, FILE_MAX + 1, f) : 0;
	bool err = ferror(f);
	fclose(f);
	if (!buf)
		return STEER_ENOMEM;
	if (err || len > FILE_MAX) {
		steer_diag_add(d, STEER_SEV_ERROR, path, 0,
		               err ? "read error" : "larger than 1 MiB");
		free(buf);
		return STEER_EIO;
	}
	unsigned before = d->nerrors;
	struct steer_ini ini = {0};
	int rc = steer_ini_parse(&ini, buf, len, 0, path, d);
	free(buf);
	for (size_t i = 0; rc == 0 && i < ini.n; i++) {
		const struct steer_ini_entry *e = &ini.v[i];
		if (!e->key) {
			if (e->dup_line)
				steer_diag_add(d, STEER_SEV_ERROR, path, e->line,
				               "[%s] again (first at line %u)", e->section,
				               e->dup_line);
			else if (strcmp(e->section, "notice") != 0 && !note_name_ok(e->section))
				steer_diag_add(d, STEER_SEV_ERROR, path, e->line,
				               "[%s]: not a note type (Module::Name, no spaces)",
				               e->section);
			continue;
		}
		if (!e->section) {
			steer_diag_add(d, STEER_SEV_ERROR, path, e->line,
			               "%s: outside a section ([notice] or [Module::Name])",
			               e->key);
			continue;
		}
		if (e->dup_line) {
			steer_diag_add(d, STEER_SEV_ERROR, path, e->line,
			               "[%s] %s: set again (first at line %u)", e->section, e->key,
			               e->dup_line);
			continue;
		}
		rc = apply(c, e, path, d);
	}
	steer_ini_free(&ini);
	if (rc != 0)
		return rc;
	finish(c, path, d);
	return d->nerrors > before ? STEER_ECONFIG : 0;
}

const struct clu_notice_type *clu_notice_cfg_type(const struct clu_notice_cfg *c, const char *note,
                                                  size_t len)
{
	for (size_t i = 0; i < c->ntypes; i++)
		if (strlen(c->types[i].note) == len && memcmp(c->types[i].note, note, len) == 0)
			return &c->types[i];
	return &c->dflt;
}
