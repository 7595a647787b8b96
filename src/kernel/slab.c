/*
 * slab.c - the slab pages of the memory map and the caches that own them,
 * from the kernel's struct pages, as /proc/slabinfo counts them.
 *
 * Every struct page of every memory section is read, in large blocks, in
 * pfn order.  Where they are (include/linux/mmzone.h, mm/sparse.c, v4.15
 * to v7.2, SPARSEMEM, which every 64-bit Debian kernel uses): VMCOREINFO's
 * SYMBOL(mem_section) is the array of section roots itself (v4.15,
 * a0b1280368d1 "kdump: write correct address of mem_section into
 * vmcoreinfo"), LENGTH(mem_section) roots, each (SPARSEMEM_EXTREME) a
 * pointer to PAGE_SIZE / SIZE(mem_section) sections, or (static) one
 * section; a section's section_mem_map is its struct page array less its
 * first pfn (sparse_encode_mem_map()), flags in the low bits
 * (SECTION_MARKED_PRESENT bit 0, SECTION_HAS_MEM_MAP bit 1; at most 7 of
 * them up to v7.2, below the array's page alignment).
 *
 * Which page is a slab's (the kernel's PageSlab() of each version):
 *   up to v6.9   bit NUMBER(PG_slab) of page->flags, on the head page;
 *   v6.10, 6.11  a page type, 46df8e73a4a3 "mm: free up PG_slab": the bit
 *                ~NUMBER(PAGE_SLAB_MAPCOUNT_VALUE) cleared in page_type,
 *                whose top bit is set (PageType(): PAGE_TYPE_BASE
 *                0xf0000000, the bit is the type's only clear bit there);
 *   v6.12+       one type per page in the top byte of page_type, 4ffca5a96678
 *                "mm: support only one page_type per page":
 *                NUMBER(PAGE_SLAB_MAPCOUNT_VALUE) is PGTY_slab << 24.
 * A slab of order > 0 is a compound page: its tail pages point to the head
 * through page->compound_head (v4.6+, 1d798ca3f164: head + 1), renamed
 * compound_info in v7.0, which may instead hold a mask | 1 (head = page &
 * mask, when sizeof(struct page) is a power of two); both are tried.
 * The owner: struct slab, which overlays struct page (v5.17, d122019bf061
 * "mm: Split slab into its own type"), slab->slab_cache; before it,
 * page->slab_cache.  The cache: kmem_cache.name, kmem_cache.size (what
 * slabinfo prints as objsize) and, for SLUB, kmem_cache.oo: order << 16 |
 * objects (mm/slub.c OO_SHIFT 16, v2.6.25 to v7.2), slabinfo's
 * pagesperslab and objperslab.
 *
 * The cost: 64 bytes of struct page per page of memory (1/64 of RAM read
 * for 4 KiB pages), only when asked (--slabs, --objects=slabs); memory:
 * one entry per cache, and with labels one per run of slab pages.
 */
#include "config.h"
#include "kernel/kernel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

/* mm/slub.c: struct kmem_cache_order_objects (v2.6.25 to v7.2) */
#define OO_SHIFT	16
/* include/linux/mmzone.h, v2.6.x to v7.2 */
#define SECTION_MARKED_PRESENT	0x1
#define SECTION_HAS_MEM_MAP	0x2
/* Struct pages read at once. */
#define BLOCK_PAGES	4096u
/* A slab is at most MAX_PAGE_ORDER (10 on 4 KiB pages, v6.8; MAX_ORDER - 1
 * before) pages long in every configuration we know; more tail pages are
 * a corrupt map, counted no further. */
#define MAX_SLAB_PAGES	(1u << 14)
/* Distinct caches kept: more is a corrupt map (a few hundred in practice). */
#define MAX_CACHES	8192u

enum rule { BY_FLAG, BY_TYPE_BIT, BY_TYPE_BYTE };

struct sect {
	uint64_t size_bits, page_shift, nr_roots, per_root, sect_size;
	uint64_t map_off, map_size;
	uint64_t phys_end;		/* the dump's memory ends there */
	vmmap_addr_t roots;
	bool extreme;
};

