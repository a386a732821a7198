/* SPDX-License-Identifier: BSD-2-Clause */
/* test_profile.c: loading profiles (hwp_profile_load's error codes) and the one resolver every
 * command uses (hwp_profile_resolve): NAME.ini in the configuration directory, else the
 * shipped one; an override that is there but unusable is reported, never passed over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <steer/error.h>
#include <steer/hwp_generate.h>
#include <steer/hwp_profile.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/steer-test-prof-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The shipped steerlb profile with another description. */
static const char own_steerlb[] =
	"[profile]\ndescription = the site's own\ngenerator = steerlb\n"
	"hashes = default, toeplitz, pfring, netmap-lb, xor\n"
	"fields = 2-tuple, 3-tuple, 4-tuple, 5-tuple\nsymmetric = yes\nhash_known = yes\n"
	"inner = yes\nfragments = l3, remember\nnon_ip = mac, worker, drop\n"
	"delivery = mac, vlan, port\nmax_outputs = 0\nmax_table_entries = 0\n"
	"[emulate]\nhash = default\nfragments = remember\nnon_ip = mac\n";

static void shipped_when_no_override(void **state)
{
	(void)state;
	struct hwp_profile *p;
	char errbuf[STEER_ERRBUF_SIZE];
	assert_int_equal(hwp_profile_resolve("ovs", dir, &p, errbuf), 0);
	assert_string_equal(p->name, "ovs");
	assert_null(strstr(p->path, dir));
	assert_string_equal(p->generator, "ovs");
	hwp_profile_free(p);
	/* no configuration directory: shipped only */
	assert_int_equal(hwp_profile_resolve("click", NULL, &p, errbuf), 0);
	assert_string_equal(p->generator, "click");
	hwp_profile_free(p);
}

static void override_wins(void **state)
{
	(void)state;
	put("steerlb.ini", own_steerlb);
	struct hwp_profile *p;
	char errbuf[STEER_ERRBUF_SIZE];
	assert_int_equal(hwp_profile_resolve("steerlb", dir, &p, errbuf), 0);
	assert_string_equal(p->description, "the site's own");
	assert_non_null(strstr(p->path, dir));
	hwp_profile_free(p);
	/* a site's own device, not shipped at all */
	put("my-box.ini", own_steerlb);
	assert_int_equal(hwp_profile_resolve("my-box", dir, &p, errbuf), 0);
	assert_string_equal(p->name, "my-box");
	hwp_profile_free(p);
}

