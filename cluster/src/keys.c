/* SPDX-License-Identifier: BSD-2-Clause */
/* keys.c: CURVE key files (CurveZMQ, RFC 26; keys in Z85, RFC 32): made by `steerctl keys`, read
 * by every node. NAME.pub holds a public key, NAME.key (mode 0600) the secret one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <steer/clu_keys.h>
#include <steer/error.h>

#include "node_int.h"

#define Z85_KEY_LEN 40

/* DIR/NAME.EXT, or false when too long for a path. */
static bool key_path(char path[PATH_MAX], const char *dir, const char *name, const char *ext,
                     char *errbuf)
{
	char file[CLU_NAME_MAX + 8];
	snprintf(file, sizeof(file), "%.*s.%s", CLU_NAME_MAX, name, ext);
	if (clu__join(path, dir, file))
		return true;
	clu__err(errbuf, "%s: path too long", dir);
	return false;
}

/* Reads the one-line Z85 key of path into z85 (41 bytes), checking that it decodes. */
static int read_key(const char *path, char z85[Z85_KEY_LEN + 1], uint8_t raw[32], char *errbuf)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		clu__err(errbuf, "%s: cannot open: %s", path, strerror(errno));
		return STEER_EIO;
	}
	char line[128];
	bool got = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	size_t n = got ? strcspn(line, "\r\n") : 0;
	line[n] = '\0';
	uint8_t tmp[32];
	if (n != Z85_KEY_LEN || !zmq_z85_decode(raw ? raw : tmp, line)) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "%s: not a CURVE key (one line of 40 Z85 characters, as steerctl keys "
		         "writes)",
		         path);
		return STEER_EINVAL;
	}
	memcpy(z85, line, Z85_KEY_LEN + 1);
	return 0;
}

static int add_key(struct clu__keys *k, const char *name, const char *path, char *errbuf)
{
	struct clu__key *v = realloc(k->v, (k->n + 1) * sizeof(*v));
	if (!v)
		return STEER_ENOMEM;
	k->v = v;
	struct clu__key *e = &v[k->n];
	snprintf(e->name, sizeof(e->name), "%s", name);
	int rc = read_key(path, e->pub_z85, e->pub, errbuf);
	if (rc == 0)
		k->n++;
	return rc;
}

int clu__keys_load(const char *dir, const char *self, struct clu__keys **out, char *errbuf)
{
	*out = NULL;
	struct clu__keys *k = calloc(1, sizeof(*k));
	if (!k)
		return STEER_ENOMEM;
	char path[PATH_MAX], derived[Z85_KEY_LEN + 1];
	int rc;
	rc = STEER_ERANGE;
	if (!key_path(path, dir, self, "key", errbuf) ||
	    (rc = read_key(path, k->self_sec, NULL, errbuf)) != 0)
		goto fail;
	rc = STEER_ERANGE;
	if (!key_path(path, dir, self, "pub", errbuf) ||
	    (rc = read_key(path, k->self_pub, NULL, errbuf)) != 0)
		goto fail;
	if (zmq_curve_public(derived, k->self_sec) != 0 || strcmp(derived, k->self_pub) != 0) {
		clu__err(errbuf, "%s/%s.key and .pub are not one key pair", dir, self);
		rc = STEER_EINVAL;
		goto fail;
	}
	DIR *d = opendir(dir);
	if (!d) {
		clu__err(errbuf, "%s: %s", dir, strerror(errno));
		rc = STEER_EIO;
		goto fail;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len <= 4 || strcmp(e->d_name + len - 4, ".pub") != 0 ||
		    !clu_name_valid(e->d_name, len - 4))
			continue;
		char name[CLU_NAME_MAX + 1];
		memcpy(name, e->d_name, len - 4);
		name[len - 4] = '\0';
		if (!key_path(path, dir, name, "pub", errbuf) ||
		    (rc = add_key(k, name, path, errbuf)) != 0) {
			rc = rc ? rc : STEER_ERANGE;
			closedir(d);
			goto fail;
		}
	}
	closedir(d);
	*out = k;
	return 0;
fail:
	clu__keys_free(k);
	return rc;
}

void clu__keys_free(struct clu__keys *k)
{
	if (!k)
		return;
	/* The secret key does not outlive its use in this process's memory. */
	memset(k->self_sec, 0, sizeof(k->self_sec));
	free(k->v);
	free(k);
}

const struct clu__key *clu__keys_find(const struct clu__keys *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i].name, name) == 0)
			return &k->v[i];
	return NULL;
}

/* ---- generating ---- */

/* Writes one line to path through a temporary file and a rename: never half a key. */
static int write_line(const char *path, const char *text, mode_t mode, char *errbuf)
{
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0) {
		clu__err(errbuf, "%s: cannot create: %s", tmp, strerror(errno));
		return STEER_EIO;
	}
	size_t len = strlen(text);
	bool ok = write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
	          fchmod(fd, mode) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		clu__err(errbuf, "%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		return STEER_EIO;
	}
	return 0;
}

static int make_pair(const char *dir, const char *name, bool force, char *errbuf)
{
	char pub_path[PATH_MAX], sec_path[PATH_MAX];
	if (!key_path(pub_path, dir, name, "pub", errbuf) ||
	    !key_path(sec_path, dir, name, "key", errbuf))
		return STEER_ERANGE;
	if (!force && access(pub_path, F_OK) == 0 && access(sec_path, F_OK) == 0)
		return 0;
	char pub[Z85_KEY_LEN + 1], sec[Z85_KEY_LEN + 1];
	if (zmq_curve_keypair(pub, sec) != 0) {
		clu__err(errbuf, "zmq_curve_keypair: %s", zmq_strerror(errno));
		return STEER_ENOTSUP;
	}
	int rc = write_line(sec_path, sec, 0600, errbuf);
	if (rc == 0)
		rc = write_line(pub_path, pub, 0644, errbuf);
	memset(sec, 0, sizeof(sec));
	return rc;
}

int clu_keys_generate(const struct clu_layout *l, const char *dir, bool force, char *errbuf)
{
	if (!zmq_has("curve")) {
		clu__err(errbuf, "this libzmq was built without CURVE");
		return STEER_ENOTSUP;
	}
	if (clu_layout_find(l, CLU_CONTROL_NAME)) {
		snprintf(errbuf, STEER_ERRBUF_SIZE,
		         "a node is called %s, the name of steerctl's own key: rename it",
		         CLU_CONTROL_NAME);
		return STEER_EINVAL;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		clu__err(errbuf, "%s: cannot create: %s", dir, strerror(errno));
		return STEER_EIO;
	}
	for (size_t i = 0; i < l->n; i++) {
		int rc = make_pair(dir, l->procs[i].name, force, errbuf);
		if (rc != 0)
			return rc;
	}
	return make_pair(dir, CLU_CONTROL_NAME, force, errbuf);
}
