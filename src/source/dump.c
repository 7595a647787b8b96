/*
 * dump.c - dump files as the memory source: format detection, the
 * libkdumpfile adapter, the architecture when the dump does not say it,
 * and the VMCOREINFO scan for dumps without the note.
 *
 * ELF and kdump-compressed files go through libkdumpfile.  Its physical
 * reads use KDUMP_MACHPHYSADDR: for a non-Xen dump that is the address in
 * the file (PT_LOAD p_paddr, the PFN of a kdump file), whereas
 * KDUMP_KPHYSADDR is mapped through libkdumpfile's address translation,
 * which 0.5.1 only sets up once it knows the OS and architecture ("Cannot
 * determine 5-level paging" for an x86_64 ELF dump, "No way to translate"
 * for QEMU's kdump files that lack the architecture).
 *
 * Our own reader (diskdump.c) takes the flattened format, and kdump files
 * libkdumpfile cannot open or would misread (QEMU's arm64 64 KiB blocks).
 */
#include "config.h"
#include "internal.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#define PUBLIC __attribute__((visibility("default")))

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif

struct elf_segs;

/* ---- libkdumpfile --------------------------------------------------- */

struct kdf {
	kdump_ctx_t *k;
	int fd;
	uint64_t phys_end;
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
		if (ks == KDUMP_ERR_NODATA)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
					       "physical 0x%" PRIx64
					       ": filtered out of the dump",
					       paddr);
		if (n == 0 || ks != KDUMP_OK)
			return vmmap_set_error(ctx, VMMAP_ERR_IO,
					       "%s: physical 0x%" PRIx64 ": %s",
					       d->path, paddr,
					       kdump_get_err(d->k));
	}
	return VMMAP_OK;
}

static const struct vmmap_mem_ops kdf_ops = {
	.read_phys = kdf_read_phys,
	.release = kdf_release,
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
static vmmap_status kdf_attach(struct vmmap_ctx *ctx, int fd, const char *path,
			       uint32_t block_size, struct dump_hints *h)
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
	/* The ELF program headers say where memory ends; libkdumpfile's
	 * max_pfn of an ELF file depends on a page size it may lack. */
	if (h->phys_end)
		d->phys_end = h->phys_end;
	else if (kdf_number(d->k, "max_pfn", &max_pfn) && page_size &&
		 max_pfn <= UINT64_MAX / page_size)
		d->phys_end = max_pfn * page_size;
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
	st = kdf_vmcoreinfo(ctx, d->k);
	if (st)
		return st;
	s = kdf_string(d->k, "arch.name");
	if (s && *s && !ctx->arch_hint)
		return vmmap_set_arch(ctx, s);
	return VMMAP_OK;
fail:
	kdf_release(d);
	return st;
}

static vmmap_status elf_check(struct vmmap_ctx *ctx, int fd, const char *path,
			      uint64_t fsize, struct dump_hints *h,
			      struct elf_segs *segs);

vmmap_status kdumpfile_open(struct vmmap_ctx *ctx, int fd, const char *path)
{
	struct dump_hints h;
	struct stat sb;
	uint8_t magic[SELFMAG];
	vmmap_status st;

	memset(&h, 0, sizeof(h));
	/* An ELF file's extent and machine come from its program headers. */
	if (fstat(fd, &sb) == 0 &&
	    pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    !memcmp(magic, ELFMAG, SELFMAG)) {
		st = elf_check(ctx, fd, path, (uint64_t)sb.st_size, &h, NULL);
		if (st)
			return st;
	}
	st = kdf_attach(ctx, fd, path, 0, &h);
	if (!st)
		st = dump_finish(ctx, &h);
	return st;
}

static bool kdf_phys_end(const struct vmmap_ctx *ctx, uint64_t *end_ret)
{
	const struct kdf *d = ctx->mem_data;

	if (ctx->mem_ops != &kdf_ops || !d->phys_end)
		return false;
	*end_ret = d->phys_end;
	return true;
}

