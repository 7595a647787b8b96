/*
 * kallsyms.c - kernel symbols from the dump itself.
 *
 * Since v6.0 (commit 5fd8fea935a1, "vmcoreinfo: include kallsyms symbols")
 * VMCOREINFO gives the addresses of the kernel's compressed symbol table, so
 * a dump can say where its own variables are (page_offset_base,
 * vmalloc_base, ...) without a vmlinux.  The format (kernel/kallsyms.c,
 * scripts/kallsyms.c):
 *   kallsyms_num_syms      unsigned int
 *   kallsyms_names         per symbol: a length (one byte; two when the
 *                          first has bit 7 set, since v6.1 commit
 *                          73bbb94466fd), then that many token indices
 *   kallsyms_token_index   u16 offsets into kallsyms_token_table
 *   kallsyms_token_table   NUL-terminated token strings
 *   kallsyms_offsets       s32 per symbol, read in one of three ways:
 *                          from kallsyms_relative_base (base relative,
 *                          v4.6-v6.19, commit 2213e9a66bb8), negative ones
 *                          from it and positive ones absolute
 *                          (CONFIG_KALLSYMS_ABSOLUTE_PERCPU, x86_64 SMP,
 *                          v4.6-v6.14, gone with 01157ddc58dc), or from
 *                          the offset's own address (place relative, v7.0+,
 *                          a081b5789255 "kallsyms: Get rid of kallsyms
 *                          relative base": no kallsyms_relative_base), or
 *   kallsyms_addresses     unsigned long per symbol (absolute, before
 *                          v6.11).
 * Which reading the offsets take is told by _stext, whose address
 * VMCOREINFO has: the one that puts it there.
 * The first character of a decoded name is the symbol type.
 */
#include "config.h"
#include "core/core.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Bounds against a corrupt table: far above any real kernel. */
#define MAX_SYMS	(4u << 20)
#define MAX_NAMES	(64u << 20)

struct ksyms {
	uint32_t num;
	uint8_t *names;
	size_t names_len;	/* bound of the table */
	size_t names_have;	/* bytes read so far */
	uint64_t names_addr;
	uint8_t tokens[256][64];
	uint64_t addrs_addr;	/* offsets (4 bytes) or addresses (ptr) */
	unsigned addr_size;
	uint64_t relative_base;
	bool have_base;		/* kallsyms_relative_base exists */
	bool relative;		/* kallsyms_offsets, not _addresses */
	bool be;
};

/* The readings of kallsyms_offsets (see the top of the file). */
enum kreading { K_BASE_RELATIVE, K_ABS_PERCPU, K_PLACE_RELATIVE };

static vmmap_status read_sym(struct vmmap_ctx *ctx, const char *name,
			     void *buf, size_t len)
{
	uint64_t addr;

	if (!lookup_symbol(ctx, name, &addr))
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				       "VMCOREINFO has no %s", name);
	return virt_read(ctx, addr, buf, len);
}

static vmmap_status load_tokens(struct vmmap_ctx *ctx, struct ksyms *k)
{
	uint8_t idx[512], table[8192];
	vmmap_status st;
	unsigned i;

	st = read_sym(ctx, "kallsyms_token_index", idx, sizeof(idx));
	if (!st)
		st = read_sym(ctx, "kallsyms_token_table", table,
			      sizeof(table));
	if (st)
		return st;
	for (i = 0; i < 256; i++) {
		unsigned off = get_uint(idx + 2 * i, 2, k->be);
		size_t j;

		if (off >= sizeof(table))
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"kallsyms token %u at offset %u is out of "
				"bounds", i, off);
		for (j = 0; j + 1 < sizeof(k->tokens[i]) &&
			    off + j < sizeof(table) && table[off + j]; j++)
			k->tokens[i][j] = table[off + j];
		k->tokens[i][j] = 0;
	}
	return VMMAP_OK;
}

