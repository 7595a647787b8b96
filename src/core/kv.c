/*
 * kv.c - the key/value store of VMCOREINFO, symbols, values and registers.
 *
 * Entries stay in the order they were first set; a hash index (open
 * addressing, linear probing, FNV-1a) finds them, so that a VMCOREINFO of
 * 100,000 keys (hostile: the note is up to 16 MiB) or a vmlinux's whole
 * symbol table costs linear time, not quadratic.
 */
#include "config.h"
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 16777619u;
	}
	return h;
}

/* The bucket holding @key, or the empty one where it would go. */
static size_t find(const struct kvlist *l, const char *key, size_t len)
{
	size_t mask = l->nbuckets - 1, b = hash(key, len) & mask;

	for (;; b = (b + 1) & mask) {
		uint32_t e = l->index[b];

		if (!e)
			return b;
		if (!strncmp(l->v[e - 1].key, key, len) &&
		    !l->v[e - 1].key[len])
			return b;
	}
}

static vmmap_status grow_index(struct vmmap_ctx *ctx, struct kvlist *l)
{
	size_t nb = l->nbuckets ? 2 * l->nbuckets : 64, i;
	uint32_t *old = l->index;

	if (nb > UINT32_MAX)
		return vmmap_set_error(ctx, VMMAP_ERR_LIMIT,
				       "more than 2^31 keys");
	l->index = calloc(nb, sizeof(*l->index));
	if (!l->index) {
		l->index = old;
		return set_nomem(ctx);
	}
	l->nbuckets = nb;
	for (i = 0; i < l->n; i++) {
		const char *k = l->v[i].key;

		l->index[find(l, k, strlen(k))] = (uint32_t)(i + 1);
	}
	free(old);
	return VMMAP_OK;
}

vmmap_status kv_set(struct vmmap_ctx *ctx, struct kvlist *l, const char *key,
		    size_t keylen, const char *val, size_t vallen)
{
	char *k, *v;
	size_t b;
	vmmap_status st;

	keylen = strnlen(key, keylen);	/* the key as stored: up to a NUL */
	if (2 * (l->n + 1) > l->nbuckets) {
		st = grow_index(ctx, l);
		if (st)
			return st;
	}
	v = strndup(val, vallen);
	if (!v)
		return set_nomem(ctx);
	b = find(l, key, keylen);
	if (l->index[b]) {
		free(l->v[l->index[b] - 1].val);
		l->v[l->index[b] - 1].val = v;
		return VMMAP_OK;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct kv *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv) {
			free(v);
			return set_nomem(ctx);
		}
		l->v = nv;
		l->cap = cap;
	}
	k = strndup(key, keylen);
	if (!k) {
		free(v);
		return set_nomem(ctx);
	}
	l->v[l->n].key = k;
	l->v[l->n].val = v;
	l->n++;
	l->index[b] = (uint32_t)l->n;
	return VMMAP_OK;
}

const char *kv_get(const struct kvlist *l, const char *key)
{
	uint32_t e;

	if (!l->n)
		return NULL;
	e = l->index[find(l, key, strlen(key))];
	return e ? l->v[e - 1].val : NULL;
}

void kv_free(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	free(l->v);
	free(l->index);
	memset(l, 0, sizeof(*l));
}