/* ---- ELF checks --------------------------------------------------------- */

static uint16_t rd16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)rd16(p, true) << 16 | rd16(p + 2, true)
		  : (uint32_t)rd16(p + 2, false) << 16 | rd16(p, false);
}

static uint64_t rd64(const uint8_t *p, bool be)
{
	return be ? (uint64_t)rd32(p, true) << 32 | rd32(p + 4, true)
		  : (uint64_t)rd32(p + 4, false) << 32 | rd32(p, false);
}

static vmmap_status read_at(struct vmmap_ctx *ctx, int fd, const char *path,
			    void *buf, size_t len, uint64_t off,
			    const char *what)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vmmap_set_error(ctx, VMMAP_ERR_IO,
					       "%s: reading %s at offset 0x%"
					       PRIx64 ": %s", path, what, off,
					       strerror(errno));
		if (n == 0)
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					       "%s: %s at offset 0x%" PRIx64
					       " is beyond the end of the file "
					       "(truncated?)", path, what, off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return VMMAP_OK;
}

/* Most program headers we read: QEMU writes one per RAM block, plus notes;
 * with PN_XNUM the count can pass 65535. */
#define ELF_MAX_PHDRS (1u << 22)

/*
 * An ELF vmcore: a core file whose PT_LOAD data lies in the file.  A dump
 * cut short is told here, by segment, rather than as a read error later.
 */
struct elf_seg {
	uint64_t paddr, memsz, offset, filesz;
};

struct elf_segs {
	struct elf_seg *v;
	size_t n, cap;
};

static vmmap_status seg_add(struct vmmap_ctx *ctx, struct elf_segs *segs,
			    const struct elf_seg *sg)
{
	if (segs->n == segs->cap) {
		size_t cap = segs->cap ? 2 * segs->cap : 16;
		struct elf_seg *nv = realloc(segs->v, cap * sizeof(*nv));

		if (!nv)
			return set_nomem(ctx);
		segs->v = nv;
		segs->cap = cap;
	}
	segs->v[segs->n++] = *sg;
	return VMMAP_OK;
}

static vmmap_status elf_check(struct vmmap_ctx *ctx, int fd, const char *path,
			      uint64_t fsize, struct dump_hints *h,
			      struct elf_segs *segs)
{
	uint8_t eh[64], ph[64];
	bool be, is64;
	uint64_t phoff, shoff, i, phnum;
	unsigned phentsize, type;
	vmmap_status st;

