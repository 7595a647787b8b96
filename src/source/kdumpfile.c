/*
 * kdumpfile.c - libkdumpfile as the memory source: the only file that
 * calls it.
 *
 * Physical reads use KDUMP_MACHPHYSADDR: for a non-Xen dump that is the
 * address in the file (PT_LOAD p_paddr, the PFN of a kdump file), whereas
 * KDUMP_KPHYSADDR is mapped through libkdumpfile's address translation,
 * which 0.5.1 only sets up once it knows the OS and architecture ("Cannot
 * determine 5-level paging" for an x86_64 ELF dump, "No way to translate"
 * for QEMU's kdump files that lack the architecture).
 */
#include "config.h"
#include "source/source.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

struct kdf {
	kdump_ctx_t *k;
	int fd;
	uint64_t phys_end;
	bool elf;		/* an ELF file: what is absent was never there */
	char *path;
};

static void kdf_release(void *data)
{
	struct kdf *d = data;

	if (!d)
		return;
	if (d->k)
		kdump_free(d->k);
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	free(d);
}

static vmmap_status kdf_read_phys(struct vmmap_ctx *ctx, void *data,
				  vmmap_addr_t paddr, void *buf, size_t len)
{
	struct kdf *d = data;
	uint8_t *p = buf;

	while (len) {
		size_t n = len;
		kdump_status ks = kdump_read(d->k, KDUMP_MACHPHYSADDR, paddr,
					     p, &n);

		if (ks == KDUMP_OK)
			return VMMAP_OK;
		if (n > len)	/* never, but do not trust it to loop */
			n = len;
		p += n;
		paddr += n;
		len -= n;
		if (ks == KDUMP_ERR_NODATA && d->phys_end &&
		    paddr >= d->phys_end)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
					       "physical 0x%" PRIx64 " is beyond "
					       "the dump's memory (which ends "
					       "at 0x%" PRIx64 ")", paddr,
					       d->phys_end);
		if (ks == KDUMP_ERR_NODATA)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
					       "physical 0x%" PRIx64 "%s", paddr,
					       d->elf ? " is not in the dump (no "
					       "ELF segment holds it)"
					       : ": filtered out of the dump");
		if (n == 0 || ks != KDUMP_OK)
			return vmmap_set_error(ctx, VMMAP_ERR_IO,
					       "%s: physical 0x%" PRIx64 ": %s",
					       d->path, paddr,
					       kdump_get_err(d->k));
	}
	return VMMAP_OK;
}

static bool kdf_phys_end(void *data, vmmap_addr_t *end_ret)
{
	const struct kdf *d = data;

	if (!d->phys_end)
		return false;
	*end_ret = d->phys_end;
	return true;
}

static const struct vmmap_mem_ops kdf_ops = {
	.read_phys = kdf_read_phys,
	.release = kdf_release,
	.phys_end = kdf_phys_end,
};

static const char *kdf_string(kdump_ctx_t *k, const char *key)
{
	kdump_attr_t a;

	a.type = KDUMP_STRING;
	if (kdump_get_typed_attr(k, key, &a) != KDUMP_OK)
		return NULL;
	return a.val.string;
}

static bool kdf_number(kdump_ctx_t *k, const char *key, uint64_t *ret)
{
	kdump_num_t n;

	if (kdump_get_number_attr(k, key, &n) != KDUMP_OK)
		return false;
	*ret = n;
	return true;
}

/* VMCOREINFO as libkdumpfile found it: the blob linux.vmcoreinfo.raw
 * (kdump_vmcoreinfo_raw() wants the OS type set, which we avoid). */
static vmmap_status kdf_vmcoreinfo(struct vmmap_ctx *ctx, kdump_ctx_t *k)
{
	kdump_attr_t a;
	const char *raw;
	size_t size;
	vmmap_status st;

	a.type = KDUMP_BLOB;
	if (kdump_get_typed_attr(k, "linux.vmcoreinfo.raw", &a) != KDUMP_OK)
		return VMMAP_OK;
	raw = kdump_blob_pin(a.val.blob);
	size = kdump_blob_size(a.val.blob);
	st = raw && size ? vmmap_set_vmcoreinfo(ctx, raw, strnlen(raw, size))
			 : VMMAP_OK;
	kdump_blob_unpin(a.val.blob);
	/* A note without KEY=value lines is as good as none: the scan of
	 * memory may still find the kernel's own. */
	if (st && st != VMMAP_ERR_NOMEM) {
		vmmap_clear_error(ctx);
		st = VMMAP_OK;
	}
	return st;
}

/*
 * Open @fd with libkdumpfile.  @block_size: the PFN unit of a kdump file
 * (0 for ELF); libkdumpfile counts PFNs in its page size, so a file whose
 * blocks differ from it would be misread and is refused here
 * (VMMAP_ERR_NOTSUP) for our own reader to take.
 */
