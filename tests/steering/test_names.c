/* SPDX-License-Identifier: BSD-2-Clause */
/* test_names.c: every enum's names, from its one {value, "name"} table, both ways; and the
 * public INI reader (steer/ini.h) that the configuration and the profiles are read with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <steer/config.h>
#include <steer/error.h>
#include <steer/hash.h>
#include <steer/ini.h>
#include <steer/names.h>
#include <steer/packet.h>
#include <steer/plan.h>

static void config_enums(void **state)
{
	(void)state;
	static const char *const types[] = {"standalone", "manager", "logger", "proxy", "worker"};
	for (int t = STEER_NODE_STANDALONE; t <= STEER_NODE_WORKER; t++) {
		enum steer_node_type back;
		assert_string_equal(steer_node_type_name((enum steer_node_type)t), types[t - 1]);
		assert_int_equal(steer_node_type_from_name(types[t - 1], &back), 0);
		assert_int_equal(back, t);
	}
	static const char *const frags[] = {"l3", "remember"};
	for (int f = STEER_FRAG_L3; f <= STEER_FRAG_REMEMBER; f++) {
		enum steer_frag_policy back;
		assert_string_equal(steer_frag_policy_name((enum steer_frag_policy)f), frags[f - 1]);
		assert_int_equal(steer_frag_policy_from_name(frags[f - 1], &back), 0);
		assert_int_equal(back, f);
	}
	static const char *const nonip[] = {"mac", "worker", "drop"};
	for (int n = STEER_NONIP_MAC; n <= STEER_NONIP_DROP; n++) {
		enum steer_nonip_policy back;
		assert_string_equal(steer_nonip_policy_name((enum steer_nonip_policy)n), nonip[n - 1]);
		assert_int_equal(steer_nonip_policy_from_name(nonip[n - 1], &back), 0);
		assert_int_equal(back, n);
	}
	static const char *const deliv[] = {"mac", "vlan", "port"};
	for (int d = STEER_DELIVER_MAC; d <= STEER_DELIVER_PORT; d++) {
		enum steer_delivery back;
		assert_string_equal(steer_delivery_name((enum steer_delivery)d), deliv[d - 1]);
		assert_int_equal(steer_delivery_from_name(deliv[d - 1], &back), 0);
		assert_int_equal(back, d);
	}
	/* out of range and unknown: named so, refused so; the output stays untouched */
	enum steer_delivery d = STEER_DELIVER_VLAN;
	assert_string_equal(steer_node_type_name((enum steer_node_type)0), "unknown");
	assert_string_equal(steer_delivery_name((enum steer_delivery)9), "unknown");
	assert_int_equal(steer_delivery_from_name("MAC", &d), STEER_EINVAL);
	assert_int_equal(steer_delivery_from_name("", &d), STEER_EINVAL);
	assert_int_equal(d, STEER_DELIVER_VLAN);
	enum steer_nonip_policy n;
	assert_int_equal(steer_nonip_policy_from_name("worker:w1", &n), STEER_EINVAL);
}