	if (fsize < 52)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: ELF header truncated", path);
	st = read_at(ctx, fd, path, eh, fsize < sizeof(eh) ? 52 : sizeof(eh),
		     0, "ELF header");
	if (st)
		return st;
	if ((eh[EI_CLASS] != ELFCLASS32 && eh[EI_CLASS] != ELFCLASS64) ||
	    (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB))
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: ELF header at offset 0x4: bad "
				       "class %u or data encoding %u", path,
				       eh[EI_CLASS], eh[EI_DATA]);
	is64 = eh[EI_CLASS] == ELFCLASS64;
	be = eh[EI_DATA] == ELFDATA2MSB;
	if (is64 && fsize < 64)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: ELF header truncated", path);
	type = rd16(eh + 16, be);
	if (type != ET_CORE)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: not a kernel dump (ELF type %u, "
				       "not a core file)", path, type);
	h->elf_machine = rd16(eh + 18, be);
	h->ptr_bits = is64 ? 64 : 32;
	h->big_endian = be;
	phoff = is64 ? rd64(eh + 32, be) : rd32(eh + 28, be);
	shoff = is64 ? rd64(eh + 40, be) : rd32(eh + 32, be);
	h->elf_shdrs = shoff && rd16(eh + (is64 ? 60 : 48), be);
	/* libkdumpfile 0.5.1 crashes (NULL dereference) on an e_shoff past
	 * the end of the file: such a file is read by our reader only. */
	if (shoff) {
		uint64_t shnum = rd16(eh + (is64 ? 60 : 48), be);
		uint64_t shentsize = rd16(eh + (is64 ? 58 : 46), be);

		if (!shnum)	/* extended numbering: section header 0 */
			shnum = 1;
		h->elf_shdrs_bad = shoff > fsize ||
				   shentsize != (is64 ? 64u : 40u) ||
				   shnum * shentsize > fsize - shoff;
	}
	phentsize = rd16(eh + (is64 ? 54 : 42), be);
	phnum = rd16(eh + (is64 ? 56 : 44), be);
	if (phentsize != (is64 ? 56u : 32u))
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: ELF header: program header size "
				       "%u", path, phentsize);
	if (phnum == PN_XNUM) {
		/* The real count is in section header 0's sh_info. */
		uint8_t sh[64];

		st = read_at(ctx, fd, path, sh, is64 ? 64 : 40, shoff,
			     "ELF section header 0");
		if (st)
			return st;
		phnum = rd32(sh + (is64 ? 44 : 28), be);
	}
	if (phnum > ELF_MAX_PHDRS || phoff > fsize ||
	    phnum * phentsize > fsize - phoff)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: %" PRIu64 " ELF program headers at "
				       "offset 0x%" PRIx64 " do not fit the "
				       "file (0x%" PRIx64 " bytes)", path,
				       phnum, phoff, fsize);
	for (i = 0; i < phnum; i++) {
		uint64_t off, filesz, paddr, memsz;

		st = read_at(ctx, fd, path, ph, phentsize,
			     phoff + i * phentsize, "ELF program header");
		if (st)
			return st;
		if (rd32(ph, be) != PT_LOAD)
			continue;
		if (is64) {
			off = rd64(ph + 8, be);
			paddr = rd64(ph + 24, be);
			filesz = rd64(ph + 32, be);
			memsz = rd64(ph + 40, be);
		} else {
			off = rd32(ph + 4, be);
			paddr = rd32(ph + 12, be);
			filesz = rd32(ph + 16, be);
			memsz = rd32(ph + 20, be);
		}
		if (off > fsize || filesz > fsize - off)
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					       "%s: truncated: PT_LOAD %" PRIu64
					       " (physical 0x%" PRIx64
					       ") needs file offsets 0x%" PRIx64
					       "-0x%" PRIx64 ", the file has "
					       "0x%" PRIx64 " bytes", path, i,
					       paddr, off, off + filesz, fsize);
		if (paddr + memsz < paddr)
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					       "%s: PT_LOAD %" PRIu64 ": physical"
					       " 0x%" PRIx64 " size 0x%" PRIx64
					       " wraps around", path, i, paddr,
					       memsz);
		if (paddr + memsz > h->phys_end)
			h->phys_end = paddr + memsz;
		if (segs && memsz) {
			struct elf_seg sg = { paddr, memsz, off, filesz };

			st = seg_add(ctx, segs, &sg);
			if (st)
				return st;
		}
	}
	return VMMAP_OK;
}

/* ---- our own ELF reader ------------------------------------------------ */

/*
 * For the ELF files libkdumpfile 0.5.1 cannot open: QEMU's big-endian
 * (s390x) dumps have a section header whose sizes it does not byte-swap
 * ("Cannot allocate ELF string table (792633534417207296 bytes)").  A
 * vmcore's physical memory is just its PT_LOAD segments.
 */
struct elfdump {
	int fd;
	char *path;
	struct elf_segs segs;	/* sorted by paddr */
};

static void elfdump_release(void *data)
{
	struct elfdump *e = data;

	if (!e)
		return;
	if (e->fd >= 0)
		close(e->fd);
	free(e->segs.v);
	free(e->path);
	free(e);
}

