/* SPDX-License-Identifier: BSD-2-Clause */
/* config_networks.c: networks.cfg as zeekctl reads it: one CIDR prefix per line, an optional
 * description after blanks, '#' comments (the local networks, for known-host tracking). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <steer/config.h>
#include <steer/error.h>

#include "config_ini_int.h"
#include "config_int.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static int add_net(struct steer_config *cfg, size_t *cap, const struct steer_network *n)
{
	if (cfg->nnets == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		if (nc > SIZE_MAX / sizeof(*cfg->nets))
			return STEER_ENOMEM;
		struct steer_network *v = realloc(cfg->nets, nc * sizeof(*v));
		if (!v)
			return STEER_ENOMEM;
		cfg->nets = v;
		*cap = nc;
	}
	cfg->nets[cfg->nnets++] = *n;
	return 0;
}

static int cmp_net(const void *x, const void *y)
{
	const struct steer_network *a = *(const struct steer_network *const *)x;
	const struct steer_network *b = *(const struct steer_network *const *)y;
	if (a->net.family != b->net.family)
		return a->net.family < b->net.family ? -1 : 1;
	int c = memcmp(a->net.a, b->net.a, sizeof(a->net.a));
	if (c)
		return c;
	if (a->prefix_len != b->prefix_len)
		return a->prefix_len < b->prefix_len ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

static bool same_net(const struct steer_network *a, const struct steer_network *b)
{
	return a->net.family == b->net.family && a->prefix_len == b->prefix_len &&
	       memcmp(a->net.a, b->net.a, sizeof(a->net.a)) == 0;
}

/* A prefix listed twice is harmless to known-host tracking, but likely a copy-paste slip
 * (two descriptions for one network): warn, keep the first. */
static int warn_dups(struct steer__cfg_ctx *c)
{
	struct steer_config *cfg = c->cfg;
	if (cfg->nnets < 2)
		return 0;
	const struct steer_network **v = malloc(cfg->nnets * sizeof(*v));
	unsigned *first = calloc(cfg->nnets, sizeof(*first));
	if (!v || !first) {
		free(v);
		free(first);
		return STEER_ENOMEM;
	}
	for (size_t i = 0; i < cfg->nnets; i++)
		v[i] = &cfg->nets[i];
	qsort(v, cfg->nnets, sizeof(*v), cmp_net);
	for (size_t i = 1, f = 0; i < cfg->nnets; i++) {
		if (same_net(v[i], v[f]))
			first[v[i] - cfg->nets] = v[f]->line;
		else
			f = i;
	}
	for (size_t i = 0; i < cfg->nnets; i++) {
		if (!first[i])
			continue;
		char a[STEER_ADDR_STRLEN];
		const struct steer_network *n = &cfg->nets[i];
		steer_diag_add(c->diags, STEER_SEV_WARNING, cfg->networks_path, n->line,
		               "duplicate network %s/%u (first at line %u)",
		               steer_addr_format(&n->net, a), n->prefix_len, first[i]);
	}
	free(v);
	free(first);
	return 0;
}

int steer__networks_cfg_parse(struct steer__cfg_ctx *c, const char *buf, size_t len)
{
	struct steer_config *cfg = c->cfg;
	const char *path = cfg->networks_path;
	if (len == SIZE_MAX)
		return STEER_ENOMEM;
	/* A private copy to cut each line's prefix and description into C strings. */
	char *text = malloc(len + 1);
	if (!text)
		return STEER_ENOMEM;
	if (len)
		memcpy(text, buf, len);
	text[len] = '\0';

	size_t pos = 0, cap = 0, n;
	const char *s;
	unsigned line = 0;
	int rc = 0;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (rc == 0 && steer__ini_next_line(buf, len, &pos, &s, &n)) {
		line++;
		char *b = text + (s - buf), *e = b + n;
		if (memchr(b, '\0', n)) {
			steer_diag_add(c->diags, STEER_SEV_ERROR, path, line,
			               "line contains a NUL byte");
			continue;
		}
		while (b < e && is_blank(*b))
			b++;
		while (e > b && is_blank(e[-1]))
			e--;
		if (b == e || *b == '#')
			continue;
		*e = '\0';
		char *d = b;
		while (*d && *d != ' ' && *d != '\t')
			d++;
		if (*d) {
			*d++ = '\0';
			while (*d == ' ' || *d == '\t')
				d++;
		}

		struct steer_network net = {.line = line};
		char err[STEER_ERRBUF_SIZE], q[STEER__QUOTE_SIZE];
		if (has_control(b)) {
			steer_diag_add(c->diags, STEER_SEV_ERROR, path, line,
			               "'%s' is not an IPv4 or IPv6 prefix", steer__quote(b, q));
			continue;
		}
		if (steer_cidr_parse(b, &net.net, &net.prefix_len, err) != 0) {
			steer_diag_add(c->diags, STEER_SEV_ERROR, path, line, "%s", err);
			continue;
		}
		if (*d && !(net.desc = strdup(d))) {
			rc = STEER_ENOMEM;
			break;
		}
		if ((rc = add_net(cfg, &cap, &net)) != 0)
			free(net.desc);
	}
	free(text);
	if (rc == 0)
		rc = warn_dups(c);
	return rc;
}
