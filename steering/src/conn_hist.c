/* SPDX-License-Identifier: BSD-2-Clause */
/* conn_hist.c: the history column (zeek:scripts/base/protocols/conn/main.zeek, Session.cc): letters
 * upper case for the originator, the once-only letters, and the log10 rule for c, t, w and g. The
 * first HIST_INLINE letters live in the record, 5 bits each; the rest spills to the ext. */
#include <stdlib.h>
#include <string.h>

#include "conn_int.h"

/* Letter codes 1..26; 0 is unused. */
static const char letters[] = "?SHADFRIQCTWG^Xshadfriqctwg";

static unsigned code_of(char ch)
{
	const char *p = strchr(letters + 1, ch);
	return p ? (unsigned)(p - letters) : 0;
}

static unsigned inline_count(const struct steer__conn *c)
{
	return (unsigned)(c->hist >> HIST_COUNT_SHIFT);
}

static char inline_letter(const struct steer__conn *c, unsigned i)
{
	return letters[(c->hist >> (5 * i)) & 31u];
}

void steer__hist_add(struct steer_conn *t, struct steer__conn *c, char letter)
{
	unsigned n = inline_count(c);
	struct steer__conn_ext *x;

	if (n < HIST_INLINE && !(c->cflags & C_HIST_MORE)) {
		c->hist |= (uint64_t)code_of(letter) << (5 * n);
		c->hist = (c->hist & ~((uint64_t)15 << HIST_COUNT_SHIFT)) |
		          (uint64_t)(n + 1) << HIST_COUNT_SHIFT;
		return;
	}
	x = steer__conn_ext_get(t, c);
	if (!x)
		return;
	c->cflags |= C_HIST_MORE;
	/* One letter past the maximum is kept to mark the cut. */
	if (HIST_INLINE + (unsigned)x->hist_n > STEER_CONN_HISTORY_MAX)
		return;
	if (x->hist_n == x->hist_cap) {
		uint16_t cap = x->hist_cap ? (uint16_t)(x->hist_cap * 2) : 16;
		char *p = realloc(x->hist_tail, cap);
		if (!p)
			return;
		steer__conn_ext_bytes(t, (ptrdiff_t)cap - x->hist_cap);
		x->hist_tail = p;
		x->hist_cap = cap;
	}
	x->hist_tail[x->hist_n++] = letter;
}

static bool has_letter(const struct steer_conn *t, const struct steer__conn *c, char a, char b)
{
	unsigned n = inline_count(c);
	for (unsigned i = 0; i < n; i++) {
		char ch = inline_letter(c, i);
		if (ch == a || ch == b)
			return true;
	}
	const struct steer__conn_ext *x = (c->cflags & C_HIST_MORE) ? conn_ext(t, c) : NULL;
	if (x)
		for (unsigned i = 0; i < x->hist_n; i++)
			if (x->hist_tail[i] == a || x->hist_tail[i] == b)
				return true;
	return false;
}

static char role_case(char upper, bool orig)
{
	return orig ? upper : (char)(upper - 'A' + 'a');
}

bool steer__hist_check(struct steer_conn *t, struct steer__conn *c, bool orig, char kind)
{
	char letter = role_case(kind, orig);
	uint32_t bit = 0;

	/* A and D come with nearly every packet: their seen-bits are kept; the rarer letters are
	 * looked up in the history itself, where Zeek's seen-bit always put them. SYN and SYN-ACK
	 * share one bit in Zeek, so either letter counts for both. */
	if (kind == 'A')
		bit = orig ? C_SEEN_AO : C_SEEN_AR;
	else if (kind == 'D')
		bit = orig ? C_SEEN_DO : C_SEEN_DR;
	if (bit) {
		if (c->cflags & bit)
			return true;
		c->cflags |= bit;
	} else {
		char other = letter;
		if (kind == 'S' || kind == 'H')
			other = role_case(kind == 'S' ? 'H' : 'S', orig);
		if (has_letter(t, c, letter, other))
			return true;
	}
	steer__hist_add(t, c, letter);
	return false;
}

static bool is_power_of_ten(uint32_t n)
{
	for (uint32_t p = 1;; p *= 10) {
		if (n == p)
			return true;
		if (p > n / 10)
			return false;
	}
}

void steer__hist_scaled(struct steer_conn *t, struct steer__conn *c, unsigned s, int which,
                        char upper, bool orig)
{
	if (is_power_of_ten(steer__conn_cnt_inc(t, c, s, which)))
		steer__hist_add(t, c, role_case(upper, orig));
}

bool steer__hist_is_H(const struct steer__conn *c)
{
	return inline_count(c) == 1 && !(c->cflags & C_HIST_MORE) && inline_letter(c, 0) == 'H';
}

void steer__hist_set_flipped_h(struct steer_conn *t, struct steer__conn *c)
{
	c->hist = 0;
	steer__hist_add(t, c, '^');
	steer__hist_add(t, c, 'h');
}

unsigned steer__hist_format(const struct steer_conn *t, const struct steer__conn *c, char *buf,
                            bool *cut)
{
	unsigned n = inline_count(c), k = 0;
	*cut = false;
	for (unsigned i = 0; i < n; i++)
		buf[k++] = inline_letter(c, i);
	const struct steer__conn_ext *x = (c->cflags & C_HIST_MORE) ? conn_ext(t, c) : NULL;
	if (x) {
		for (unsigned i = 0; i < x->hist_n && k < STEER_CONN_HISTORY_MAX; i++)
			buf[k++] = x->hist_tail[i];
		*cut = HIST_INLINE + (unsigned)x->hist_n > STEER_CONN_HISTORY_MAX;
	}
	buf[k] = '\0';
	return k;
}