struct swalk {
	struct vmmap_ctx *ctx;
	struct kern *k;
	uint64_t page_size, psize;	/* PAGE_SIZE, sizeof(struct page) */
	enum rule rule;
	uint64_t flag_mask;		/* BY_FLAG */
	uint32_t type_val;		/* BY_TYPE_*: the bit or the byte */
	struct kmember flags, type, head, cache;
	struct kmember c_name, c_size, c_oo;
	bool want_runs;
	size_t cap_caches, cap_runs;
	/* the slab being counted */
	vmmap_addr_t cur_head;
	size_t cur_cache;		/* SIZE_MAX: none */
	uint64_t cur_pages;
	uint64_t unread;		/* struct page bytes not in the dump */
	uint64_t kf_pfn, kf_pages;	/* the KFENCE pool's page frames */
	size_t hash[1021];		/* kmem_cache address -> index, a hint */
};

static bool popcount1(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* How this kernel says a page is a slab's (see the top). */
static vmmap_status slab_rule(struct swalk *w)
{
	struct vmmap_ctx *ctx = w->ctx;
	uint64_t v;

	if (vmci_number(ctx, "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)", &v)) {
		uint32_t x = (uint32_t)v;

		if (!(x & 0xffffff)) {
			w->rule = BY_TYPE_BYTE;
			w->type_val = x >> 24;
		} else if (popcount1(~x)) {
			w->rule = BY_TYPE_BIT;
			w->type_val = ~x;
		} else {
			return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
				"VMCOREINFO NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)="
				"0x%08" PRIx32 " is neither a type byte (v6.12+) "
				"nor one cleared bit (v6.10)", x);
		}
		return kt_member(ctx, "page", "page_type", &w->type);
	}
	if (vmci_number(ctx, "NUMBER(PG_slab)", &v)) {
		if (v >= 64)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"VMCOREINFO NUMBER(PG_slab)=%" PRIu64 " is not "
				"a bit of page->flags", v);
		w->rule = BY_FLAG;
		w->flag_mask = UINT64_C(1) << v;
		return kt_member(ctx, "page", "flags", &w->flags);
	}
	return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "VMCOREINFO has "
			       "neither NUMBER(PG_slab) (up to v6.9) nor "
			       "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE) (v6.10+)");
}

static vmmap_status layout(struct swalk *w, struct sect *s)
{
	struct vmmap_ctx *ctx = w->ctx;
	uint64_t phys_bits, nr_sections;
	struct kmember m;
	vmmap_status st;

	memset(s, 0, sizeof(*s));
	if (!vmci_hex(ctx, "SYMBOL(mem_section)", &s->roots) ||
	    !vmci_number(ctx, "LENGTH(mem_section)", &s->nr_roots) ||
	    !vmci_number(ctx, "NUMBER(SECTION_SIZE_BITS)", &s->size_bits) ||
	    !vmci_number(ctx, "NUMBER(MAX_PHYSMEM_BITS)", &phys_bits))
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "VMCOREINFO "
			"lacks SYMBOL(mem_section), LENGTH(mem_section), "
			"NUMBER(SECTION_SIZE_BITS) or NUMBER(MAX_PHYSMEM_BITS) "
			"(a kernel without SPARSEMEM: its mem_map is not read)");
	if (!vmci_number(ctx, "SIZE(mem_section)", &s->sect_size) &&
	    (st = kt_size(ctx, "mem_section", &s->sect_size)))
		return st;
	if (!vmci_number(ctx, "SIZE(page)", &w->psize) &&
	    (st = kt_size(ctx, "page", &w->psize)))
		return st;
	if ((st = kt_member(ctx, "mem_section", "section_mem_map", &m)))
		return st;
	s->map_off = m.off;
	s->map_size = m.size;
	w->page_size = kr_page_size(ctx);
	s->page_shift = (uint64_t)__builtin_ctzll(w->page_size);
	if (!s->roots || !s->nr_roots || s->nr_roots > (1u << 20) ||
	    s->sect_size < 8 || s->sect_size > w->page_size ||
	    w->psize < 32 || w->psize > 256 || phys_bits > 64 ||
	    s->size_bits <= s->page_shift || s->size_bits >= phys_bits ||
	    s->size_bits - s->page_shift > 24 ||
	    phys_bits - s->size_bits > 40 || s->map_size != kr_ptr_size(ctx))
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID, "the memory "
			"sections' VMCOREINFO is not a sparse memory map's "
			"(%" PRIu64 " roots, sections of 2^%" PRIu64 " bytes, "
			"%" PRIu64 "-byte struct page)", s->nr_roots,
			s->size_bits, w->psize);
	/* makedumpfile's is_sparsemem_extreme(): the roots are pointers
	 * when there are fewer of them than sections */
	nr_sections = UINT64_C(1) << (phys_bits - s->size_bits);
	/* a corrupt section map bounded by the memory the dump holds */
	if (!mem_phys_end(ctx, &s->phys_end))
		s->phys_end = UINT64_MAX;
	s->extreme = s->nr_roots < nr_sections;
	s->per_root = s->extreme ? w->page_size / s->sect_size : 1;
	return VMMAP_OK;
}

