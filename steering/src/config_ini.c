/* SPDX-License-Identifier: BSD-2-Clause */
/* config_ini.c: the INI dialect of zeekctl's node.cfg (Python ConfigParser's), keeping lines.
 *
 * Why not iniparser, the project's listed INI dependency: iniparser 4.1 drops line numbers,
 * silently merges duplicate sections and keys (the last one wins) and truncates long lines.
 * steer must name the file and line of every problem and must never silently take one of two
 * values the user set, so this reader keeps every line's number, marks duplicates for the
 * caller to report, and has no line-length limit. It reads a buffer, not a file, so that the
 * fuzzer drives it directly.
 *
 * Dialect (ConfigParser's defaults, as zeekctl uses them): "[section]" headers; "key = value" or
 * "key: value", split at the first '=' or ':'; keys lower-cased; key and value trimmed;
 * whole-line comments starting with '#' or ';' (after blanks); blank lines. Not supported (so
 * reported as malformed rather than guessed at): indented continuation lines and keys without a
 * value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <steer/error.h>
#include <steer/ini.h>

#include "config_ini_int.h"
#include "config_int.h"

bool steer__ini_next_line(const char *buf, size_t len, size_t *pos, const char **s, size_t *n)
{
	if (*pos >= len)
		return false;
	const char *start = buf + *pos;
	const char *nl = memchr(start, '\n', len - *pos);
	size_t l = nl ? (size_t)(nl - start) : len - *pos;
	*pos += l + (nl ? 1 : 0);
	if (l > 0 && start[l - 1] == '\r')
		l--;
	*s = start;
	*n = l;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trims [*b, *e) in place. */
static void trim(char **b, char **e)
{
	while (*b < *e && is_blank(**b))
		(*b)++;
	while (*e > *b && is_blank((*e)[-1]))
		(*e)--;
}