/* Address of symbol @i (kernel/kallsyms.c: kallsyms_sym_address()). */
static vmmap_status sym_address(struct vmmap_ctx *ctx, const struct ksyms *k,
				uint32_t i, enum kreading how, uint64_t *ret)
{
	uint8_t b[8];
	vmmap_status st;
	int32_t off;

	st = virt_read(ctx, k->addrs_addr + (uint64_t)i * k->addr_size, b,
		       k->addr_size);
	if (st)
		return vmmap_set_error(ctx, st, "reading the address of "
				       "kallsyms symbol %u", i);
	if (!k->relative) {
		*ret = get_uint(b, k->addr_size, k->be);
		return VMMAP_OK;
	}
	off = (int32_t)get_uint(b, 4, k->be);
	switch (how) {
	case K_BASE_RELATIVE:
		*ret = k->relative_base + (uint32_t)off;
		break;
	case K_ABS_PERCPU:
		*ret = off >= 0 ? (uint64_t)off : k->relative_base - 1 - off;
		break;
	case K_PLACE_RELATIVE:
		*ret = k->addrs_addr + (uint64_t)i * 4 + (uint64_t)(int64_t)off;
		break;
	}
	if (ctx->fmt.ptr_size == 4)
		*ret &= UINT32_MAX;
	return VMMAP_OK;
}

/* Make names[0, end) readable: the table is read in chunks as the scan
 * goes, so a scan that finds its names early reads less. */
static vmmap_status names_upto(struct vmmap_ctx *ctx, struct ksyms *k,
			       size_t end)
{
	const size_t chunk = 128 * 1024;

	if (end > k->names_len)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
			"kallsyms_names: symbol data past the table's end");
	while (k->names_have < end) {
		size_t n = k->names_len - k->names_have;
		vmmap_status st;

		if (n > chunk)
			n = chunk;
		st = virt_read(ctx, k->names_addr + k->names_have,
			       k->names + k->names_have, n);
		if (st)
			return vmmap_set_error(ctx, st, "reading kallsyms_names");
		k->names_have += n;
	}
	return VMMAP_OK;
}

/* Decode names until every one in @wanted is found; idx[j] is the index
 * of wanted[j] or -1. */
/* The name of the @len token indexes at @pos of kallsyms_names (read that
 * far), in @name of @size bytes, NUL-terminated, cut short if need be;
 * returns its length.  Its first character is the symbol's type. */
static size_t expand(const struct ksyms *k, size_t pos, size_t len,
		     char *name, size_t size)
{
	size_t n = 0, j;

	for (j = 0; j < len; j++) {
		const uint8_t *t = k->tokens[k->names[pos + j]];

		while (*t && n + 1 < size)
			name[n++] = (char)*t++;
	}
	name[n] = 0;
	return n;
}

static vmmap_status scan(struct vmmap_ctx *ctx, struct ksyms *k,
			 const char *const *wanted, size_t nw, int64_t *idx)
{
	size_t pos = 0, left = nw, j;
	uint32_t i;

	for (j = 0; j < nw; j++)
		idx[j] = -1;
	for (i = 0; i < k->num && left; i++) {
		char name[512];
		size_t len, n;

		vmmap_status st = names_upto(ctx, k, pos + 2 < k->names_len
					     ? pos + 2 : k->names_len);

		if (st)
			return st;
		if (pos >= k->names_len)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"kallsyms_names ends at symbol %u of %u", i,
				k->num);
		len = k->names[pos++];
		if (len & 0x80) {
			if (pos >= k->names_len)
				break;
			len = (len & 0x7f) | ((size_t)k->names[pos++] << 7);
		}
		st = names_upto(ctx, k, pos + len);
		if (st)
			return vmmap_set_error(ctx, st, "symbol %u", i);
		n = expand(k, pos, len, name, sizeof(name));
		pos += len;
		if (n < 2)
			continue;
		for (j = 0; j < nw; j++) {
			if (idx[j] < 0 && !strcmp(name + 1, wanted[j])) {
				idx[j] = i;
				left--;
			}
		}
	}
	return VMMAP_OK;
}

/* Locate the tables VMCOREINFO names and read what every use needs: the
 * count, the tokens, the reading of the offsets.  NOINFO if VMCOREINFO
 * has no kallsyms tables. */
