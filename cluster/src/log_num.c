/* SPDX-License-Identifier: BSD-2-Clause */
/* log_num.c: numbers as Zeek's log writers print them: TSV doubles as modp_dtoa3 with 6 digits
 * plus ODesc's ".0" (zeek:src/Desc.cc), JSON doubles as RapidJSON's shortest form and exponent
 * rules (Writer::Double, internal/dtoa.h Prettify), times from microsecond counts. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_int.h"

size_t clu__fmt_double_tsv(double v, char *out)
{
	size_t n;
	if (v != v) {
		memcpy(out, "nan", 4);
		return 3;
	}
	double a = v < 0 ? -v : v;
	if (a >= (double)INT_MAX) {
		/* Large values: "%.6f" with trailing zeros and a bare '.' removed. */
		int w = snprintf(out, 350, "%.6f", v);
		n = w > 0 ? (size_t)w : 0;
		while (n > 0 && out[n - 1] == '0')
			n--;
		if (n > 0 && out[n - 1] == '.')
			n--;
	} else {
		int whole = (int)a;
		double tmp = (a - whole) * 1e6;
		uint32_t frac = (uint32_t)tmp;
		double diff = tmp - frac;
		if (diff > 0.5) {
			if (++frac >= 1000000) {
				frac = 0;
				++whole;
			}
		} else if (diff == 0.5 && (frac == 0 || (frac & 1))) {
			++frac; /* modp's odd-or-zero tie rule; it may reach 10^6 (printed ".1") */
		}
		int w;
		if (frac) {
			int digits = 6;
			while (frac % 10 == 0) {
				frac /= 10;
				digits--;
			}
			w = snprintf(out, 350, "%s%d.%0*u", v < 0 ? "-" : "", whole,
			             digits < 0 ? 0 : digits, frac);
		} else {
			w = snprintf(out, 350, "%s%d", v < 0 ? "-" : "", whole);
		}
		n = w > 0 ? (size_t)w : 0;
	}
	if (isfinite(v) && fabs(v - nearbyint(v)) < 1e-9) {
		memcpy(out + n, ".0", 3); /* ODesc: disambiguate from an integer */
		n += 2;
	}
	out[n] = '\0';
	return n;
}

/* RapidJSON's exponent: no '+', no leading zeros. */
static size_t put_exp(char *p, int k)
{
	return (size_t)sprintf(p, "%d", k);
}

size_t clu__fmt_double_json(double v, char *out)
{
	if (!isfinite(v)) {
		memcpy(out, "null", 5);
		return 4;
	}
	char *o = out;
	if (v == 0) {
		if (signbit(v))
			*o++ = '-';
		memcpy(o, "0.0", 4);
		return (size_t)(o - out) + 3;
	}
	if (v < 0) {
		*o++ = '-';
		v = -v;
	}
	/* Shortest digits that read back as v. */
	char e[40], digits[20];
	int len = 0, exp10 = 0;
	for (int p = 1; p <= 17; p++) {
		snprintf(e, sizeof(e), "%.*e", p - 1, v);
		if (strtod(e, NULL) == v || p == 17) {
			char *x = strchr(e, 'e');
			exp10 = atoi(x + 1);
			for (char *c = e; c < x; c++)
				if (*c >= '0' && *c <= '9')
					digits[len++] = *c;
			break;
		}
	}
	while (len > 1 && digits[len - 1] == '0')
		len--;
	int k = exp10 - (len - 1); /* v = digits * 10^k */
	int kk = len + k;
	if (k >= 0 && kk <= 21) {
		memcpy(o, digits, (size_t)len);
		o += len;
		for (int i = len; i < kk; i++)
			*o++ = '0';
		*o++ = '.';
		*o++ = '0';
	} else if (kk > 0 && kk <= 21) {
		memcpy(o, digits, (size_t)kk);
		o += kk;
		*o++ = '.';
		memcpy(o, digits + kk, (size_t)(len - kk));
		o += len - kk;
	} else if (kk > -6 && kk <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = 0; i < -kk; i++)
			*o++ = '0';
		memcpy(o, digits, (size_t)len);
		o += len;
	} else if (len == 1) {
		*o++ = digits[0];
		*o++ = 'e';
		o += put_exp(o, kk - 1);
	} else {
		*o++ = digits[0];
		*o++ = '.';
		memcpy(o, digits + 1, (size_t)(len - 1));
		o += len - 1;
		*o++ = 'e';
		o += put_exp(o, kk - 1);
	}
	*o = '\0';
	return (size_t)(o - out);
}

static const char pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

size_t clu__u64dec(uint64_t v, char *out)
{
	char t[20];
	char *p = t + 20;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100) * 2;
		v /= 100;
		*--p = pairs[r + 1];
		*--p = pairs[r];
	}
	if (v >= 10) {
		*--p = pairs[v * 2 + 1];
		*--p = pairs[v * 2];
	} else {
		*--p = (char)('0' + v);
	}
	size_t n = (size_t)(t + 20 - p);
	memcpy(out, p, n);
	return n;
}

size_t clu__fmt_usec(int64_t usec, bool json, char *out)
{
	uint64_t a = usec < 0 ? (uint64_t)0 - (uint64_t)usec : (uint64_t)usec;
	/* Beyond 16 significant digits the decimal is not the double's shortest form. */
	if (json && a >= 10000000000000000ull)
		return clu__fmt_double_json((double)usec / 1e6, out);
	char *o = out;
	if (usec < 0)
		*o++ = '-';
	o += clu__u64dec(a / 1000000, o);
	*o++ = '.';
	uint32_t frac = (uint32_t)(a % 1000000);
	int digits = 6;
	if (json) {
		if (frac == 0) {
			*o++ = '0';
			*o = '\0';
			return (size_t)(o - out);
		}
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
	}
	for (int i = digits - 1; i >= 0; i--) {
		o[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	o += digits;
	*o = '\0';
	return (size_t)(o - out);
}
