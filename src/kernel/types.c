/*
 * types.c - the kernel's structure layouts, from the kernel itself.
 *
 * Kernels built with CONFIG_DEBUG_INFO_BTF (Debian's since 5.10 on every
 * architecture) carry their types in the image: the .BTF section, between
 * __start_BTF and __stop_BTF (include/asm-generic/vmlinux.lds.h, v5.2+),
 * a header with magic 0xeB9F (include/uapi/linux/btf.h).  It is read
 * through the walked tables and parsed by libbpf.  Where kallsyms lacks
 * data symbols (no CONFIG_KALLSYMS_ALL), the blob is found by its header
 * in the image after _stext (VMCOREINFO always has _stext).  Kernels
 * without BTF need a vmlinux: its .BTF (libbpf), else its DWARF (libdw,
 * dwarf.c).
 */
#include "config.h"
#include "kernel/kernel.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/dwarf.h"

#define BTF_MAGIC_LE0 0x9f
#define BTF_MAGIC_LE1 0xeb
/* A kernel's BTF is a few MiB (Debian 6.1 amd64: 4.2 MiB). */
#define BTF_MAX (64u << 20)
/* How far past _stext the image is searched for the header when _end is
 * not known: beyond any kernel image (x86_64's KERNEL_IMAGE_SIZE is 1 GiB,
 * but images are tens of MiB and .BTF ends the read-only data). */
#define BTF_SCAN_MAX (192u << 20)
#define SCAN_CHUNK (1u << 20)

struct types {
	struct btf *btf;
	void *blob;
	struct kdwarf *dw;
	char source[160];
	/* names looked up, and what they were */
	struct { char name[48]; int32_t id; } cache[64];
	unsigned ncache, next;
};

static void kt_free(struct types *t)
{
	if (!t)
		return;
	if (t->btf)
		btf__free(t->btf);
	free(t->blob);
	kdwarf_free(t->dw);
	free(t);
}

/* libbpf prints its own complaints unless told not to; a library does
 * not print. */
static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static struct btf *parse_blob(const void *data, uint32_t size)
{
	libbpf_print_fn_t old = libbpf_set_print(quiet_print);
	struct btf *b = btf__new(data, size);

	libbpf_set_print(old);
	if (!b)
		return NULL;
	/* the kernel's own, not a module's or a program's */
	if (btf__find_by_name_kind(b, "task_struct", BTF_KIND_STRUCT) <= 0) {
		btf__free(b);
		errno = ENOENT;
		return NULL;
	}
	return b;
}

static uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
}

/* The size of a BTF blob whose header is at @p (at least 24 bytes), or 0
 * if it is not one (include/uapi/linux/btf.h: struct btf_header). */
static uint32_t btf_header_size(const uint8_t *p, bool be)
{
	uint32_t hdr_len, type_off, type_len, str_off, str_len;

	if (p[be ? 1 : 0] != BTF_MAGIC_LE0 || p[be ? 0 : 1] != BTF_MAGIC_LE1 ||
	    p[2] != 1 || p[3] != 0)
		return 0;
	hdr_len = get32(p + 4, be);
	type_off = get32(p + 8, be);
	type_len = get32(p + 12, be);
	str_off = get32(p + 16, be);
	str_len = get32(p + 20, be);
	if (hdr_len < 24 || hdr_len > 256 || type_off || !type_len ||
	    str_off < type_len || !str_len || type_len > BTF_MAX ||
	    str_len > BTF_MAX || (uint64_t)hdr_len + str_off + str_len > BTF_MAX)
		return 0;
	return hdr_len + str_off + str_len;
}