static vmmap_status members(struct swalk *w)
{
	struct vmmap_ctx *ctx = w->ctx;
	vmmap_status st;

	/* v7.0+ compound_info, v4.6+ compound_head */
	if (kt_has(ctx, "page", "compound_info"))
		st = kt_member(ctx, "page", "compound_info", &w->head);
	else
		st = kt_member(ctx, "page", "compound_head", &w->head);
	if (st)
		return st;
	if (kt_has(ctx, "slab", "slab_cache"))
		st = kt_member(ctx, "slab", "slab_cache", &w->cache);
	else
		st = kt_member(ctx, "page", "slab_cache", &w->cache);
	if (st)
		return st;
	if ((st = kt_member(ctx, "kmem_cache", "name", &w->c_name)) ||
	    (st = kt_member(ctx, "kmem_cache", "size", &w->c_size)))
		return st;
	/* SLUB's; SLAB (removed in v6.8) has no oo: pages per slab unknown */
	memset(&w->c_oo, 0, sizeof(w->c_oo));
	if (kt_has(ctx, "kmem_cache", "oo"))
		st = kt_member(ctx, "kmem_cache", "oo", &w->c_oo);
	if (!st && (w->head.off + w->head.size > w->psize ||
		    w->cache.off + w->cache.size > w->psize ||
		    (w->rule == BY_FLAG ? w->flags.off + w->flags.size
		     : w->type.off + w->type.size) > w->psize))
		st = vmmap_set_error(ctx, VMMAP_ERR_INVALID, "struct page "
				     "members past its %" PRIu64 " bytes",
				     w->psize);
	return st;
}

static bool is_slab(const struct swalk *w, const uint8_t *pg)
{
	uint32_t t;

	if (w->rule == BY_FLAG)
		return kr_get(w->ctx, pg, &w->flags) & w->flag_mask;
	t = (uint32_t)kr_get(w->ctx, pg, &w->type);
	if (w->rule == BY_TYPE_BYTE)
		return t >> 24 == w->type_val;
	return (t & 0x80000000u) && !(t & w->type_val);
}

/* The cache at @addr: its index, read the first time (SIZE_MAX: not a
 * cache that can be read). */
static size_t cache_of(struct swalk *w, vmmap_addr_t addr)
{
	struct vmmap_ctx *ctx = w->ctx;
	struct kern *k = w->k;
	struct vmmap_slab_cache *c;
	uint64_t name, size, oo = 0;
	char buf[64];
	size_t i;

	/* one probe of a small table first: a TiB dump has millions of
	 * slabs and a few hundred caches */
	i = w->hash[(addr >> 6) % ARRAY_SIZE(w->hash)];
	if (i < k->nslab_caches && k->slab_caches[i].cache == addr)
		return k->slab_caches[i].name ? i : SIZE_MAX;
	for (i = k->nslab_caches; i-- > 0;)
		if (k->slab_caches[i].cache == addr) {
			w->hash[(addr >> 6) % ARRAY_SIZE(w->hash)] = i;
			return k->slab_caches[i].name ? i : SIZE_MAX;
		}
	if (k->nslab_caches >= MAX_CACHES)
		return SIZE_MAX;
	if (k->nslab_caches == w->cap_caches) {
		size_t cap = w->cap_caches ? 2 * w->cap_caches : 128;
		void *nv = realloc(k->slab_caches, cap * sizeof(*c));

		if (!nv)
			return SIZE_MAX;
		k->slab_caches = nv;
		w->cap_caches = cap;
	}
	w->hash[(addr >> 6) % ARRAY_SIZE(w->hash)] = k->nslab_caches;
	c = &k->slab_caches[k->nslab_caches++];
	memset(c, 0, sizeof(*c));
	c->cache = addr;
	/* a failed one stays, nameless, so that it is not read again */
	if (kr_member(ctx, addr, &w->c_name, &name) ||
	    kr_member(ctx, addr, &w->c_size, &size) ||
	    (w->c_oo.size && kr_member(ctx, addr, &w->c_oo, &oo)) ||
	    kr_str(ctx, name, buf, sizeof(buf))) {
		vmmap_clear_error(ctx);
		return SIZE_MAX;
	}
	c->name = strdup(buf);
	if (!c->name)
		return SIZE_MAX;
	c->objsize = size;
	if (oo && (oo >> OO_SHIFT) < 16) {
		c->pages_per_slab = 1u << (oo >> OO_SHIFT);
		c->objs_per_slab = (unsigned)(oo & ((1u << OO_SHIFT) - 1));
	}
	return k->nslab_caches - 1;
}