static struct steer_ini_entry *add_entry(struct steer_ini *ini)
{
	if (ini->n == ini->cap) {
		size_t cap = ini->cap ? ini->cap * 2 : 32;
		if (cap > SIZE_MAX / sizeof(*ini->v))
			return NULL;
		struct steer_ini_entry *v = realloc(ini->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		ini->v = v;
		ini->cap = cap;
	}
	struct steer_ini_entry *e = &ini->v[ini->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* ---- duplicates: sort pointers to entries, then mark every later member of an equal run ---- */

static int cmp_key_chars(const char *a, const char *b, bool dot_is_underscore)
{
	for (;; a++, b++) {
		unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (dot_is_underscore) {
			ca = ca == '.' ? '_' : ca;
			cb = cb == '.' ? '_' : cb;
		}
		if (ca != cb || ca == '\0')
			return (ca > cb) - (ca < cb);
	}
}

static int cmp_line(const struct steer_ini_entry *a, const struct steer_ini_entry *b)
{
	return (a->line > b->line) - (a->line < b->line);
}

static int cmp_keys(const struct steer_ini_entry *a, const struct steer_ini_entry *b, bool dot)
{
	if (a->sect_id != b->sect_id)
		return a->sect_id < b->sect_id ? -1 : 1;
	int c = cmp_key_chars(a->key, b->key, dot);
	return c ? c : cmp_line(a, b);
}

/* qsort takes no context argument, hence one comparator per flag value. */
static int cmp_keys_plain(const void *x, const void *y)
{
	return cmp_keys(*(struct steer_ini_entry *const *)x, *(struct steer_ini_entry *const *)y,
	                false);
}

static int cmp_keys_dot(const void *x, const void *y)
{
	return cmp_keys(*(struct steer_ini_entry *const *)x, *(struct steer_ini_entry *const *)y,
	                true);
}

static int cmp_headers(const void *x, const void *y)
{
	const struct steer_ini_entry *a = *(struct steer_ini_entry *const *)x;
	const struct steer_ini_entry *b = *(struct steer_ini_entry *const *)y;
	int c = strcmp(a->section, b->section);
	return c ? c : cmp_line(a, b);
}

static int mark_dups(struct steer_ini *ini, unsigned flags)
{
	if (ini->n == 0)
		return 0;
	struct steer_ini_entry **keys = malloc(ini->n * sizeof(*keys));
	struct steer_ini_entry **hdrs = malloc(ini->n * sizeof(*hdrs));
	if (!keys || !hdrs) {
		free(keys);
		free(hdrs);
		return STEER_ENOMEM;
	}
	size_t nk = 0, nh = 0;
	for (size_t i = 0; i < ini->n; i++) {
		if (ini->v[i].key)
			keys[nk++] = &ini->v[i];
		else
			hdrs[nh++] = &ini->v[i];
	}
	bool dot = flags & STEER_INI_DOT_IS_UNDERSCORE;
	qsort(keys, nk, sizeof(*keys), dot ? cmp_keys_dot : cmp_keys_plain);
	for (size_t i = 1, first = 0; i < nk; i++) {
		if (keys[i]->sect_id == keys[first]->sect_id &&
		    cmp_key_chars(keys[i]->key, keys[first]->key, dot) == 0)
			keys[i]->dup_line = keys[first]->line;
		else
			first = i;
	}
	qsort(hdrs, nh, sizeof(*hdrs), cmp_headers);
	for (size_t i = 1, first = 0; i < nh; i++) {
		if (strcmp(hdrs[i]->section, hdrs[first]->section) == 0)
			hdrs[i]->dup_line = hdrs[first]->line;
		else
			first = i;
	}
	free(keys);
	free(hdrs);
	return 0;
}

/* ---- lines ---- */

struct reader {
	struct steer_ini *ini;
	const char *path;
	struct steer_diags *diags;
	const char *section; /* current section name */
	unsigned sect_id;    /* its header's number, 0 before any (or always, when flat) */
	unsigned nheaders;
	bool flat;
};

static void bad_line(struct reader *r, unsigned line, const char *what, const char *s, size_t n)
{
	char q[STEER__QUOTE_SIZE];
	steer_diag_add(r->diags, STEER_SEV_ERROR, r->path, line, "%s '%s'", what,
	               steer__quote_n(s, n, q));
}

/* Section names become node and directory names and every diagnostic prints them and keys
 * as they are: no control bytes there (values may hold anything; diagnostics quote them). */
static bool has_control(const char *b, const char *e)
{
	for (; b < e; b++)
		if ((unsigned char)*b < 0x20 || *b == 0x7f)
			return true;
	return false;
}

/* One non-blank, non-comment line [b, e) of ini->text. */
static int read_line(struct reader *r, unsigned line, char *b, char *e)
{
	if (*b == '[') {
		char *close = e - 1;
		while (close > b && *close != ']')
			close--;
		if (close == b) {
			bad_line(r, line, "unterminated section header (no ']'):", b,
			         (size_t)(e - b));
			return 0;
		}
		if (close != e - 1) {
			bad_line(r, line, "text after the section header:", b, (size_t)(e - b));
			return 0;
		}
		char *nb = b + 1, *ne = close;
		trim(&nb, &ne);
		if (nb == ne) {
			bad_line(r, line, "empty section name:", b, (size_t)(e - b));
			return 0;
		}
		if (has_control(nb, ne)) {
			bad_line(r, line, "control character in section name:", b, (size_t)(e - b));
			return 0;
		}
		struct steer_ini_entry *en = add_entry(r->ini);
		if (!en)
			return STEER_ENOMEM;
		*ne = '\0';
		r->section = nb;
		r->sect_id = r->flat ? 0 : ++r->nheaders;
		en->section = nb;
		en->line = line;
		return 0;
	}

	char *delim = b;
	while (delim < e && *delim != '=' && *delim != ':')
		delim++;
	if (delim == e) {
		bad_line(r, line, "expected 'key = value', '[section]' or a comment, got", b,
		         (size_t)(e - b));
		return 0;
	}
	char *kb = b, *ke = delim, *vb = delim + 1, *ve = e;
	trim(&kb, &ke);
	trim(&vb, &ve);
	if (kb == ke) {
		bad_line(r, line, "empty key in", b, (size_t)(e - b));
		return 0;
	}
	if (has_control(kb, ke)) {
		bad_line(r, line, "control character in key:", b, (size_t)(e - b));
		return 0;
	}
	struct steer_ini_entry *en = add_entry(r->ini);
	if (!en)
		return STEER_ENOMEM;
	/* ASCII only: a locale must not change which key a line sets. */
	for (char *p = kb; p < ke; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	*ke = '\0';
	*ve = '\0';
	en->section = r->section;
	en->key = kb;
	en->value = vb;
	en->line = line;
	en->sect_id = r->sect_id;
	return 0;
}

int steer_ini_parse(struct steer_ini *ini, const char *buf, size_t len, unsigned flags,
                     const char *path, struct steer_diags *diags)
{
	memset(ini, 0, sizeof(*ini));
	if (len == SIZE_MAX)
		return STEER_ENOMEM;
	ini->text = malloc(len + 1);
	if (!ini->text)
		return STEER_ENOMEM;
	if (len)
		memcpy(ini->text, buf, len);
	ini->text[len] = '\0';

	struct reader r = {
	    .ini = ini, .path = path, .diags = diags, .flat = flags & STEER_INI_FLAT};
	size_t pos = 0;
	/* A UTF-8 byte order mark, as some editors write, is not part of the first line. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	const char *s;
	size_t n;
	unsigned line = 0;
	int rc = 0;
	while (rc == 0 && steer__ini_next_line(buf, len, &pos, &s, &n)) {
		line++;
		char *b = ini->text + (s - buf), *e = b + n;
		/* A NUL would cut the value short in every C string that follows: refuse the line.
		 */
		if (memchr(b, '\0', n)) {
			steer_diag_add(diags, STEER_SEV_ERROR, path, line,
			               "line contains a NUL byte");
			continue;
		}
		trim(&b, &e);
		if (b == e || *b == '#' || *b == ';')
			continue;
		rc = read_line(&r, line, b, e);
	}
	if (rc == 0)
		rc = mark_dups(ini, flags);
	if (rc != 0)
		steer_ini_free(ini);
	return rc;
}

void steer_ini_free(struct steer_ini *ini)
{
	free(ini->text);
	free(ini->v);
	memset(ini, 0, sizeof(*ini));
}