vmmap_status kdf_attach(struct vmmap_ctx *ctx, int fd, const char *path,
			uint32_t block_size, struct source_hints *h)
{
	struct kdf *d = calloc(1, sizeof(*d));
	const char *s;
	uint64_t max_pfn, page_size;
	kdump_status ks;
	vmmap_status st;

	if (!d)
		return set_nomem(ctx);
	d->fd = dup(fd);
	d->k = kdump_new();
	d->path = strdup(path);
	if (d->fd < 0 || !d->k || !d->path) {
		st = d->fd < 0 ? vmmap_set_error(ctx, VMMAP_ERR_IO,
						 "%s: dup: %s", path,
						 strerror(errno))
			       : set_nomem(ctx);
		goto fail;
	}
	/* With mmap(2), a file cut short or changed under us is a SIGBUS
	 * inside libkdumpfile; with read(2) it is an error. */
	ks = kdump_set_number_attr(d->k, KDUMP_ATTR_FILE_MMAP_POLICY,
				   KDUMP_MMAP_NEVER);
	if (ks == KDUMP_OK)
		ks = kdump_open_fd(d->k, d->fd);
	if (ks != KDUMP_OK) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				     "%s: libkdumpfile: %s", path,
				     kdump_get_err(d->k));
		goto fail;
	}
	/* Without VMCOREINFO, libkdumpfile does not know the page size of
	 * an arm64 ELF dump and fails every read ("Cannot determine page
	 * size", as KDUMP_ERR_NODATA).  For physical reads of an ELF file it
	 * is only the unit of its cache: any size does. */
	if (!kdf_number(d->k, "arch.page_size", &page_size) && !block_size &&
	    kdump_set_number_attr(d->k, "arch.page_size", 4096) == KDUMP_OK)
		page_size = 4096;
	if (!kdf_number(d->k, "arch.page_size", &page_size))
		page_size = 0;
	if (block_size && page_size != block_size) {
		st = vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
				     "%s: libkdumpfile reads %" PRIu32
				     "-byte blocks as %" PRIu64 "-byte pages",
				     path, block_size, page_size);
		goto fail;
	}
	/* (max_pfn of an ELF file depends on a page size it may lack) */
	if (kdf_number(d->k, "max_pfn", &max_pfn) && page_size &&
	    max_pfn <= UINT64_MAX / page_size)
		d->phys_end = max_pfn * page_size;
	s = kdf_string(d->k, KDUMP_ATTR_FILE_FORMAT);
	d->elf = s && !strcmp(s, "elf");
	s = kdf_string(d->k, "linux.uts.release");
	if (s && !h->release[0])
		snprintf(h->release, sizeof(h->release), "%s", s);
	s = kdf_string(d->k, "linux.uts.machine");
	if (s && !h->machine[0])
		snprintf(h->machine, sizeof(h->machine), "%s", s);
	st = vmmap_set_mem(ctx, &kdf_ops, d);
	if (st)
		goto fail;
	/* d belongs to the context now. */
	/* Its own name of the architecture ("x86_64", "aarch64", "s390x",
	 * "arm", "ia32", "ppc64", ...) is as good as a uname -m. */
	s = kdf_string(d->k, "arch.name");
	if (s && *s && !h->machine[0])
		snprintf(h->machine, sizeof(h->machine), "%s", s);
	return kdf_vmcoreinfo(ctx, d->k);
fail:
	kdf_release(d);
	return st;
}

/*
 * libkdumpfile 0.5.1 to 0.5.4 corrupt their page cache when a read fails
 * after the cache has filled (1,024 pages): a failed read (an excluded
 * page of a filtered kdump file, a page that does not decompress) discards
 * an entry whose data buffer came from the wrong partition, later re-reads
 * fail ("Decompresion failed") and a memmove writes through NULL.  Fixed
 * upstream by commit e63dab4 ("cache: Get data buffer before adjusting
 * ghost partition size", January 2024, first in 0.5.5); introduced by
 * 487a804 (0.5.1).  Only kdump-compressed files fail reads through that
 * cache (ELF's "Page not found" is decided before it), so with those
 * versions our own kdump reader serves them.
 */
#if KDUMPFILE_VERSION >= KDUMPFILE_MKVER(0, 5, 1) && \
	KDUMPFILE_VERSION < KDUMPFILE_MKVER(0, 5, 5)
#define KDF_CACHE_BUG 1
#else
#define KDF_CACHE_BUG 0
#endif

bool kdf_cache_bug(void)
{
	return KDF_CACHE_BUG;
}

/* Flattened files: read since 0.5.3 (ee81ef4 "diskdump: Support flattened
 * diskdump format"), their VMCOREINFO blob since 0.5.5 (edd1caf "Fix
 * reading blob attributes from a flattened format"). */
bool kdf_reads_flattened(void)
{
	return KDUMPFILE_VERSION >= KDUMPFILE_MKVER(0, 5, 5);
}