/* What is there is the profile: unreadable or malformed, it is an error naming the file. */
static void broken_override_is_reported(void **state)
{
	(void)state;
	struct hwp_profile *p = (struct hwp_profile *)1;
	char errbuf[STEER_ERRBUF_SIZE], path[128];
	/* a directory where the file should be */
	snprintf(path, sizeof(path), "%s/ovs.ini", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(hwp_profile_resolve("ovs", dir, &p, errbuf), STEER_EIO);
	assert_null(p);
	assert_non_null(strstr(errbuf, path));
	assert_non_null(strstr(errbuf, "Is a directory"));
	assert_int_equal(rmdir(path), 0);
	/* a symbolic link to nothing */
	snprintf(path, sizeof(path), "%s/click.ini", dir);
	assert_int_equal(symlink("/nonexistent/steer-no-such.ini", path), 0);
	assert_int_equal(hwp_profile_resolve("click", dir, &p, errbuf), STEER_EIO);
	assert_non_null(strstr(errbuf, path));
	assert_int_equal(unlink(path), 0);
	/* unreadable: only an unprivileged user is refused (root reads it anyway) */
	if (geteuid() != 0) {
		put("pfring.ini", own_steerlb);
		snprintf(path, sizeof(path), "%s/pfring.ini", dir);
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(hwp_profile_resolve("pfring", dir, &p, errbuf), STEER_EIO);
		assert_non_null(strstr(errbuf, "Permission denied"));
		assert_int_equal(unlink(path), 0);
	}
	/* malformed: file, line and key */
	put("afpacket.ini", "[profile]\ngenerator = afpacket\nhashes = nonsense\n");
	assert_int_equal(hwp_profile_resolve("afpacket", dir, &p, errbuf), STEER_ECONFIG);
	assert_non_null(strstr(errbuf, "afpacket.ini:3: error: [profile] hashes"));
	put("netmap-lb.ini", "not an ini line\n");
	assert_int_equal(hwp_profile_resolve("netmap-lb", dir, &p, errbuf), STEER_ECONFIG);
	assert_non_null(strstr(errbuf, "netmap-lb.ini:1"));
}

static void missing_everywhere(void **state)
{
	(void)state;
	struct hwp_profile *p;
	char errbuf[STEER_ERRBUF_SIZE];
	assert_int_equal(hwp_profile_resolve("no-such-box", dir, &p, errbuf), STEER_ENOENT);
	assert_null(p);
	assert_non_null(strstr(errbuf, "profile 'no-such-box': no such profile"));
	assert_non_null(strstr(errbuf, dir));
	assert_int_equal(hwp_profile_load("no-such-box", dir, &p, errbuf), STEER_ENOENT);
	assert_non_null(strstr(errbuf, "no-such-box.ini"));
	/* by path */
	assert_int_equal(hwp_profile_load("/nonexistent/x.ini", NULL, &p, errbuf), STEER_ENOENT);
	assert_non_null(strstr(errbuf, "/nonexistent/x.ini"));
	char longname[5000];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	errbuf[0] = '\0';
	assert_int_equal(hwp_profile_load(longname, dir, &p, errbuf), STEER_EINVAL);
	assert_non_null(strstr(errbuf, "path too long"));
}

/* What each generator writes, needs and does to frames, as its descriptor says. */
static void generators(void **state)
{
	(void)state;
	static const struct {
		const char *profile, *generator;
		unsigned kinds; /* besides filters and zeek */
		bool edits;
	} v[] = {
		{"cpacket-cvu", "cpacket", 1u << HWP_KIND_CPACKET | 1u << HWP_KIND_SWITCH, true},
		{"commodity-switch", "switch", 1u << HWP_KIND_SWITCH, true},
		{"openflow13", "openflow", 1u << HWP_KIND_OPENFLOW, true},
		{"ovs", "ovs", 1u << HWP_KIND_OPENFLOW, true},
		{"click", "click", 1u << HWP_KIND_CLICK, true},
		{"pfring", "pfring", 1u << HWP_KIND_PFRING, true},
		{"afpacket", "afpacket", 1u << HWP_KIND_AFPACKET, true},
		{"netmap-lb", "netmap", 1u << HWP_KIND_NETMAP, true},
		{"bpf-split", "bpf-split", 0, false},
		{"steerlb", "steerlb", 0, true},
	};
	const unsigned always = 1u << HWP_KIND_FILTERS | 1u << HWP_KIND_ZEEK;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct hwp_profile *p;
		char errbuf[STEER_ERRBUF_SIZE];
		assert_int_equal(hwp_profile_load(v[i].profile, NULL, &p, errbuf), 0);
		assert_string_equal(p->generator, v[i].generator);
		assert_int_equal(hwp_kinds_for_profile(p), always | v[i].kinds);
		assert_int_equal(hwp_profile_edits_frames(p), v[i].edits);
		hwp_profile_free(p);
	}
	assert_int_equal(hwp_kinds_for_profile(NULL), always);
	/* table entries for a 4-worker, 64-bucket plan */
	struct steer_plan plan = {.nbuckets = 64, .mask = 63, .nworkers = 4,
	                          .non_ip = STEER_NONIP_MAC};
	assert_int_equal(hwp_entries_needed("openflow", &plan), 2 * 64 * 64 + 1);
	assert_int_equal(hwp_entries_needed("ovs", &plan), 3 + 5 * 6 + 64);
	assert_int_equal(hwp_entries_needed("click", &plan), 5 * 63 + 1);
	assert_int_equal(hwp_entries_needed("cpacket", &plan), 64);
	assert_int_equal(hwp_entries_needed("bpf-split", &plan), 64);
	assert_int_equal(hwp_entries_needed("switch", &plan), 4);
	assert_int_equal(hwp_entries_needed("pfring", &plan), 0);
	assert_int_equal(hwp_entries_needed("no-such", &plan), 0);
	/* a profile naming no generator: refused with the list */
	struct hwp_profile *p;
	char errbuf[STEER_ERRBUF_SIZE];
	put("weird.ini", "[profile]\ngenerator = magic\n");
	assert_int_equal(hwp_profile_resolve("weird", dir, &p, errbuf), STEER_ECONFIG);
	assert_non_null(strstr(errbuf, "weird.ini:2: error: [profile] generator: 'magic' is not a "
	                               "generator (cpacket, switch, openflow, ovs, click, pfring, "
	                               "afpacket, netmap, bpf-split or steerlb)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_when_no_override),
		cmocka_unit_test(override_wins),
		cmocka_unit_test(broken_override_is_reported),
		cmocka_unit_test(missing_everywhere),
		cmocka_unit_test(generators),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