static vmmap_status read_blob(struct vmmap_ctx *ctx, struct types *t,
			      uint64_t addr, uint32_t size)
{
	vmmap_status st;

	free(t->blob);
	t->blob = malloc(size);
	if (!t->blob)
		return set_nomem(ctx);
	st = kr_read(ctx, addr, t->blob, size);
	if (st)
		return vmmap_set_error(ctx, st, "reading the kernel's BTF "
				       "(%u bytes at 0x%" PRIx64 ")", size,
				       addr);
	t->btf = parse_blob(t->blob, size);
	if (!t->btf)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
			"the kernel's BTF at 0x%" PRIx64 " (%u bytes) is not "
			"valid: %s", addr, size, strerror(errno));
	snprintf(t->source, sizeof(t->source), "the dump's BTF (%u bytes at "
		 "0x%" PRIx64 ")", size, addr);
	return VMMAP_OK;
}

/* Read [addr, addr + len) into @buf, unmapped pages as zeroes. */
static void read_or_zero(struct vmmap_ctx *ctx, uint64_t addr, uint8_t *buf,
			 size_t len)
{
	size_t off;

	if (!kr_read(ctx, addr, buf, len))
		return;
	for (off = 0; off < len;) {
		size_t n = 4096 - ((addr + off) & 4095);

		if (n > len - off)
			n = len - off;
		if (kr_read(ctx, addr + off, buf + off, n))
			memset(buf + off, 0, n);
		off += n;
	}
	vmmap_clear_error(ctx);
}

/* The BTF header in the image, from _stext on. */
static vmmap_status scan_image(struct vmmap_ctx *ctx, struct types *t,
			       uint64_t from, uint64_t to)
{
	bool be = pg_data_be(kernel_fmt(ctx));
	uint8_t *buf = malloc(SCAN_CHUNK + 32);
	uint64_t a;

	if (!buf)
		return set_nomem(ctx);
	for (a = from; a < to; a += SCAN_CHUNK) {
		size_t i;

		/* what the search reads is not noted for an extract: only
		 * the blob it finds (read_blob()) */
		ctx->record_paused++;
		read_or_zero(ctx, a, buf, SCAN_CHUNK + 32);
		ctx->record_paused--;
		for (i = 0; i < SCAN_CHUNK; i++) {
			uint8_t *p = memchr(buf + i, be ? BTF_MAGIC_LE1
					    : BTF_MAGIC_LE0, SCAN_CHUNK - i);
			uint32_t size;

			if (!p)
				break;
			i = (size_t)(p - buf);
			size = btf_header_size(p, be);
			if (size && !read_blob(ctx, t, a + i, size)) {
				free(buf);
				snprintf(t->source, sizeof(t->source),
					 "the dump's BTF (%u bytes at 0x%" PRIx64
					 ", found by its header)", size, a + i);
				return VMMAP_OK;
			}
			vmmap_clear_error(ctx);
		}
	}
	free(buf);
	return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "no BTF header in the "
			       "kernel image from _stext 0x%" PRIx64 " to 0x%"
			       PRIx64, from, to);
}

static vmmap_status btf_from_dump(struct vmmap_ctx *ctx, struct types *t)
{
	uint64_t a, b, stext, end;

	if (ks_addr(ctx, "__start_BTF", &a) && ks_addr(ctx, "__stop_BTF", &b)) {
		if (b <= a || b - a > BTF_MAX)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"__start_BTF 0x%" PRIx64 " and __stop_BTF 0x%"
				PRIx64 " do not bound a BTF blob", a, b);
		return read_blob(ctx, t, a, (uint32_t)(b - a));
	}
	if (!ks_addr(ctx, "_stext", &stext))
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "no __start_BTF "
				       "and no _stext to search the image "
				       "from");
	/* to the image's end: _end, else the layout's kernel region */
	end = stext + BTF_SCAN_MAX;
	if (ks_addr(ctx, "_end", &b) && b > stext && b < end)
		end = b;
	else if (kr_region_last(ctx, stext, "kernel", &b) && b < end)
		end = b + 1;
	return scan_image(ctx, t, stext, end);
}

