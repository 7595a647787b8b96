/*
 * elf.c - ELF vmcores: QEMU's dump-guest-memory, /proc/vmcore saved by
 * kdump, makedumpfile -E.  libkdumpfile reads them where it can; our own
 * reader, whose memory is the PT_LOAD segments, takes the files it cannot
 * (QEMU's big-endian s390x dumps, whose section header libkdumpfile 0.5.1
 * does not byte-swap, and files whose section headers lie outside them).
 * The checks here name what is wrong with a bad file, by segment.
 */
#include "config.h"
#include "source/source.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What the ELF headers say. */
struct elf_info {
	unsigned elf_machine, ptr_bits;
	bool big_endian;
	bool shdrs;		/* has section headers */
	bool shdrs_bad;		/* section headers not in the file */
	uint64_t phys_end;	/* end of the memory its segments hold */
};

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
			      uint64_t fsize, struct elf_info *h,
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
	h->shdrs = shoff && rd16(eh + (is64 ? 60 : 48), be);
	/* libkdumpfile 0.5.1 crashes (NULL dereference) on an e_shoff past
	 * the end of the file: such a file is read by our reader only. */
	if (shoff) {
		uint64_t shnum = rd16(eh + (is64 ? 60 : 48), be);
		uint64_t shentsize = rd16(eh + (is64 ? 58 : 46), be);

		if (!shnum)	/* extended numbering: section header 0 */
			shnum = 1;
		h->shdrs_bad = shoff > fsize ||
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

/* The first address >= @addr whose bytes the file holds (UINT64_MAX:
 * none). */
static vmmap_addr_t elfdump_next_data(void *data, vmmap_addr_t addr)
{
	const struct elfdump *e = data;
	const struct elf_seg *sg;
	uint64_t best = UINT64_MAX;
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

static bool elfdump_phys_end(void *data, vmmap_addr_t *end_ret)
{
	const struct elfdump *e = data;
	const struct elf_seg *last;
	/* Sorted by start; the last one need not end last. */
	*end_ret = 0;
	for (last = e->segs.v; last < e->segs.v + e->segs.n; last++)
		if (last->paddr + last->memsz > *end_ret)
			*end_ret = last->paddr + last->memsz;
	return true;
}

static const struct vmmap_mem_ops elfdump_ops = {
	.read_phys = elfdump_read_phys,
	.release = elfdump_release,
	.phys_end = elfdump_phys_end,
	.next_data = elfdump_next_data,
};

static int seg_cmp(const void *a, const void *b)
{
	const struct elf_seg *x = a, *y = b;

	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

static vmmap_status elfdump_open(struct vmmap_ctx *ctx, int fd,
				 const char *path, uint64_t fsize,
				 struct elf_info *h)
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

static void give_hints(const struct elf_info *info, struct source_hints *h)
{
	memset(h, 0, sizeof(*h));
	h->elf_machine = info->elf_machine;
	h->ptr_bits = info->ptr_bits;
	h->big_endian = info->big_endian;
}

vmmap_status elf_attach(struct vmmap_ctx *ctx, int fd, const char *path,
			uint64_t size, struct source_hints *h)
{
	struct elf_info info;
	vmmap_status st;

	memset(&info, 0, sizeof(info));
	st = elfdump_open(ctx, fd, path, size, &info);
	if (!st)
		give_hints(&info, h);
	return st;
}

static bool elf_probe(const uint8_t *head, size_t n)
{
	return n >= SELFMAG && !memcmp(head, ELFMAG, SELFMAG);
}

static vmmap_status elf_reader_open(struct vmmap_ctx *ctx, int fd,
				    const char *path, uint64_t size,
				    struct source_hints *h)
{
	struct elf_info info;
	vmmap_status st;

	memset(&info, 0, sizeof(info));
	st = elf_check(ctx, fd, path, size, &info, NULL);
	if (st)
		return st;
	give_hints(&info, h);
	/* libkdumpfile 0.5.1 does not byte-swap the section header of a
	 * big-endian file (QEMU's s390x dumps have one) and asks malloc()
	 * for exabytes; it crashes (NULL dereference) on an e_shoff past the
	 * end of the file: do not let it try. */
	if (info.big_endian && info.shdrs)
		st = vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
				     "big-endian ELF with sections");
	else if (info.shdrs_bad)
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				     "ELF section headers not in the file");
	else
		st = kdf_attach(ctx, fd, path, 0, info.phys_end, h);
	if (st && st != VMMAP_ERR_NOMEM) {
		/* The file is sound (elf_check); libkdumpfile is not. */
		vmmap_clear_error(ctx);
		st = elf_attach(ctx, fd, path, size, h);
	}
	return st;
}

const struct source_reader source_elf = {
	.name = "ELF",
	.probe = elf_probe,
	.open = elf_reader_open,
};