/* The segment holding @paddr, or the index of the next one in *next_ret. */
static const struct elf_seg *seg_find(const struct elf_segs *segs,
				      uint64_t paddr, size_t *next_ret)
{
	size_t lo = 0, hi = segs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (segs->v[mid].paddr <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*next_ret = lo;
	if (lo && paddr - segs->v[lo - 1].paddr < segs->v[lo - 1].memsz)
		return &segs->v[lo - 1];
	return NULL;
}

static vmmap_status elfdump_read_phys(struct vmmap_ctx *ctx, void *data,
				      vmmap_addr_t paddr, void *buf, size_t len)
{
	struct elfdump *e = data;
	uint8_t *p = buf;

	while (len) {
		size_t next, n;
		const struct elf_seg *sg = seg_find(&e->segs, paddr, &next);
		uint64_t in;
		ssize_t got;

		if (!sg)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
					       "physical 0x%" PRIx64
					       " is not in the dump", paddr);
		in = paddr - sg->paddr;
		/* memsz beyond filesz: pages the dumper left out. */
		if (in >= sg->filesz)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
					       "physical 0x%" PRIx64
					       ": filtered out of the dump",
					       paddr);
		n = sg->filesz - in < len ? (size_t)(sg->filesz - in) : len;
		got = pread(e->fd, p, n, (off_t)(sg->offset + in));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return vmmap_set_error(ctx, VMMAP_ERR_IO,
					       "%s: physical 0x%" PRIx64
					       " at offset 0x%" PRIx64 ": %s",
					       e->path, paddr, sg->offset + in,
					       got < 0 ? strerror(errno)
						       : "end of file");
		p += got;
		paddr += (uint64_t)got;
		len -= (size_t)got;
	}
	return VMMAP_OK;
}

static const struct vmmap_mem_ops elfdump_ops = {
	.read_phys = elfdump_read_phys,
	.release = elfdump_release,
};

static int seg_cmp(const void *a, const void *b)
{
	const struct elf_seg *x = a, *y = b;

	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

static vmmap_status elfdump_open(struct vmmap_ctx *ctx, int fd,
				 const char *path, uint64_t fsize,
				 struct dump_hints *h)
{
	struct elfdump *e = calloc(1, sizeof(*e));
	vmmap_status st;

	if (!e)
		return set_nomem(ctx);
	e->fd = dup(fd);
	e->path = strdup(path);
	if (e->fd < 0 || !e->path) {
		st = e->fd < 0 ? vmmap_set_error(ctx, VMMAP_ERR_IO,
						 "%s: dup: %s", path,
						 strerror(errno))
			       : set_nomem(ctx);
		goto fail;
	}
	memset(h, 0, sizeof(*h));
	st = elf_check(ctx, fd, path, fsize, h, &e->segs);
	if (st)
		goto fail;
	if (!e->segs.n) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				     "%s: ELF core file without PT_LOAD "
				     "segments", path);
		goto fail;
	}
	qsort(e->segs.v, e->segs.n, sizeof(*e->segs.v), seg_cmp);
	st = vmmap_set_mem(ctx, &elfdump_ops, e);
	if (st)
		goto fail;
	return VMMAP_OK;
fail:
	elfdump_release(e);
	return st;
}

vmmap_status elf_open(struct vmmap_ctx *ctx, int fd, const char *path)
{
	struct dump_hints h;
	struct stat sb;
	vmmap_status st;

	if (fstat(fd, &sb) < 0)
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				       strerror(errno));
	st = elfdump_open(ctx, fd, path, (uint64_t)sb.st_size, &h);
	return st ? st : dump_finish(ctx, &h);
}

/* ---- the architecture when the dump does not say it ------------------- */

static const char *arch_from_elf(unsigned machine, unsigned ptr_bits)
{
	switch (machine) {
	case EM_X86_64:
		return "x86_64";
	case EM_AARCH64:
		return "aarch64";
	case EM_S390:
		return ptr_bits == 64 ? "s390x" : "s390";
	case EM_ARM:
		return "arm";
	case EM_386:
		return "i386";
	default:
		return NULL;
	}
}

static bool vmci_has(const struct vmmap_ctx *ctx, const char *key)
{
	return kv_get(&ctx->vmcoreinfo, key) != NULL;
}

