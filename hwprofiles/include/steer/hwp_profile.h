/* SPDX-License-Identifier: BSD-2-Clause */
/* steer/hwp_profile.h: balancer profiles (hwprofiles/NAME.ini): what a device can do, checking a
 * plan against it, and the device behaviour steerlb --emulate reproduces. */
#ifndef STEER_HWP_PROFILE_H
#define STEER_HWP_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include <steer/config.h>
#include <steer/hash.h>
#include <steer/plan.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

struct hwp_profile {
	char *name;            /* "cpacket-cvu", "ovs", ... (the file's base name) */
	char *path;            /* the file it was loaded from */
	char *description;
	char *generator;       /* which generator emits the device config: "cpacket", "switch",
	                        * "openflow", "ovs", "click", "pfring", "afpacket", "netmap",
	                        * "bpf-split", "steerlb" */
	unsigned hashes;       /* bit set of 1u << enum steer_hash_fn the device can compute */
	unsigned fields;       /* bit set of STEER_FIELDS_BIT(f) it can hash on */
	bool symmetric;        /* its hash can be made symmetric */
	bool hash_known;       /* its hash is public and deterministic: steer can predict it */
	bool inner;            /* can hash the inner packet of tunnels */
	unsigned fragments;    /* bit set of 1u << enum steer_frag_policy it implements */
	unsigned non_ip;       /* bit set of 1u << enum steer_nonip_policy */
	unsigned delivery;     /* bit set of 1u << enum steer_delivery */
	enum steer_select select;   /* how its hash picks an output */
	uint32_t max_outputs;       /* most workers it can feed; 0 = no limit */
	uint32_t max_table_entries; /* most rules / table rows it holds; 0 = no limit */
	/* The device's own behaviour, what steerlb --emulate applies to a plan: */
	enum steer_hash_fn emulate_hash;
	enum steer_fields emulate_fields;
	enum steer_frag_policy emulate_fragments;
	enum steer_nonip_policy emulate_non_ip; /* when the plan's non_ip is not one it has */
	uint32_t emulate_l2_opaque; /* [emulate] l2: the STEER_F_* encapsulations (steer/packet.h)
	                             * it does not parse through (0: it sees through all) */
};

/* Loads a profile by name: dir/NAME.ini, or with dir NULL the first NAME.ini found in
 * $STEER_HWPROFILES_DIR, the profiles installed beside the running command
 * (BINDIR/../share/steer/hwprofiles), the installed profiles directory and, for a command run
 * from the build tree, the source tree's hwprofiles/;
 * or from a path (a name containing '/'). The first file found is the profile: one that is
 * there but unreadable is an error, never passed over. Returns 0 with *out set (free with
 * hwp_profile_free), or with *out NULL and one line in errbuf (STEER_ERRBUF_SIZE) naming the
 * file: STEER_ENOENT (no such file), STEER_EIO (it cannot be read: permission, a directory,
 * an I/O error; errbuf gives the system's reason), STEER_ECONFIG (malformed or larger than
 * 1 MiB: file, line and key), STEER_EINVAL (a path too long), STEER_ENOMEM. */
int hwp_profile_load(const char *name, const char *dir, struct hwp_profile **out, char *errbuf);

/* The profile a configuration names (steer.cfg "profile"), as every command finds it:
 * confdir/NAME.ini when it is there (a site's own or changed profile), else the shipped one
 * (hwp_profile_load with dir NULL). An override in confdir that is there but cannot be read or
 * is malformed is reported (STEER_EIO, STEER_ECONFIG: file and reason), not replaced by the
 * shipped profile. confdir may be NULL (shipped only); a name with '/' is a path. Returns as
 * hwp_profile_load; STEER_ENOENT when neither exists. */
int hwp_profile_resolve(const char *name, const char *confdir, struct hwp_profile **out,
                        char *errbuf);
void hwp_profile_free(struct hwp_profile *p);

/* Checks that the device can carry the plan: hash, fields, fragment and non-IP policies,
 * delivery, number of outputs, table entries the generator would need. Returns 0, or
 * STEER_ECONFIG with the first limit exceeded and by how much in errbuf, e.g.
 * "profile commodity-switch: 72 workers but the device has at most 48 outputs (24 too many)". */
int hwp_profile_check(const struct hwp_profile *prof, const struct steer_plan *plan,
                      char *errbuf);

/* A plan the device carries (hwp_profile_check passed) with a risk the user must accept: a
 * device that implements no fragment policy (netmap lb) splits fragmented flows. Returns true
 * with one line in buf (STEER_ERRBUF_SIZE) naming the risk and how to see it, else false. */
bool hwp_profile_risk(const struct hwp_profile *prof, const struct steer_plan *plan, char *buf);

/* Whether the device edits the frames it delivers (steer/deliver.h: a MAC rewrite or a tag
 * push, as the plan's delivery says) or leaves them as they are: a pure-BPF split (bpf-split)
 * does not, its workers' filters select from the very frames the tap saw. */
bool hwp_profile_edits_frames(const struct hwp_profile *prof);

/* What the device, configured for plan, does beyond what the plan says, for a prediction of
 * its decisions (steercheck): the encapsulations it parses through (plan->l2_opaque), how its
 * hash picks an output (select), and non-IP frames and fragments as the plan says when the
 * device implements that policy, else as it does by itself (netmap lb: STEER_FRAG_BLIND).
 * The hash stays the plan's (hwp_profile_check holds the device to it). Changes nothing the
 * plan's fingerprint covers. */
void hwp_profile_view(const struct hwp_profile *prof, struct steer_plan *plan);

/* Rewrites plan in place to behave as the device does, for steerlb --emulate: its hash and
 * fields (emulate_*), fragment handling, selection and the encapsulations it parses through
 * (plan->l2_opaque); non-IP frames as the plan says when the device implements that policy
 * (its configuration is generated from the plan), else as the device does by itself
 * (emulate_non_ip). Returns 0 or a STEER_E* code with errbuf set (plan unchanged). */
int hwp_profile_emulate(const struct hwp_profile *prof, struct steer_plan *plan, char *errbuf);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif
#endif
