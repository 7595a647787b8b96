/*
 * kfence.c - the KFENCE pool (mm/kfence/core.c): where it is and how big,
 * for the objects' labels (objects.c) and for the slab count, which leaves
 * its pages out (slab.c).
 */
#include "config.h"
#include "kernel/kernel.h"

#include <inttypes.h>

/* mm/kfence/Kconfig: KFENCE_NUM_OBJECTS "range 1 65535" (v5.12 to v7.2). */
#define KFENCE_MAX_OBJECTS	65535u

/* How many kfence_metadata entries from @meta describe the pool at @pool:
 * mm/kfence/core.c kfence_init_pool() (v5.12 to v7.2) gives object i the
 * pages pool + 2 (i + 1) PAGE_SIZE (a guard page after each) and keeps
 * meta[i].addr inside that page for the pool's life (the page's address
 * at init, the object's own once allocated). */
static uint64_t kfence_count(struct vmmap_ctx *ctx, vmmap_addr_t meta,
			     uint64_t esize, const struct kmember *addr,
			     vmmap_addr_t pool, uint64_t page)
{
	uint64_t i, a;

	for (i = 0; i < KFENCE_MAX_OBJECTS; i++) {
		if (kr_member(ctx, meta + i * esize, addr, &a)) {
			vmmap_clear_error(ctx);
			break;
		}
		if ((a & ~(page - 1)) != pool + 2 * (i + 1) * page)
			break;
	}
	return i;
}

/* The KFENCE pool, __kfence_pool's value, is KFENCE_POOL_SIZE =
 * (CONFIG_KFENCE_NUM_OBJECTS + 1) * 2 pages (include/linux/kfence.h,
 * v5.12 to v7.2).  The object count is not in the dump; the metadata
 * array tells it: an array variable kfence_metadata up to v6.5, a pointer
 * to one allocated at boot from v6.6 (cabdf74e6b31 "mm: kfence: allocate
 * kfence_metadata at runtime").  Both readings are tried, each confirmed
 * by its entries (kfence_count()), none chosen by version: distribution
 * kernels carry such changes back.  *size_ret 0: no pool (no
 * CONFIG_KFENCE, or KFENCE off at boot, sample interval 0). */
vmmap_status kkfence_pool(struct vmmap_ctx *ctx, vmmap_addr_t *pool_ret,
			  uint64_t *size_ret)
{
	vmmap_addr_t sym, pool, meta, arr;
	uint64_t esize, objs, page = kr_page_size(ctx);
	struct kmember addr;
	vmmap_status st;

	*pool_ret = 0;
	*size_ret = 0;
	if (!ks_addr(ctx, "__kfence_pool", &sym))
		return VMMAP_OK;	/* no CONFIG_KFENCE */
	if ((st = kr_ptr(ctx, sym, &pool)))
		return st;
	if (!pool)
		return VMMAP_OK;	/* KFENCE off at boot */
	if (!ks_addr(ctx, "kfence_metadata", &meta) ||
	    kt_size(ctx, "kfence_metadata", &esize) ||
	    kt_member(ctx, "kfence_metadata", "addr", &addr)) {
		vmmap_clear_error(ctx);
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "the KFENCE pool "
				       "at 0x%" PRIx64 " has a size this "
				       "kernel does not say (no kfence_metadata "
				       "symbol or type)", pool);
	}
	objs = kfence_count(ctx, meta, esize, &addr, pool, page);
	if (!objs) {
		if (kr_ptr(ctx, meta, &arr))
			vmmap_clear_error(ctx);
		else if (arr)
			objs = kfence_count(ctx, arr, esize, &addr, pool, page);
	}
	if (!objs)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "the KFENCE pool "
				       "at 0x%" PRIx64 ": no kfence_metadata "
				       "entry at 0x%" PRIx64 " (or where it "
				       "points) describes its first object",
				       pool, meta);
	*pool_ret = pool;
	*size_ret = (objs + 1) * 2 * page;
	return VMMAP_OK;
}