/*
 * What each architecture's arch_crash_save_vmcoreinfo() adds (Linux 6.1):
 *  x86_64  arch/x86/kernel/machine_kexec_64.c: SYMBOL(init_top_pgt),
 *          NUMBER(pgtable_l5_enabled) (4.13+)
 *  arm64   arch/arm64/kernel/crash_core.c: NUMBER(VA_BITS),
 *          NUMBER(kimage_voffset), NUMBER(TCR_EL1_T1SZ) (5.13+)
 *  s390    arch/s390/kernel/machine_kexec.c: SYMBOL(lowcore_ptr),
 *          SAMODE31/EAMODE31 (5.13+); NUMBER(sdma) in older kernels
 *  arm     arch/arm/kernel/machine_kexec.c: CONFIG_ARM_LPAE=y, if LPAE
 * SYMBOL(swapper_pg_dir) is generic (kernel/crash_core.c), and x86_64
 * writes it too (a macro for init_top_pgt), so alone it tells nothing.
 */
static const char *arch_from_vmcoreinfo(const struct vmmap_ctx *ctx)
{
	if (vmci_has(ctx, "SYMBOL(init_top_pgt)") ||
	    vmci_has(ctx, "NUMBER(pgtable_l5_enabled)"))
		return "x86_64";
	if (vmci_has(ctx, "NUMBER(kimage_voffset)") ||
	    vmci_has(ctx, "NUMBER(TCR_EL1_T1SZ)") ||
	    (vmci_has(ctx, "SYMBOL(swapper_pg_dir)") &&
	     vmci_has(ctx, "NUMBER(VA_BITS)")))
		return "aarch64";
	if (vmci_has(ctx, "SYMBOL(lowcore_ptr)") ||
	    vmci_has(ctx, "NUMBER(sdma)") || vmci_has(ctx, "SAMODE31"))
		return "s390x";
	if (vmci_has(ctx, "CONFIG_ARM_LPAE"))
		return "arm";
	return NULL;
}

/* utsname.machine: the kernel's (uname -m), or QEMU's ELF_MACHINE_UNAME,
 * which is "x86_64", "i686", "S390X", and "Unknown" for arm (QEMU 7.2). */
static const char *arch_from_machine(const char *m)
{
	if (!strcmp(m, "x86_64") || !strcmp(m, "amd64"))
		return "x86_64";
	if (!strcmp(m, "aarch64") || !strcmp(m, "arm64"))
		return "aarch64";
	if (!strcasecmp(m, "s390x"))
		return "s390x";
	if (!strncmp(m, "arm", 3))
		return "arm";
	return NULL;
}

static vmmap_status apply_hints(struct vmmap_ctx *ctx,
			       const struct dump_hints *h)
{
	const char *arch = NULL;
	const char *release = h->release[0] ? h->release
			      : kv_get(&ctx->vmcoreinfo, "OSRELEASE");

	if (release && *release && !ctx->release_hint) {
		ctx->release_hint = strdup(release);
		if (!ctx->release_hint)
			return set_nomem(ctx);
	}
	if (ctx->arch_hint)
		return VMMAP_OK;
	if (h->elf_machine)
		arch = arch_from_elf(h->elf_machine, h->ptr_bits);
	if (!arch)
		arch = arch_from_vmcoreinfo(ctx);
	if (!arch && h->machine[0])
		arch = arch_from_machine(h->machine);
	/* Last resort for QEMU's "Unknown" kdump files: among the targets
	 * QEMU can dump, the little-endian ones without a machine name are
	 * arm (32-bit header) and aarch64 (64-bit header, 64 KiB blocks). */
	if (!arch && !strcmp(h->machine, "Unknown") && !h->big_endian) {
		if (h->ptr_bits == 32)
			arch = "arm";
		else if (h->ptr_bits == 64 && h->block_size == 65536)
			arch = "aarch64";
	}
	return arch ? vmmap_set_arch(ctx, arch) : VMMAP_OK;
}

/* ---- VMCOREINFO scan ------------------------------------------------------ */

