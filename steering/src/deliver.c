/* SPDX-License-Identifier: BSD-2-Clause */
/* deliver.c: the delivery action as a byte edit (destination MAC rewrite, IEEE 802.1Q tag push
 * after the source MAC, or nothing for port delivery) and each worker's BPF filter for it. */
#include <stdio.h>
#include <string.h>

#include <steer/deliver.h>
#include <steer/error.h>

enum {
	ETH_ALEN = 6,
	TPID_8021Q = 0x8100,
};

int steer_deliver_edit(const struct steer_plan *p, size_t w, int eth_off, uint32_t caplen,
                       struct steer_edit *e)
{
	memset(e, 0, sizeof(*e));
	if (w >= p->nworkers)
		return STEER_EINVAL;
	const struct steer_plan_worker *pw = &p->workers[w];
	uint32_t off = eth_off >= 0 ? (uint32_t)eth_off : 0;
	switch (p->delivery) {
	case STEER_DELIVER_MAC:
		if (eth_off < 0 || caplen < off + ETH_ALEN)
			return STEER_EINVAL;
		e->off = off;
		e->cut = ETH_ALEN;
		e->nins = ETH_ALEN;
		memcpy(e->ins, pw->mac.b, ETH_ALEN);
		return 0;
	case STEER_DELIVER_VLAN:
		/* the tag goes where the EtherType (or an outer tag) was: after both MACs */
		if (eth_off < 0 || caplen < off + 2 * ETH_ALEN || pw->vlan < 0 || pw->vlan > 4095)
			return STEER_EINVAL;
		e->off = off + 2 * ETH_ALEN;
		e->nins = 4;
		e->ins[0] = TPID_8021Q >> 8;
		e->ins[1] = TPID_8021Q & 0xff;
		e->ins[2] = (uint8_t)(pw->vlan >> 8); /* priority 0, DEI 0 */
		e->ins[3] = (uint8_t)pw->vlan;
		return 0;
	case STEER_DELIVER_PORT:
		return 0; /* the output port is the steering: the frame leaves as it came */
	}
	return STEER_EINVAL;
}

size_t steer_edit_apply(const struct steer_edit *e, const uint8_t *in, size_t len, uint8_t *out)
{
	memcpy(out, in, e->off);
	memcpy(out + e->off, e->ins, e->nins);
	memcpy(out + e->off + e->nins, in + e->off + e->cut, len - e->off - e->cut);
	return steer_edit_len(e, len);
}

int steer_edit_apply_inplace(const struct steer_edit *e, uint8_t *frame)
{
	if (e->cut != e->nins)
		return STEER_EINVAL;
	memcpy(frame + e->off, e->ins, e->nins);
	return 0;
}

int steer_deliver_filter(const struct steer_plan *p, size_t w, char *buf, size_t n)
{
	char mac[STEER_MAC_STRLEN];
	int k = 0;
	if (n)
		buf[0] = '\0';
	if (w >= p->nworkers)
		return STEER_EINVAL;
	const struct steer_plan_worker *pw = &p->workers[w];
	if (p->delivery == STEER_DELIVER_VLAN)
		k = snprintf(buf, n, "vlan %d", pw->vlan);
	else if (p->delivery == STEER_DELIVER_MAC)
		k = snprintf(buf, n, "ether dst %s", steer_mac_format(&pw->mac, mac));
	if (k < 0 || (size_t)k >= n) {
		if (n)
			buf[0] = '\0';
		return STEER_ERANGE;
	}
	return 0;
}