static void plan_and_packet_enums(void **state)
{
	(void)state;
	for (int f = STEER_FIELDS_2; f <= STEER_FIELDS_5; f++) {
		enum steer_fields back;
		char digit[2] = {(char)('0' + f), '\0'};
		const char *name = steer_fields_name((enum steer_fields)f);
		assert_int_equal(name[0], '0' + f);
		assert_string_equal(name + 1, "-tuple");
		assert_int_equal(steer_fields_from_name(name, &back), 0);
		assert_int_equal(back, f);
		assert_int_equal(steer_fields_from_name(digit, &back), 0);
		assert_int_equal(back, f);
	}
	enum steer_fields f;
	assert_int_equal(steer_fields_from_name("6-tuple", &f), STEER_EINVAL);
	assert_string_equal(steer_fields_name((enum steer_fields)1), "?");
	enum steer_select s;
	assert_string_equal(steer_select_name(STEER_SELECT_TABLE), "table");
	assert_string_equal(steer_select_name(STEER_SELECT_MODULO), "modulo");
	assert_int_equal(steer_select_from_name("modulo", &s), 0);
	assert_int_equal(s, STEER_SELECT_MODULO);
	assert_int_equal(steer_select_from_name("hash", &s), STEER_EINVAL);
	assert_string_equal(steer_parse_status_name(STEER_PKT_IP), "ip");
	assert_string_equal(steer_parse_status_name(STEER_PKT_NONIP), "non-ip");
	assert_string_equal(steer_parse_status_name(STEER_PKT_TRUNC), "truncated");
	assert_string_equal(steer_parse_status_name(STEER_PKT_INVALID), "invalid");
	assert_string_equal(steer_parse_status_name(STEER_PKT_UNSUPPORTED_LINK), "unsupported-link");
	assert_string_equal(steer_parse_status_name(99), "unknown");
	int v;
	assert_int_equal(steer_name_lookup(steer_bool_names, STEER_NAMES_LEN(steer_bool_names),
	                                   "true", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(steer_name_lookup(steer_bool_names, STEER_NAMES_LEN(steer_bool_names),
	                                   "0", &v), 0);
	assert_int_equal(v, 0);
}

static void ini_reader(void **state)
{
	(void)state;
	static const char text[] = "; comment\n"
	                           "top = 1\n"
	                           "[Sect]\n"
	                           "  Key = Value with spaces  \r\n"
	                           "other: x\n"
	                           "key = again\n"
	                           "\n"
	                           "[sect]\n"
	                           "steer.mac = m\n"
	                           "not a line\n"
	                           "[two]\n"
	                           "steer_mac = n";
	struct steer_ini ini = {0};
	struct steer_diags d = {0};
	assert_int_equal(steer_ini_parse(&ini, text, sizeof(text) - 1, STEER_INI_DOT_IS_UNDERSCORE,
	                                 "x.cfg", &d),
	                 0);
	assert_int_equal(ini.n, 9);
	assert_null(ini.v[0].section);
	assert_string_equal(ini.v[0].key, "top");
	assert_int_equal(ini.v[0].line, 2);
	assert_null(ini.v[1].key); /* [Sect] */
	assert_string_equal(ini.v[1].section, "Sect");
	assert_string_equal(ini.v[2].key, "key"); /* lower-cased, trimmed */
	assert_string_equal(ini.v[2].value, "Value with spaces");
	assert_string_equal(ini.v[2].section, "Sect");
	assert_string_equal(ini.v[3].key, "other");
	assert_string_equal(ini.v[3].value, "x");
	assert_int_equal(ini.v[4].dup_line, 4); /* key again in [Sect] */
	assert_int_equal(ini.v[5].line, 8);     /* [sect]: another section, names are exact */
	assert_int_equal(ini.v[5].dup_line, 0);
	assert_string_equal(ini.v[6].key, "steer.mac");
	assert_int_equal(ini.v[8].dup_line, 0); /* steer_mac in [two], not in [sect] */
	assert_int_equal(d.nerrors, 1);         /* "not a line" */
	assert_non_null(strstr(d.v[0].text, "x.cfg:10: error"));
	steer_ini_free(&ini);
	steer_diags_free(&d);
	/* flat: one namespace for the whole file */
	static const char flat[] = "a = 1\n[s]\na = 2\n";
	assert_int_equal(steer_ini_parse(&ini, flat, sizeof(flat) - 1, STEER_INI_FLAT, "f", &d), 0);
	assert_int_equal(ini.v[2].dup_line, 1);
	steer_ini_free(&ini);
	steer_diags_free(&d);
	/* dots and underscores name one key when asked */
	static const char dots[] = "[w]\nsteer.mac = 1\nsteer_mac = 2\n";
	assert_int_equal(steer_ini_parse(&ini, dots, sizeof(dots) - 1, STEER_INI_DOT_IS_UNDERSCORE,
	                                 "n", &d),
	                 0);
	assert_int_equal(ini.v[2].dup_line, 2);
	steer_ini_free(&ini);
	steer_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_enums),
		cmocka_unit_test(plan_and_packet_enums),
		cmocka_unit_test(ini_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