#define VMCI_NAME	"VMCOREINFO"
#define VMCI_NAMESZ	11	/* with its NUL */
#define VMCI_DESC_OFF	24	/* Elf_Nhdr (12) + name padded to 4 (12) */
#define VMCI_MAX_DESC	65536
#define SCAN_PAGE	4096
#define SCAN_BUDGET	(UINT64_C(16) << 20)	/* pages */
#define SCAN_MAX_MISSES	(UINT64_C(1) << 20)	/* pages */
#define SCAN_DEFAULT_END (UINT64_C(4) << 30)

/* Is there a VMCOREINFO note header at @p (byte order @be)? */
static uint32_t note_at(const uint8_t *p, bool be)
{
	uint32_t descsz;

	if (rd32(p, be) != VMCI_NAMESZ || rd32(p + 8, be) != 0 ||
	    memcmp(p + 12, VMCI_NAME, VMCI_NAMESZ))
		return 0;
	descsz = rd32(p + 4, be);
	return descsz <= VMCI_MAX_DESC ? descsz : 0;
}

/* A note header at physical @addr with @descsz bytes: a valid VMCOREINFO
 * (it has OSRELEASE=)?  Then use it. */
static bool try_note(struct vmmap_ctx *ctx, uint64_t addr, uint32_t descsz)
{
	char *desc = malloc(descsz + 1);
	bool ok = false;

	if (!desc)
		return false;
	if (mem_read_phys(ctx, addr + VMCI_DESC_OFF, desc, descsz) == VMMAP_OK) {
		size_t len = strnlen(desc, descsz);

		desc[len] = '\0';
		if (strstr(desc, "OSRELEASE=") &&
		    vmmap_set_vmcoreinfo(ctx, desc, len) == VMMAP_OK)
			ok = true;
	}
	free(desc);
	return ok;
}

static bool scan_page(struct vmmap_ctx *ctx, const uint8_t *page,
		      uint64_t addr)
{
	size_t i;

	/* The note is 4-byte aligned; since Linux 4.13 it is page-aligned
	 * (alloc_pages_exact()), before that a static array. */
	for (i = 0; i + VMCI_DESC_OFF <= SCAN_PAGE; i += 4) {
		uint32_t descsz;

		if (page[i + 12] != 'V')
			continue;
		descsz = note_at(page + i, false);
		if (!descsz)
			descsz = note_at(page + i, true);
		if (descsz && try_note(ctx, addr + i, descsz))
			return true;
	}
	return false;
}

/* s390 keeps the note's physical address in its lowcore at 0xe0c
 * (arch/s390/include/asm/lowcore.h, "do not change"): try that first. */
static bool scan_s390_lowcore(struct vmmap_ctx *ctx)
{
	uint8_t buf[VMCI_DESC_OFF];
	uint64_t addr;
	uint32_t descsz;

	if (mem_read_phys(ctx, 0xe0c, buf, 8) != VMMAP_OK)
		return false;
	addr = rd64(buf, true);
	if (!addr || addr % 4 ||
	    mem_read_phys(ctx, addr, buf, sizeof(buf)) != VMMAP_OK)
		return false;
	descsz = note_at(buf, true);
	return descsz && try_note(ctx, addr, descsz);
}

/* For our ELF reader: the first address >= @addr whose bytes the file
 * holds (UINT64_MAX: none); @addr itself for other sources. */
static uint64_t elfdump_next_data(const struct vmmap_ctx *ctx, uint64_t addr)
{
	const struct elfdump *e = ctx->mem_data;
	const struct elf_seg *sg;
	uint64_t best = UINT64_MAX;

	if (ctx->mem_ops != &elfdump_ops)
		return addr;
	for (sg = e->segs.v; sg < e->segs.v + e->segs.n; sg++) {
		uint64_t held = sg->filesz < sg->memsz ? sg->filesz : sg->memsz;

		if (!held)
			continue;
		if (addr >= sg->paddr && addr - sg->paddr < held)
			return addr;
		if (sg->paddr > addr && sg->paddr < best)
			best = sg->paddr;
	}
	return best;
}