static vmmap_status ks_open(struct vmmap_ctx *ctx, struct ksyms **ret)
{
	struct ksyms *k;
	uint8_t b[8];
	uint64_t names_addr, addrs_addr;
	vmmap_status st;
	unsigned ptr = ctx->fmt.ptr_size ? ctx->fmt.ptr_size : 8;

	/* Every table located, or none of this is for us (VMCOREINFO before
	 * v6.0, or a System.map that names some of them only). */
	if (!lookup_symbol(ctx, "kallsyms_names", &names_addr) ||
	    !lookup_symbol(ctx, "kallsyms_num_syms", &addrs_addr) ||
	    !lookup_symbol(ctx, "kallsyms_token_table", &addrs_addr) ||
	    !lookup_symbol(ctx, "kallsyms_token_index", &addrs_addr) ||
	    (!lookup_symbol(ctx, "kallsyms_offsets", &addrs_addr) &&
	     !lookup_symbol(ctx, "kallsyms_addresses", &addrs_addr)))
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"VMCOREINFO has no kallsyms symbols (before v6.0)");
	k = calloc(1, sizeof(*k));
	if (!k)
		return set_nomem(ctx);
	k->be = pg_data_be(&ctx->fmt);
	st = read_sym(ctx, "kallsyms_num_syms", b, 4);
	if (st)
		goto fail;
	k->num = get_uint(b, 4, k->be);
	if (!k->num || k->num > MAX_SYMS) {
		st = vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				     "kallsyms_num_syms is %u", k->num);
		goto fail;
	}
	/* The names end before kallsyms_markers and the token table, which
	 * follow them (scripts/kallsyms.c writes them in that order); else
	 * read a bound that covers them (names average under 20 bytes). */
	k->names_len = (size_t)k->num * 40;
	{
		uint64_t next;

		if (lookup_symbol(ctx, "kallsyms_token_table", &next) &&
		    next > names_addr && next - names_addr < k->names_len)
			k->names_len = next - names_addr;
	}
	if (k->names_len > MAX_NAMES)
		k->names_len = MAX_NAMES;
	k->names = malloc(k->names_len);
	if (!k->names) {
		st = set_nomem(ctx);
		goto fail;
	}
	k->names_addr = names_addr;
	st = load_tokens(ctx, k);
	if (st)
		goto fail;
	k->relative = lookup_symbol(ctx, "kallsyms_offsets", &addrs_addr);
	if (k->relative) {
		uint64_t base_addr;

		k->have_base = lookup_symbol(ctx, "kallsyms_relative_base",
					     &base_addr);
		if (k->have_base) {
			st = read_sym(ctx, "kallsyms_relative_base", b, ptr);
			if (st)
				goto fail;
			k->relative_base = get_uint(b, ptr, k->be);
		}
		k->addr_size = 4;
	} else if (lookup_symbol(ctx, "kallsyms_addresses", &addrs_addr)) {
		k->addr_size = ptr;
	} else {
		st = vmmap_set_error(ctx, VMMAP_ERR_INVALID,
			"VMCOREINFO has neither kallsyms_offsets nor "
			"kallsyms_addresses");
		goto fail;
	}
	k->addrs_addr = addrs_addr;
	*ret = k;
	return VMMAP_OK;
fail:
	free(k->names);
	free(k);
	return st;
}

static void ks_close(struct ksyms *k)
{
	if (k) {
		free(k->names);
		free(k);
	}
}

/* How the offsets read: the reading that puts symbol @stext_idx (-1: not
 * found) at VMCOREINFO's _stext. */
