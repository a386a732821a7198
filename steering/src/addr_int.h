/* SPDX-License-Identifier: BSD-2-Clause */
/* addr_int.h: PRIVATE to libsteer. Text helpers shared by the address and key parsers. */
#ifndef STEER_ADDR_INT_H
#define STEER_ADDR_INT_H

/* The value of one hex digit (either case), or -1. */
int steer__hexval(char c);

#endif
