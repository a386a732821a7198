/* SPDX-License-Identifier: BSD-2-Clause */
/* config_ini_int.h: private to the config loader: the line splitter the INI reader shares with
 * networks.cfg (the reader itself is public: steer/ini.h). */
#ifndef STEER_CONFIG_INI_INT_H
#define STEER_CONFIG_INI_INT_H

#include <stdbool.h>
#include <stddef.h>

/* From *pos, sets *s and *n to the next line without its "\n" or "\r\n" and advances *pos.
 * Returns false at the end of buf. */
bool steer__ini_next_line(const char *buf, size_t len, size_t *pos, const char **s, size_t *n);

#endif
