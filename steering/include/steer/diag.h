/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/diag.h: diagnostics, one line per problem: "FILE:LINE: error|warning: [SECTION] KEY:
 * what". What the configuration loader, the INI reader and the profile loader report with. */
#ifndef STEER_DIAG_H
#define STEER_DIAG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

enum steer_severity { STEER_SEV_WARNING = 1, STEER_SEV_ERROR = 2 };

struct steer_diag {
	enum steer_severity sev;
	char *text; /* the whole line, without a newline */
};

/* A growing list; zero-initialise it, free it with steer_diags_free. */
struct steer_diags {
	struct steer_diag *v;
	size_t n, cap;
	unsigned nerrors, nwarnings;
};

/* Appends a printf-formatted diagnostic "FILE:LINE: error: ..." (line 0: "FILE: error: ...";
 * file NULL: "error: ..."). Out of memory is counted as an error and the text dropped. */
void steer_diag_add(struct steer_diags *d, enum steer_severity sev, const char *file,
                    unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Frees every line; d is then empty and reusable. */
void steer_diags_free(struct steer_diags *d);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
