/* SPDX-License-Identifier: BSD-2-Clause */
/* test_deliver.c: the delivery action (steer/deliver.h): the MAC rewrite, the 802.1Q tag push
 * and port delivery as byte edits, frames that cannot carry them, and each worker's filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <steer/config.h>
#include <steer/deliver.h>
#include <steer/error.h>
#include <steer/packet.h>
#include <steer/plan.h>

#include "plan_fixture.h"

static struct steer_plan *plan;

static int setup(void **state)
{
	(void)state;
	return test_plan_load(STEER_SOURCE_DIR "/etc", &plan);
}

static int teardown(void **state)
{
	(void)state;
	steer_plan_free(plan);
	return 0;
}

/* An untagged Ethernet frame of 60 bytes (EtherType 0x88b5, IEEE 802 local experimental), its
 * bytes numbered after the header. */
static size_t frame(uint8_t *b)
{
	static const uint8_t hdr[14] = {0x00, 0x16, 0x3e, 0, 0, 2, 0x00, 0x16, 0x3e, 0, 0, 1,
	                                0x88, 0xb5};
	memcpy(b, hdr, sizeof(hdr));
	for (size_t i = 14; i < 60; i++)
		b[i] = (uint8_t)i;
	return 60;
}

static void mac_rewrite(void **state)
{
	(void)state;
	plan->delivery = STEER_DELIVER_MAC;
	uint8_t in[60], out[64], copy[60];
	size_t len = frame(in);
	for (size_t w = 0; w < plan->nworkers; w++) {
		struct steer_edit e;
		assert_int_equal(steer_deliver_edit(plan, w, 0, (uint32_t)len, &e), 0);
		assert_int_equal(e.off, 0);
		assert_int_equal(e.cut, 6);
		assert_int_equal(e.nins, 6);
		assert_int_equal(steer_edit_len(&e, len), len);
		assert_int_equal(steer_edit_apply(&e, in, len, out), len);
		assert_memory_equal(out, plan->workers[w].mac.b, 6);
		assert_memory_equal(out + 6, in + 6, len - 6);
		/* in place: the same bytes */
		memcpy(copy, in, len);
		assert_int_equal(steer_edit_apply_inplace(&e, copy), 0);
		assert_memory_equal(copy, out, len);
	}
	/* behind a Linux cooked header (eth_off 16: what an SLL capture of a bridge shows) */
	uint8_t big[80], bout[80];
	memset(big, 0xee, 16);
	frame(big + 16);
	struct steer_edit e;
	assert_int_equal(steer_deliver_edit(plan, 1, 16, 76, &e), 0);
	assert_int_equal(e.off, 16);
	assert_int_equal(steer_edit_apply(&e, big, 76, bout), 76);
	assert_memory_equal(bout, big, 16);
	assert_memory_equal(bout + 16, plan->workers[1].mac.b, 6);
	assert_memory_equal(bout + 22, big + 22, 76 - 22);
}

static void vlan_push(void **state)
{
	(void)state;
	plan->delivery = STEER_DELIVER_VLAN;
	for (size_t w = 0; w < plan->nworkers; w++)
		plan->workers[w].vlan = (int)(100 + w);
	plan->workers[3].vlan = 4095;
	uint8_t in[60], out[64];
	size_t len = frame(in);
	struct steer_edit e;
	assert_int_equal(steer_deliver_edit(plan, 2, 0, (uint32_t)len, &e), 0);
	assert_int_equal(e.off, 12);
	assert_int_equal(e.cut, 0);
	assert_int_equal(e.nins, 4);
	assert_int_equal(steer_edit_len(&e, len), len + 4);
	assert_int_equal(steer_edit_apply(&e, in, len, out), len + 4);
	static const uint8_t tag[4] = {0x81, 0x00, 0x00, 102};
	assert_memory_equal(out, in, 12);       /* both MACs kept */
	assert_memory_equal(out + 12, tag, 4);  /* TPID, priority 0, VLAN 102 */
	assert_memory_equal(out + 16, in + 12, len - 12);
	/* the frame parses as tagged, to the same packet */
	struct steer_pkt a, b;
	assert_int_equal(steer_parse(STEER_LINK_ETHERNET, in, len, false, &a), STEER_PKT_NONIP);
	assert_int_equal(steer_parse(STEER_LINK_ETHERNET, out, len + 4, false, &b), STEER_PKT_NONIP);
	assert_true(b.flags & STEER_F_VLAN);
	assert_int_equal(b.vlan[0], 102);
	assert_int_equal(steer_deliver_edit(plan, 3, 0, (uint32_t)len, &e), 0);
	assert_int_equal(e.ins[2], 0x0f);
	assert_int_equal(e.ins[3], 0xff);
	/* a tag changes the length: never in place */
	assert_int_equal(steer_edit_apply_inplace(&e, in), STEER_EINVAL);
	assert_int_equal(in[12], 0x88);
	/* a worker without a VLAN cannot be delivered to by tag */
	plan->workers[0].vlan = -1;
	assert_int_equal(steer_deliver_edit(plan, 0, 0, (uint32_t)len, &e), STEER_EINVAL);
	assert_int_equal(e.cut + e.nins, 0);
	for (size_t w = 0; w < plan->nworkers; w++)
		plan->workers[w].vlan = -1;
}

