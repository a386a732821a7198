/* SPDX-License-Identifier: BSD-2-Clause */
/* steercheck/html.c: the pieces steercheck's HTML reports share: escaping, the page's head and
 * style, and the inline SVG bar chart. */
#include "html.h"

void html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void html_open(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
	html_esc(f, title);
	fputs("</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:2em;color:#222}\n"
	      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;"
	      "padding:3px 8px;text-align:left}th{background:#eee}td.n{text-align:right}\n"
	      ".pass{color:#176f2c}.fail{color:#b00020}\n"
	      "svg .bar{fill:#4a7fb5}svg .bar.hot{fill:#b00020}svg .exp{stroke:#222;"
	      "stroke-width:2}svg text{font-size:13px}svg .note{fill:#666}\n"
	      "</style></head><body>\n",
	      f);
}

void html_bars(FILE *f, const struct html_bar *b, size_t n, const char *aria, const char *note)
{
	const int bar_h = 22, gap = 8, label_w = 160, chart_w = 480;
	double maxv = 0;
	for (size_t i = 0; i < n; i++) {
		if (b[i].value > maxv)
			maxv = b[i].value;
		if (b[i].mark > maxv)
			maxv = b[i].mark;
	}
	if (maxv <= 0)
		maxv = 1;
	int h = (int)n * (bar_h + gap) + 30;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	           "role=\"img\" aria-label=\"",
	        label_w + chart_w + 90, h);
	html_esc(f, aria);
	fputs("\">\n", f);
	for (size_t i = 0; i < n; i++) {
		int y = (int)i * (bar_h + gap) + 4;
		double bw = b[i].value / maxv * chart_w, ew = b[i].mark / maxv * chart_w;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 8,
		        y + bar_h - 6);
		html_esc(f, b[i].label);
		fprintf(f, "</text>\n<rect class=\"bar%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
		           "height=\"%d\"><title>",
		        b[i].hot ? " hot" : "", label_w, y, bw, bar_h);
		html_esc(f, b[i].tip);
		fputs("</title></rect>\n", f);
		fprintf(f, "<line class=\"exp\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>\n",
		        label_w + ew, label_w + ew, y - 2, y + bar_h + 2);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\">", label_w + bw + 6, y + bar_h - 6);
		html_esc(f, b[i].text);
		fputs("</text>\n", f);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"note\">", label_w, h - 6);
	html_esc(f, note);
	fputs("</text>\n</svg>\n", f);
}