static vmmap_status add_run(struct swalk *w, uint64_t pfn, size_t cache)
{
	struct kern *k = w->k;
	struct kslab_run *r = k->nslab_runs ? &k->slab_runs[k->nslab_runs - 1]
				: NULL;

	if (r && r->cache == cache && r->pfn + r->npages == pfn) {
		r->npages++;
		return VMMAP_OK;
	}
	if (k->nslab_runs == w->cap_runs) {
		size_t cap = w->cap_runs ? 2 * w->cap_runs : 1024;
		void *nv = realloc(k->slab_runs, cap * sizeof(*r));

		if (!nv)
			return set_nomem(w->ctx);
		k->slab_runs = nv;
		w->cap_runs = cap;
	}
	r = &k->slab_runs[k->nslab_runs++];
	r->pfn = pfn;
	r->npages = 1;
	r->cache = cache;
	return VMMAP_OK;
}

/* One struct page (of @pfn, at @addr): a slab's head, one of its tails,
 * or neither. */
static vmmap_status page(struct swalk *w, uint64_t pfn, vmmap_addr_t addr,
			 const uint8_t *pg)
{
	uint64_t ci = kr_get(w->ctx, pg, &w->head);
	size_t c;

	/* KFENCE's object pages are typed slab pages of their object's
	 * cache (kfence_init_pool(), kfence_guarded_alloc()), but the
	 * cache's counts, which slabinfo prints, never hold them */
	if (pfn - w->kf_pfn < w->kf_pages) {
		w->cur_cache = SIZE_MAX;
		return VMMAP_OK;
	}
	if (ci & 1) {
		/* a tail: of the slab being counted? */
		if (w->cur_cache == SIZE_MAX || w->cur_pages >= MAX_SLAB_PAGES ||
		    (ci - 1 != w->cur_head && (addr & ci) != w->cur_head))
			return VMMAP_OK;
		c = w->cur_cache;
		w->cur_pages++;
	} else {
		w->cur_cache = SIZE_MAX;
		if (!is_slab(w, pg))
			return VMMAP_OK;
		c = cache_of(w, kr_get(w->ctx, pg, &w->cache));
		if (c == SIZE_MAX)
			return VMMAP_OK;
		w->cur_head = addr;
		w->cur_cache = c;
		w->cur_pages = 1;
		w->k->slab_caches[c].slabs++;
	}
	w->k->slab_caches[c].pages++;
	return w->want_runs ? add_run(w, pfn, c) : VMMAP_OK;
}

/* [a, a + len) page by page, what is not in the dump as zeroes (a struct
 * page of zeroes is no slab's): a hole costs only its own pages. */
static void read_pages(struct swalk *w, vmmap_addr_t a, uint8_t *buf,
		       uint64_t len)
{
	uint64_t off, n;

	vmmap_clear_error(w->ctx);
	for (off = 0; off < len; off += n) {
		n = w->page_size - ((a + off) & (w->page_size - 1));
		if (n > len - off)
			n = len - off;
		if (kr_read(w->ctx, a + off, buf + off, n)) {
			vmmap_clear_error(w->ctx);
			memset(buf + off, 0, n);
			w->unread += n;
		}
	}
}