static vmmap_status ks_reading(struct vmmap_ctx *ctx, const struct ksyms *k,
			       int64_t stext_idx, enum kreading *how_ret)
{
	static const enum kreading readings[] = {
		K_BASE_RELATIVE, K_ABS_PERCPU, K_PLACE_RELATIVE,
	};
	uint64_t a[ARRAY_SIZE(readings)] = { 0 }, stext = 0;
	vmmap_status st;
	size_t r;

	/* Without _stext to tell: base relative where there is a base,
	 * else place relative (v7.0+). */
	*how_ret = k->have_base ? K_BASE_RELATIVE : K_PLACE_RELATIVE;
	if (!k->relative || stext_idx < 0 ||
	    !lookup_symbol(ctx, "_stext", &stext))
		return VMMAP_OK;
	for (r = 0; r < ARRAY_SIZE(readings); r++) {
		if (readings[r] == K_ABS_PERCPU && !k->have_base)
			continue;
		st = sym_address(ctx, k, stext_idx, readings[r], &a[r]);
		if (st)
			return st;
		if (a[r] == stext) {
			*how_ret = readings[r];
			return VMMAP_OK;
		}
	}
	return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
		"kallsyms_offsets place _stext at 0x%" PRIx64 " (from %s) or "
		"0x%" PRIx64 " (from its own address), VMCOREINFO at 0x%"
		PRIx64, a[0], k->have_base ? "kallsyms_relative_base" : "0",
		a[2], stext);
}

/* VMCOREINFO has the tables but not all they need: not a kernel without
 * them (NOINFO, which callers pass over in silence) but a decoder that
 * failed, which they must say. */
static vmmap_status decoder_failed(vmmap_status st)
{
	return st == VMMAP_ERR_NOINFO ? VMMAP_ERR_INVALID : st;
}

vmmap_status kallsyms_lookup(struct vmmap_ctx *ctx,
			     const char *const *wanted, uint64_t *found,
			     bool *have)
{
	/* wanted, plus _stext to tell how offsets read */
	const char *all[64];
	int64_t idx[64];
	struct ksyms *k;
	vmmap_status st;
	enum kreading how;
	size_t nw, j;

	for (nw = 0; wanted[nw]; nw++)
		have[nw] = false;
	if (nw + 1 > ARRAY_SIZE(all))
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "too many kallsyms names");
	/* NOINFO only when VMCOREINFO does not locate the tables */
	st = ks_open(ctx, &k);
	if (st)
		return st;
	memcpy(all, wanted, nw * sizeof(*all));
	all[nw] = "_stext";
	st = scan(ctx, k, all, nw + 1, idx);
	if (!st)
		st = ks_reading(ctx, k, idx[nw], &how);
	for (j = 0; !st && j < nw; j++) {
		have[j] = idx[j] >= 0;
		if (have[j])
			st = sym_address(ctx, k, idx[j], how, &found[j]);
	}
	ks_close(k);
	return decoder_failed(st);
}

/* ---- the whole table ---- */

static int by_name_cmp(const void *a, const void *b, void *arg)
{
	const struct ksym_table *t = arg;
	const struct ksym *x = &t->v[*(const uint32_t *)a];
	const struct ksym *y = &t->v[*(const uint32_t *)b];
	int c = strcmp(t->names + x->name, t->names + y->name);

	/* the first of equal names (the kernel's table order) first */
	if (c)
		return c;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* Decode every name of the table into @t (names and types). */
static vmmap_status decode_all(struct vmmap_ctx *ctx, struct ksyms *k,
			       struct ksym_table *t, int64_t *stext_ret)
{
	size_t pos = 0, cap = (size_t)k->num * 24, used = 0;
	uint32_t i;
	vmmap_status st;

	*stext_ret = -1;
	st = names_upto(ctx, k, k->names_len);
	if (st)
		return st;
	t->names = malloc(cap);
	t->v = calloc(k->num, sizeof(*t->v));
	if (!t->names || !t->v)
		return set_nomem(ctx);
	for (i = 0; i < k->num; i++) {
		char name[512];
		size_t len, n;

		if (pos >= k->names_len)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"kallsyms_names ends at symbol %u of %u", i,
				k->num);
		len = k->names[pos++];
		if (len & 0x80) {
			if (pos >= k->names_len)
				return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
					"kallsyms_names ends in symbol %u", i);
			len = (len & 0x7f) | ((size_t)k->names[pos++] << 7);
		}
		if (pos + len > k->names_len)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"kallsyms_names: symbol %u past the table's "
				"end", i);
		n = expand(k, pos, len, name, sizeof(name));
		pos += len;
		if (used + n + 1 > cap) {
			char *nn;

			cap = 2 * cap + n + 1;
			nn = realloc(t->names, cap);
			if (!nn)
				return set_nomem(ctx);
			t->names = nn;
		}
		t->v[i].type = n ? name[0] : '?';
		t->v[i].name = (uint32_t)used;
		memcpy(t->names + used, n ? name + 1 : "", n ? n : 1);
		used += n ? n : 1;
		if (*stext_ret < 0 && !strcmp(t->names + t->v[i].name,
					       "_stext"))
			*stext_ret = i;
	}
	t->n = k->num;
	return VMMAP_OK;
}