static void port_and_undeliverable(void **state)
{
	(void)state;
	uint8_t in[60], out[64];
	size_t len = frame(in);
	struct steer_edit e;
	plan->delivery = STEER_DELIVER_PORT;
	assert_int_equal(steer_deliver_edit(plan, 0, 0, (uint32_t)len, &e), 0);
	assert_int_equal(e.cut + e.nins, 0);
	assert_int_equal(steer_edit_apply(&e, in, len, out), len);
	assert_memory_equal(out, in, len);
	/* no Ethernet header (raw IP), or too short for the edit: the empty edit and EINVAL */
	plan->delivery = STEER_DELIVER_MAC;
	assert_int_equal(steer_deliver_edit(plan, 0, -1, (uint32_t)len, &e), STEER_EINVAL);
	assert_int_equal(e.cut + e.nins, 0);
	assert_int_equal(steer_deliver_edit(plan, 0, 0, 5, &e), STEER_EINVAL);
	assert_int_equal(steer_deliver_edit(plan, 0, 0, 6, &e), 0);
	assert_int_equal(steer_deliver_edit(plan, 0, 10, 15, &e), STEER_EINVAL);
	plan->delivery = STEER_DELIVER_VLAN;
	plan->workers[0].vlan = 7;
	assert_int_equal(steer_deliver_edit(plan, 0, 0, 11, &e), STEER_EINVAL);
	assert_int_equal(steer_deliver_edit(plan, 0, 0, 12, &e), 0);
	plan->workers[0].vlan = -1;
	/* no such worker */
	plan->delivery = STEER_DELIVER_MAC;
	assert_int_equal(steer_deliver_edit(plan, plan->nworkers, 0, (uint32_t)len, &e),
	                 STEER_EINVAL);
}

static void filters(void **state)
{
	(void)state;
	char buf[64];
	plan->delivery = STEER_DELIVER_MAC;
	assert_int_equal(steer_deliver_filter(plan, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ether dst 02:53:54:00:00:00");
	assert_int_equal(steer_deliver_filter(plan, 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ether dst 02:53:54:00:00:03");
	/* too small a buffer: nothing half-written */
	assert_int_equal(steer_deliver_filter(plan, 0, buf, 10), STEER_ERANGE);
	assert_string_equal(buf, "");
	plan->delivery = STEER_DELIVER_VLAN;
	plan->workers[1].vlan = 101;
	assert_int_equal(steer_deliver_filter(plan, 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vlan 101");
	plan->workers[1].vlan = -1;
	plan->delivery = STEER_DELIVER_PORT;
	strcpy(buf, "x");
	assert_int_equal(steer_deliver_filter(plan, 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(steer_deliver_filter(plan, 9, buf, sizeof(buf)), STEER_EINVAL);
	plan->delivery = STEER_DELIVER_MAC;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mac_rewrite),
		cmocka_unit_test(vlan_push),
		cmocka_unit_test(port_and_undeliverable),
		cmocka_unit_test(filters),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