/* The struct pages of one present section. */
static vmmap_status section(struct swalk *w, const struct sect *s,
			    uint64_t nr, uint64_t enc, uint8_t *buf)
{
	uint64_t per = UINT64_C(1) << (s->size_bits - s->page_shift);
	uint64_t pfn0 = nr * per, i, j;
	vmmap_addr_t map = (enc & ~(w->page_size - 1)) + pfn0 * w->psize;
	vmmap_status st;

	w->cur_cache = SIZE_MAX;
	for (i = 0; i < per; i += BLOCK_PAGES) {
		uint64_t n = per - i < BLOCK_PAGES ? per - i : BLOCK_PAGES;
		vmmap_addr_t a = map + i * w->psize;

		if (kr_read(w->ctx, a, buf, n * w->psize))
			read_pages(w, a, buf, n * w->psize);
		for (j = 0; j < n; j++)
			if ((st = page(w, pfn0 + i + j, a + j * w->psize,
				       buf + j * w->psize)))
				return st;
	}
	return VMMAP_OK;
}

static vmmap_status sections(struct swalk *w, const struct sect *s)
{
	struct vmmap_ctx *ctx = w->ctx;
	unsigned ps = kr_ptr_size(ctx);
	uint8_t *roots = NULL, *secs = NULL, *buf = NULL;
	uint64_t r, i;
	vmmap_status st = VMMAP_OK;

	secs = malloc(s->per_root * s->sect_size);
	buf = malloc(BLOCK_PAGES * w->psize);
	if (s->extreme)
		roots = malloc(s->nr_roots * ps);
	if (!secs || !buf || (s->extreme && !roots)) {
		st = set_nomem(ctx);
		goto out;
	}
	if (s->extreme && (st = kr_read(ctx, s->roots, roots,
					s->nr_roots * ps))) {
		st = vmmap_set_error(ctx, st, "the %" PRIu64 " memory section "
				     "roots at 0x%" PRIx64, s->nr_roots,
				     s->roots);
		goto out;
	}
	for (r = 0; r < s->nr_roots && !st; r++) {
		vmmap_addr_t root = s->extreme
			? get_uint(roots + r * ps, ps, pg_data_be(kernel_fmt(ctx)))
			: s->roots + r * s->sect_size;

		if (!root || r * s->per_root > (s->phys_end - 1) >> s->size_bits)
			continue;
		if (kr_read(ctx, root, secs, s->per_root * s->sect_size)) {
			add_warning(ctx, "slabs: memory section root %" PRIu64
				    " at 0x%" PRIx64 ": %s", r, root,
				    vmmap_errmsg(ctx));
			vmmap_clear_error(ctx);
			continue;
		}
		for (i = 0; i < s->per_root && !st; i++) {
			uint64_t enc = get_uint(secs + i * s->sect_size +
						s->map_off, ps,
						pg_data_be(kernel_fmt(ctx)));

			uint64_t nr = r * s->per_root + i;

			if ((enc & (SECTION_MARKED_PRESENT |
				    SECTION_HAS_MEM_MAP)) !=
			    (SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP) ||
			    nr > (s->phys_end - 1) >> s->size_bits)
				continue;
			st = section(w, s, nr, enc, buf);
		}
	}
out:
	free(roots);
	free(secs);
	free(buf);
	return st;
}

struct ord {
	const char *name;
	size_t i;
};

/* By name, the unreadable ones (no name) last. */
static int ord_cmp(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;

	if (!x->name || !y->name)
		return !x->name - !y->name;
	return strcmp(x->name, y->name);
}

/* The caches by name, the runs' indexes moved with them; the caches that
 * could not be read dropped. */
static vmmap_status sort_caches(struct vmmap_ctx *ctx, struct kern *k)
{
	size_t n = k->nslab_caches, i, j;
	struct ord *o = malloc((n + 1) * sizeof(*o));
	size_t *map = malloc((n + 1) * sizeof(*map));
	struct vmmap_slab_cache *v = malloc((n + 1) * sizeof(*v));

	if (!o || !map || !v) {
		free(o);
		free(map);
		free(v);
		return set_nomem(ctx);
	}
	for (i = 0; i < n; i++) {
		o[i].name = k->slab_caches[i].name;
		o[i].i = i;
	}
	qsort(o, n, sizeof(*o), ord_cmp);
	for (i = j = 0; i < n; i++)
		if (o[i].name) {
			map[o[i].i] = j;
			v[j++] = k->slab_caches[o[i].i];
		}
	for (i = 0; i < k->nslab_runs; i++)
		k->slab_runs[i].cache = map[k->slab_runs[i].cache];
	free(k->slab_caches);
	k->slab_caches = v;
	k->nslab_caches = j;
	free(o);
	free(map);
	return VMMAP_OK;
}