static vmmap_status btf_from_vmlinux(struct vmmap_ctx *ctx, struct types *t)
{
	libbpf_print_fn_t old = libbpf_set_print(quiet_print);

	t->btf = btf__parse_elf(ctx->vmlinux, NULL);
	libbpf_set_print(old);
	if (!t->btf)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "%s has no .BTF",
				       ctx->vmlinux);
	snprintf(t->source, sizeof(t->source), "the BTF of %s", ctx->vmlinux);
	return VMMAP_OK;
}

vmmap_status kt_load(struct vmmap_ctx *ctx)
{
	struct kern *k = kern_of(ctx);
	struct types *t;
	vmmap_status st;
	char *dump_why;

	if (!k)
		return set_nomem(ctx);
	if (k->types)
		return VMMAP_OK;
	if (k->types_st)
		return kern_fail_again(ctx, k->types_st, k->types_err);
	t = calloc(1, sizeof(*t));
	if (!t)
		return set_nomem(ctx);
	st = btf_from_dump(ctx, t);
	if (st && ctx->vmlinux) {
		dump_why = strdup(vmmap_errmsg(ctx));
		vmmap_clear_error(ctx);
		st = btf_from_vmlinux(ctx, t);
		if (st) {
			vmmap_clear_error(ctx);
			st = kdwarf_open(ctx, ctx->vmlinux, &t->dw);
			if (!st)
				snprintf(t->source, sizeof(t->source),
					 "the DWARF of %s", ctx->vmlinux);
		}
		if (st) {
			vmmap_clear_error(ctx);
			st = vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				"no kernel types: %s has neither BTF nor "
				"DWARF, and the dump: %s", ctx->vmlinux,
				dump_why ? dump_why : "?");
		}
		free(dump_why);
	} else if (st == VMMAP_ERR_NOMEM) {
		st = set_nomem(ctx);
	} else if (st && ctx->is_extract) {
		st = vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no kernel types in this extract (its dump had none, "
			"or the vmmap that made it did not read them: extract "
			"the dump again, or give --vmlinux with debug info)");
	} else if (st) {
		st = vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
			"no kernel types in the dump (a kernel built without "
			"CONFIG_DEBUG_INFO_BTF?); give --vmlinux with debug "
			"info");
	}
	if (st) {
		kt_free(t);
		k->types_st = kern_keep_fail(ctx, st, &k->types_err);
		return st;
	}
	k->types = t;
	k->types_free = kt_free;
	return VMMAP_OK;
}

const char *kt_source(struct vmmap_ctx *ctx)
{
	if (kt_load(ctx))
		return NULL;
	return ctx->kern && ((struct kern *)ctx->kern)->types
	       ? ((struct kern *)ctx->kern)->types->source : NULL;
}

/* ---- BTF lookups ---- */

static const struct btf_type *skip_mods(const struct btf *b, uint32_t *id)
{
	const struct btf_type *t = btf__type_by_id(b, *id);
	int guard = 0;

	while (t && (btf_is_mod(t) || btf_is_typedef(t)) && guard++ < 32) {
		*id = t->type;
		t = btf__type_by_id(b, *id);
	}
	return t;
}

static int32_t btf_type_id(struct types *t, const char *name)
{
	static const uint32_t kinds[] = { BTF_KIND_STRUCT, BTF_KIND_UNION,
					  BTF_KIND_TYPEDEF, BTF_KIND_ENUM,
					  BTF_KIND_ENUM64 };
	unsigned i;
	int32_t id = -1;

	for (i = 0; i < t->ncache; i++)
		if (!strcmp(t->cache[i].name, name))
			return t->cache[i].id;
	for (i = 0; i < ARRAY_SIZE(kinds) && id <= 0; i++)
		id = btf__find_by_name_kind(t->btf, name, kinds[i]);
	if (strlen(name) < sizeof(t->cache[0].name)) {
		i = t->ncache < ARRAY_SIZE(t->cache) ? t->ncache++
		    : t->next++ % ARRAY_SIZE(t->cache);
		strcpy(t->cache[i].name, name);
		t->cache[i].id = id;
	}
	return id;
}

