/* SPDX-License-Identifier: BSD-2-Clause */
/* plan_json.c: the plan as JSON (RFC 8259) and its content fingerprint (FNV-1a 64). */
#include <stdio.h>
#include <stdlib.h>

#include <steer/error.h>
#include <steer/names.h>
#include <steer/plan.h>

static const struct steer_name select_names[] = {
	{STEER_SELECT_TABLE, "table"},
	{STEER_SELECT_MODULO, "modulo"},
};

const char *steer_select_name(enum steer_select s)
{
	return steer_name_of(select_names, STEER_NAMES_LEN(select_names), (int)s, "?");
}

int steer_select_from_name(const char *s, enum steer_select *sel)
{
	int v;
	if (steer_name_lookup(select_names, STEER_NAMES_LEN(select_names), s, &v) != 0)
		return STEER_EINVAL;
	*sel = (enum steer_select)v;
	return 0;
}

static void write_hash(const struct steer_hash_spec *s, struct steer_json *j)
{
	steer_json_obj_open(j, "hash");
	steer_json_str(j, "function", steer_hash_name(s->fn));
	steer_json_str(j, "fields", steer_fields_name(s->fields));
	if (s->fn == STEER_HASH_TOEPLITZ) {
		char hex[2 * STEER_HASH_KEY_LEN + 1];
		for (int i = 0; i < STEER_HASH_KEY_LEN; i++)
			snprintf(hex + 2 * i, 3, "%02x", s->key[i]);
		steer_json_str(j, "key", hex);
	}
	if (s->fn == STEER_HASH_DEFAULT)
		steer_json_u64(j, "seed", s->seed);
	steer_json_bool(j, "symmetric", steer_hash_is_symmetric(s));
	steer_json_obj_close(j);
}

static void write_worker(const struct steer_plan *p, const struct steer_plan_worker *w,
                         struct steer_json *j)
{
	char mac[STEER_MAC_STRLEN];
	steer_json_obj_open(j, NULL);
	steer_json_str(j, "name", w->name);
	steer_json_str(j, "host", w->host);
	steer_json_str(j, "interface", w->interface);
	steer_json_str(j, "mac", steer_mac_format(&w->mac, mac));
	if (w->vlan >= 0)
		steer_json_u64(j, "vlan", (uint64_t)w->vlan);
	else
		steer_json_null(j, "vlan");
	if (w->port >= 0)
		steer_json_u64(j, "port", (uint64_t)w->port);
	else
		steer_json_null(j, "port");
	steer_json_u64(j, "weight", w->weight);
	steer_json_u64(j, "procs", w->procs);
	steer_json_bool(j, "alive", w->alive);
	steer_json_u64(j, "buckets", w->nbuckets);
	steer_json_double(j, "share", (double)w->nbuckets / p->nbuckets, 6);
	steer_json_obj_close(j);
}

/* Everything but the fingerprint, which is computed over exactly this. */
static void write_body(const struct steer_plan *p, struct steer_json *j)
{
	steer_json_str(j, "profile", p->profile);
	write_hash(&p->hasher->spec, j);
	steer_json_u64(j, "buckets", p->nbuckets);
	steer_json_str(j, "select", steer_select_name(p->select));
	steer_json_str(j, "fragments", steer_frag_policy_name(p->fragments));
	steer_json_str(j, "non_ip", steer_nonip_policy_name(p->non_ip));
	steer_json_str(j, "non_ip_worker",
	               p->nonip_worker >= 0 ? p->workers[p->nonip_worker].name : NULL);
	steer_json_str(j, "tunnels", p->tunnels_inner ? "inner" : "outer");
	steer_json_bool(j, "vlan_in_key", p->vlan_in_key);
	steer_json_str(j, "delivery", steer_delivery_name(p->delivery));
	steer_json_arr_open(j, "workers");
	for (size_t i = 0; i < p->nworkers; i++)
		write_worker(p, &p->workers[i], j);
	steer_json_arr_close(j);
	steer_json_arr_open(j, "table");
	for (uint32_t b = 0; b < p->nbuckets; b++)
		steer_json_u64(j, NULL, p->table[b]);
	steer_json_arr_close(j);
}

char *steer_plan_fingerprint(const struct steer_plan *p, char *buf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	struct steer_json j;
	steer_json_init(&j, f, false);
	steer_json_obj_open(&j, NULL);
	write_body(p, &j);
	steer_json_obj_close(&j);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 0x100000001b3ull;
	free(text);
	snprintf(buf, 17, "%016llx", (unsigned long long)h);
	return buf;
}

static void write_members(const struct steer_plan *p, const char *fp, struct steer_json *j)
{
	steer_json_str(j, "steer_version", STEER_VERSION);
	steer_json_str(j, "fingerprint", fp);
	write_body(p, j);
}

int steer_plan_write_json_members(const struct steer_plan *p, struct steer_json *j)
{
	char fp[17];
	if (!steer_plan_fingerprint(p, fp))
		return STEER_ENOMEM;
	write_members(p, fp, j);
	return ferror(j->f) ? STEER_EIO : 0;
}

int steer_plan_write_json(const struct steer_plan *p, struct steer_json *j, const char *key)
{
	char fp[17];
	if (!steer_plan_fingerprint(p, fp))
		return STEER_ENOMEM;
	steer_json_obj_open(j, key);
	write_members(p, fp, j);
	steer_json_obj_close(j);
	return ferror(j->f) ? STEER_EIO : 0;
}