/* The KFENCE pool's page frames, left out of the count; a pool whose
 * size or place is unknown is counted, with a warning.  The pool is one
 * physically contiguous allocation (memblock_alloc() in
 * kfence_alloc_pool_and_metadata(), v5.12 to v7.2), but its guard pages
 * and free objects' pages are not present in the tables
 * (kfence_protect()): its place comes from the first page that is. */
static void kfence_frames(struct swalk *w)
{
	struct vmmap_ctx *ctx = w->ctx;
	vmmap_addr_t pool, pa = 0;
	uint64_t size, off;
	vmmap_status st;

	if (!(st = kkfence_pool(ctx, &pool, &size)) && size) {
		for (off = 0; off < size; off += w->page_size) {
			vmmap_clear_error(ctx);
			if (!(st = kernel_vtop_pa(ctx, pool + off, &pa))) {
				pa -= off;
				break;
			}
		}
	}
	if (st) {
		add_warning(ctx, "slabs: %s: the KFENCE pool's pages, if any, "
			    "are counted in their objects' caches",
			    vmmap_errmsg(ctx));
		vmmap_clear_error(ctx);
		return;
	}
	w->kf_pfn = pa / w->page_size;
	w->kf_pages = size / w->page_size;
}

static vmmap_status build(struct vmmap_ctx *ctx, struct kern *k, bool runs)
{
	struct swalk w;
	struct sect s;
	vmmap_status st;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.k = k;
	w.want_runs = runs;
	w.cur_cache = SIZE_MAX;
	if ((st = kt_load(ctx)) || (st = slab_rule(&w)) ||
	    (st = layout(&w, &s)) || (st = members(&w)))
		return st;
	kfence_frames(&w);
	if ((st = sections(&w, &s)))
		return st;
	if (w.unread)
		add_warning(ctx, "slabs: %" PRIu64 " KiB of struct pages are "
			    "not in the dump: their pages are not counted",
			    w.unread >> 10);
	return sort_caches(ctx, k);
}

static void kslabs_free(struct kern *k)
{
	size_t i;

	for (i = 0; i < k->nslab_caches; i++)
		free((char *)k->slab_caches[i].name);
	free(k->slab_caches);
	free(k->slab_runs);
	free(k->slabs_err);
	k->slab_caches = NULL;
	k->slab_runs = NULL;
	k->slabs_err = NULL;
	k->nslab_caches = k->nslab_runs = 0;
	k->slabs_st = VMMAP_OK;
	k->slabs_done = false;
}

vmmap_status kslabs(struct vmmap_ctx *ctx, bool runs)
{
	struct kern *k = kern_of(ctx);
	vmmap_status st;

	if (!k)
		return set_nomem(ctx);
	if (k->slabs_done && (k->slabs_runs || !runs))
		return k->slabs_st ? kern_fail_again(ctx, k->slabs_st,
						     k->slabs_err) : VMMAP_OK;
	kslabs_free(k);
	st = build(ctx, k, runs);
	k->slabs_done = true;
	k->slabs_runs = runs;
	if (st)
		k->slabs_st = kern_keep_fail(ctx, st, &k->slabs_err);
	return st;
}

PUBLIC vmmap_status vmmap_slabs(struct vmmap_ctx *ctx,
				const struct vmmap_slab_cache **caches_ret,
				size_t *n_ret)
{
	vmmap_status st;

	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_slabs() before vmmap_load()");
	st = kslabs(ctx, false);
	if (st)
		return st;
	*caches_ret = ((struct kern *)ctx->kern)->slab_caches;
	*n_ret = ((struct kern *)ctx->kern)->nslab_caches;
	return VMMAP_OK;
}

PUBLIC vmmap_status vmmap_label_slabs(struct vmmap_ctx *ctx, bool on)
{
	struct kern *k = kern_of(ctx);

	if (!k)
		return set_nomem(ctx);
	if (k->objs_done && k->slab_objects != on)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "vmmap_label_slabs() "
				       "after vmmap_objects()");
	k->slab_objects = on;
	return VMMAP_OK;
}