/* Member @name (@len bytes) of the composite @id, anonymous members
 * looked through: its bit offset and type. */
static bool btf_member(const struct btf *b, uint32_t id, const char *name,
		       size_t len, uint64_t *bits, uint32_t *type, int depth)
{
	const struct btf_type *t = skip_mods(b, &id);
	const struct btf_member *m;
	unsigned i, n;

	if (!t || !btf_is_composite(t) || depth > 8)
		return false;
	m = btf_members(t);
	n = btf_vlen(t);
	for (i = 0; i < n; i++, m++) {
		const char *mn = btf__name_by_offset(b, m->name_off);
		uint64_t sub;

		if (!mn || !*mn) {
			if (btf_member(b, m->type, name, len, &sub, type,
				       depth + 1)) {
				*bits = btf_member_bit_offset(t, i) + sub;
				return true;
			}
			continue;
		}
		if (strlen(mn) == len && !memcmp(mn, name, len)) {
			*bits = btf_member_bit_offset(t, i);
			*type = m->type;
			return true;
		}
	}
	return false;
}

static vmmap_status btf_lookup(struct vmmap_ctx *ctx, struct types *t,
			       const char *type, const char *path,
			       struct kmember *m)
{
	int32_t id = btf_type_id(t, type);
	uint64_t bits = 0;
	uint32_t cur;
	const char *p = path;
	const struct btf_type *bt;
	int64_t sz;

	if (id <= 0)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "the kernel's "
				       "types (%s) have no struct %s",
				       t->source, type);
	cur = (uint32_t)id;
	while (*p) {
		size_t len = strcspn(p, ".");
		uint64_t b;

		if (!btf_member(t->btf, cur, p, len, &b, &cur, 0))
			return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				"the kernel's struct %s has no member %s "
				"(types from %s)", type, path, t->source);
		bits += b;
		p += len;
		if (*p == '.')
			p++;
	}
	if (bits % 8)
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP, "struct %s "
				       "member %s is a bit field", type, path);
	memset(m, 0, sizeof(*m));
	m->off = bits / 8;
	sz = btf__resolve_size(t->btf, cur);
	m->size = sz > 0 ? (uint64_t)sz : 0;
	bt = skip_mods(t->btf, &cur);
	if (bt && btf_is_array(bt)) {
		const struct btf_array *a = btf_array(bt);

		m->nelem = a->nelems;
		sz = btf__resolve_size(t->btf, a->type);
		m->elem_size = sz > 0 ? (uint64_t)sz : 0;
	}
	return VMMAP_OK;
}

vmmap_status kt_member(struct vmmap_ctx *ctx, const char *type,
		       const char *path, struct kmember *m)
{
	vmmap_status st = kt_load(ctx);
	struct types *t;

	if (st)
		return st;
	t = ((struct kern *)ctx->kern)->types;
	if (t->btf)
		return btf_lookup(ctx, t, type, path, m);
	return kdwarf_member(ctx, t->dw, type, path, m);
}

bool kt_has(struct vmmap_ctx *ctx, const char *type, const char *path)
{
	struct kmember m;
	unsigned q = ctx->quiet;
	bool ok;

	/* no types at all is said (and kept) by kt_load(), not hushed */
	if (kt_load(ctx)) {
		vmmap_clear_error(ctx);
		return false;
	}
	ctx->quiet = 1;
	ok = !kt_member(ctx, type, path, &m);
	ctx->quiet = q;
	return ok;
}