vmmap_status dump_find_vmcoreinfo_range(struct vmmap_ctx *ctx,
					uint64_t first, uint64_t end)
{
	/* Errors of the pages read on the way are not the caller's. */
	char *saved = ctx->errmsg;
	/* A bound on the work whatever the claimed size: 64 GiB of pages. */
	uint64_t budget = SCAN_BUDGET, misses = 0;
	uint8_t *page = malloc(SCAN_PAGE);
	uint64_t addr;
	bool found = false;

	if (!page)
		return set_nomem(ctx);
	ctx->errmsg = NULL;
	found = first == 0 && scan_s390_lowcore(ctx);
	for (addr = first & ~(uint64_t)(SCAN_PAGE - 1);
	     !found && addr < end && addr >= first - first % SCAN_PAGE &&
	     budget; addr += SCAN_PAGE) {
		uint64_t next = elfdump_next_data(ctx, addr);

		/* Skip what the file does not hold (holes, zero-filled
		 * p_memsz tails): no note is there. */
		if (next - addr >= SCAN_PAGE) {	/* not in this page */
			if (next >= end || next < addr)
				break;
			addr = (next & ~(uint64_t)(SCAN_PAGE - 1)) - SCAN_PAGE;
			continue;
		}
		budget--;
		if (mem_read_phys(ctx, addr, page, SCAN_PAGE) == VMMAP_OK) {
			found = scan_page(ctx, page, addr);
			misses = 0;
		} else if (++misses == SCAN_MAX_MISSES) {
			/* 4 GiB that the source does not hold, in a row: a
			 * size claimed but not there (the note sits in the
			 * kernel image, in RAM the dump has). */
			vmmap_clear_error(ctx);
			break;
		}
		vmmap_clear_error(ctx);
	}
	free(page);
	vmmap_clear_error(ctx);
	ctx->errmsg = saved;
	if (!found && !budget)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				       "no VMCOREINFO note in the first %" PRIu64
				       " GiB of physical memory read (from 0x%"
				       PRIx64 ")", (SCAN_BUDGET * SCAN_PAGE) >> 30,
				       first);
	if (!found)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				       "no VMCOREINFO note in physical memory "
				       "0x%" PRIx64 "-0x%" PRIx64, first, end);
	return VMMAP_OK;
}

static bool elfdump_phys_end(const struct vmmap_ctx *ctx, uint64_t *end_ret)
{
	const struct elfdump *e = ctx->mem_data;
	const struct elf_seg *last;

	if (ctx->mem_ops != &elfdump_ops)
		return false;
	/* Sorted by start; the last one need not end last. */
	*end_ret = 0;
	for (last = e->segs.v; last < e->segs.v + e->segs.n; last++)
		if (last->paddr + last->memsz > *end_ret)
			*end_ret = last->paddr + last->memsz;
	return true;
}

bool dump_phys_end(const struct vmmap_ctx *ctx, uint64_t *end_ret)
{
	return diskdump_phys_end(ctx, end_ret) || kdf_phys_end(ctx, end_ret) ||
	       elfdump_phys_end(ctx, end_ret);
}

vmmap_status dump_find_vmcoreinfo(struct vmmap_ctx *ctx)
{
	uint64_t end;

	if (!dump_phys_end(ctx, &end))
		end = SCAN_DEFAULT_END;
	return dump_find_vmcoreinfo_range(ctx, 0, end);
}

/* ---- opening -------------------------------------------------------- */

vmmap_status dump_finish(struct vmmap_ctx *ctx, const struct dump_hints *h)
{
	/* QEMU dumps of kernels without qemu_fw_cfg (Debian's s390x and
	 * armhf) have no VMCOREINFO note; the kernel's own copy is in
	 * memory.  Without it the front end may still give one. */
	if (!ctx->vmcoreinfo.n && dump_find_vmcoreinfo(ctx) != VMMAP_OK)
		vmmap_clear_error(ctx);
	return apply_hints(ctx, h);
}