/* Every address, from the offsets (or addresses) read in one go. */
static vmmap_status addresses_all(struct vmmap_ctx *ctx, struct ksyms *k,
				  struct ksym_table *t, enum kreading how)
{
	size_t size = (size_t)k->num * k->addr_size;
	uint8_t *raw = malloc(size ? size : 1);
	vmmap_status st;
	uint32_t i;

	if (!raw)
		return set_nomem(ctx);
	st = virt_read(ctx, k->addrs_addr, raw, size);
	if (st) {
		free(raw);
		return vmmap_set_error(ctx, st, "reading kallsyms_%s",
				       k->relative ? "offsets" : "addresses");
	}
	for (i = 0; i < k->num; i++) {
		const uint8_t *b = raw + (size_t)i * k->addr_size;
		uint64_t a;
		int32_t off;

		if (!k->relative) {
			t->v[i].addr = get_uint(b, k->addr_size, k->be);
			continue;
		}
		off = (int32_t)get_uint(b, 4, k->be);
		switch (how) {
		case K_BASE_RELATIVE:
			a = k->relative_base + (uint32_t)off;
			break;
		case K_ABS_PERCPU:
			a = off >= 0 ? (uint64_t)off
				     : k->relative_base - 1 - off;
			break;
		default:
			a = k->addrs_addr + (uint64_t)i * 4 +
			    (uint64_t)(int64_t)off;
			break;
		}
		if (ctx->fmt.ptr_size == 4)
			a &= UINT32_MAX;
		t->v[i].addr = a;
	}
	free(raw);
	return VMMAP_OK;
}

vmmap_status kallsyms_table(struct vmmap_ctx *ctx,
			    const struct ksym_table **ret)
{
	struct ksym_table *t;
	struct ksyms *k = NULL;
	enum kreading how;
	int64_t stext;
	vmmap_status st;
	uint32_t i;

	if (ctx->ksyms) {
		*ret = ctx->ksyms;
		return VMMAP_OK;
	}
	if (ctx->ksyms_status)
		return vmmap_set_error(ctx, ctx->ksyms_status, "%s",
				       ctx->ksyms_err ? ctx->ksyms_err
						      : "kallsyms");
	t = calloc(1, sizeof(*t));
	if (!t)
		return set_nomem(ctx);
	st = ks_open(ctx, &k);
	if (!st)
		st = decode_all(ctx, k, t, &stext);
	if (!st)
		st = ks_reading(ctx, k, stext, &how);
	if (!st)
		st = addresses_all(ctx, k, t, how);
	if (!st) {
		t->by_name = malloc((t->n ? t->n : 1) * sizeof(*t->by_name));
		if (!t->by_name)
			st = set_nomem(ctx);
	}
	ks_close(k);
	if (st) {
		kallsyms_table_free(t);
		if (st != VMMAP_ERR_NOINFO)
			st = vmmap_set_error(ctx, decoder_failed(st),
					     "decoding kallsyms");
		ctx->ksyms_status = st;
		free(ctx->ksyms_err);
		ctx->ksyms_err = strdup(vmmap_errmsg(ctx));
		return st;
	}
	for (i = 0; i < t->n; i++)
		t->by_name[i] = i;
	qsort_r(t->by_name, t->n, sizeof(*t->by_name), by_name_cmp, t);
	ctx->ksyms = t;
	*ret = t;
	return VMMAP_OK;
}

const struct ksym *kallsyms_by_name(const struct ksym_table *t,
				    const char *name)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->names + t->v[t->by_name[mid]].name, name);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n && !strcmp(t->names + t->v[t->by_name[lo]].name, name))
		return &t->v[t->by_name[lo]];
	return NULL;
}