vmmap_status kt_size(struct vmmap_ctx *ctx, const char *type,
		     uint64_t *size_ret)
{
	vmmap_status st = kt_load(ctx);
	struct types *t;
	int32_t id;
	int64_t sz;

	if (st)
		return st;
	t = ((struct kern *)ctx->kern)->types;
	if (!t->btf)
		return kdwarf_size(ctx, t->dw, type, size_ret);
	id = btf_type_id(t, type);
	sz = id > 0 ? btf__resolve_size(t->btf, (uint32_t)id) : -1;
	if (sz <= 0)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "the kernel's "
				       "types (%s) have no struct %s",
				       t->source, type);
	*size_ret = (uint64_t)sz;
	return VMMAP_OK;
}

vmmap_status kt_enum(struct vmmap_ctx *ctx, const char *type,
		     const char *name, int64_t *value_ret)
{
	vmmap_status st = kt_load(ctx);
	const struct btf_type *bt;
	struct types *t;
	uint32_t id;
	int32_t sid;
	unsigned i;

	if (st)
		return st;
	t = ((struct kern *)ctx->kern)->types;
	if (!t->btf)
		return kdwarf_enum(ctx, t->dw, type, name, value_ret);
	sid = btf_type_id(t, type);
	id = sid > 0 ? (uint32_t)sid : 0;
	bt = id ? skip_mods(t->btf, &id) : NULL;
	if (bt && btf_is_enum(bt)) {
		const struct btf_enum *e = btf_enum(bt);

		for (i = 0; i < btf_vlen(bt); i++, e++)
			if (!strcmp(btf__name_by_offset(t->btf, e->name_off),
				    name)) {
				*value_ret = e->val;
				return VMMAP_OK;
			}
	} else if (bt && btf_is_enum64(bt)) {
		const struct btf_enum64 *e = btf_enum64(bt);

		for (i = 0; i < btf_vlen(bt); i++, e++)
			if (!strcmp(btf__name_by_offset(t->btf, e->name_off),
				    name)) {
				*value_ret = (int64_t)btf_enum64_value(e);
				return VMMAP_OK;
			}
	}
	return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "the kernel's types (%s) "
			       "have no enum %s value %s", t->source, type,
			       name);
}

vmmap_status kt_members(struct vmmap_ctx *ctx, const char *const *fields,
			size_t n, struct kmember *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *f = fields[i];
		bool optional = *f == '?';
		char type[64];
		const char *dot;
		vmmap_status st;

		if (optional)
			f++;
		dot = strchr(f, '.');
		if (!dot || (size_t)(dot - f) >= sizeof(type))
			return vmmap_set_error(ctx, VMMAP_ERR_ARG,
					       "bad field '%s'", f);
		memcpy(type, f, dot - f);
		type[dot - f] = 0;
		if (optional) {
			memset(&out[i], 0, sizeof(out[i]));
			if (kt_has(ctx, type, dot + 1))
				st = kt_member(ctx, type, dot + 1, &out[i]);
			else
				st = kt_load(ctx);
		} else {
			st = kt_member(ctx, type, dot + 1, &out[i]);
		}
		if (st)
			return st;
	}
	return VMMAP_OK;
}

#define PUBLIC __attribute__((visibility("default")))

PUBLIC const char *vmmap_types_source(struct vmmap_ctx *ctx)
{
	vmmap_clear_error(ctx);
	if (!ctx->loaded) {
		vmmap_set_error(ctx, VMMAP_ERR_ARG,
				"vmmap_types_source() before vmmap_load()");
		return NULL;
	}
	return kt_source(ctx);
}

PUBLIC vmmap_status vmmap_type_member(struct vmmap_ctx *ctx, const char *type,
				      const char *path, uint64_t *offset_ret,
				      uint64_t *size_ret)
{
	struct kmember m;
	vmmap_status st;

	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_type_member() before vmmap_load()");
	if (!type || !path)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "no type or member");
	st = kt_member(ctx, type, path, &m);
	if (st)
		return st;
	if (offset_ret)
		*offset_ret = m.off;
	if (size_ret)
		*size_ret = m.size;
	return VMMAP_OK;
}