enum dump_kind { KIND_UNKNOWN, KIND_ELF, KIND_KDUMP, KIND_FLAT };

static enum dump_kind detect(const uint8_t *magic, size_t n)
{
	if (n >= 4 && !memcmp(magic, ELFMAG, SELFMAG))
		return KIND_ELF;
	if (n >= 8 && !memcmp(magic, "KDUMP   ", 8))
		return KIND_KDUMP;
	if (n >= 13 && !memcmp(magic, "makedumpfile", 13))
		return KIND_FLAT;
	return KIND_UNKNOWN;
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

bool dump_kdf_cache_bug(void)
{
	return KDF_CACHE_BUG;
}

/* A kdump-compressed file: libkdumpfile if it reads it right, else ours. */
static vmmap_status open_kdump(struct vmmap_ctx *ctx, int fd, const char *path)
{
	struct dump_hints h;
	vmmap_status st;

	if (KDF_CACHE_BUG)
		return diskdump_open(ctx, fd, path);
	/* Our checks first: they name what is wrong with a bad file. */
	st = diskdump_probe(ctx, fd, path, &h);
	if (st)
		return st;
	st = kdf_attach(ctx, fd, path, h.block_size, &h);
	if (st == VMMAP_ERR_NOMEM)
		return st;
	if (st) {
		vmmap_clear_error(ctx);
		return diskdump_open(ctx, fd, path);
	}
	return dump_finish(ctx, &h);
}

static vmmap_status open_fd(struct vmmap_ctx *ctx, int fd, const char *path)
{
	struct dump_hints h;
	struct stat sb;
	uint8_t magic[16];
	ssize_t n;
	vmmap_status st;

	if (fstat(fd, &sb) < 0)
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				       strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: not a regular file", path);
	do
		n = pread(fd, magic, sizeof(magic), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				       strerror(errno));
	switch (detect(magic, (size_t)n)) {
	case KIND_ELF:
		memset(&h, 0, sizeof(h));
		st = elf_check(ctx, fd, path, (uint64_t)sb.st_size, &h, NULL);
		if (st)
			return st;
		/* libkdumpfile 0.5.1 does not byte-swap the section header
		 * of a big-endian file (QEMU's s390x dumps have one) and
		 * asks malloc() for exabytes: do not let it try. */
		if (h.big_endian && h.elf_shdrs)
			st = vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
					     "big-endian ELF with sections");
		else if (h.elf_shdrs_bad)
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					     "ELF section headers not in the "
					     "file");
		else
			st = kdf_attach(ctx, fd, path, 0, &h);
		if (st && st != VMMAP_ERR_NOMEM) {
			/* The file is sound (elf_check); libkdumpfile is not. */
			vmmap_clear_error(ctx);
			st = elfdump_open(ctx, fd, path, (uint64_t)sb.st_size,
					  &h);
		}
		if (!st)
			st = dump_finish(ctx, &h);
		return st;
	case KIND_KDUMP:
		return open_kdump(ctx, fd, path);
	case KIND_FLAT:
		return diskdump_open(ctx, fd, path);
	default:
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: not a kernel dump (unknown format)",
				       path);
	}
}

PUBLIC vmmap_status vmmap_open_dump(struct vmmap_ctx *ctx, const char *path)
{
	vmmap_status st;
	int fd;

	if (!path || !*path)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "no dump file given");
	/* /proc/kcore is the live kernel, not a dump file: its size is the
	 * address space's and its segments are virtual. */
	if (kcore_is_kcore(path))
		return kcore_open(ctx, path);
	/* Read-only, always: a dump is evidence. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vmmap_set_error(ctx, errno == ENOMEM ? VMMAP_ERR_NOMEM
							    : VMMAP_ERR_IO,
				       "%s: %s", path, strerror(errno));
	st = open_fd(ctx, fd, path);
	/* Every reader holds its own duplicate. */
	close(fd);
	return st;
}
