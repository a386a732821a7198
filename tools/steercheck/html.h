/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/html.h: private to steercheck: what its HTML reports share: escaping, the page's
 * head and style, and the inline SVG bar chart (self-contained: no script, no link). */
#ifndef STEERCHECK_HTML_H
#define STEERCHECK_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* s with <, >, &, " and ' escaped (NULL: nothing). */
void html_esc(FILE *f, const char *s);

/* The page up to <body>, titled title (escaped). */
void html_open(FILE *f, const char *title);

/* One bar of html_bars: value and mark in one unit (scaled to the largest of them all). */
struct html_bar {
	const char *label; /* left of the bar (escaped) */
	double value;      /* the bar's length */
	double mark;       /* a line across the bar (what was expected) */
	bool hot;          /* drawn in the alarm colour */
	char tip[160];     /* the bar's tooltip (escaped) */
	char text[32];     /* right of the bar (escaped) */
};

/* An inline SVG chart of horizontal bars, labelled aria for screen readers, with a note under
 * it (escaped). */
void html_bars(FILE *f, const struct html_bar *b, size_t n, const char *aria, const char *note);

#endif
