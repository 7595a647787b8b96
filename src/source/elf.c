/*
 * elf.c - ELF vmcores: QEMU's dump-guest-memory, /proc/vmcore saved by
 * kdump, makedumpfile -E.  libkdumpfile reads them where it can; our own
 * reader, whose memory is the PT_LOAD segments, takes the files it cannot
 * (QEMU's big-endian s390x dumps, whose section header libkdumpfile 0.5.1
 * does not byte-swap, and files whose section headers lie outside them).
 * The headers are read with libelf; the checks here name what is wrong
 * with a bad file, by segment.
 */
#include "config.h"
#include "source/source.h"

#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <libelf.h>
#include <unistd.h>

/* What the ELF headers say. */
struct elf_info {
	unsigned elf_machine, ptr_bits;
	bool big_endian;
	uint64_t phys_end;	/* end of the memory its segments hold */
	/* Notes we read ourselves (NUL-terminated copies, NULL if none): the
	 * kernel's VMCOREINFO, and vmmap's own note of an extract. */
	char *vmcoreinfo, *vmmap_note;
	size_t vmcoreinfo_len, vmmap_note_len;
};

static void info_free(struct elf_info *info)
{
	free(info->vmcoreinfo);
	free(info->vmmap_note);
	info->vmcoreinfo = info->vmmap_note = NULL;
}

/* Notes larger than this are not ours to read (QEMU's, the kernel's
 * VMCOREINFO and vmmap's are a few KiB). */
#define ELF_MAX_NOTES (UINT64_C(16) << 20)

static char *copy_desc(const char *desc, size_t size, size_t *len_ret)
{
	char *c = malloc(size + 1);

	if (c) {
		memcpy(c, desc, size);
		c[size] = '\0';
		*len_ret = strlen(c);
	}
	return c;
}

/* The notes of one PT_NOTE segment; malformed notes end the segment (the
 * checks of libelf's gelf_getnote()). */
static vmmap_status read_notes(struct vmmap_ctx *ctx, Elf *elf,
			       const GElf_Phdr *ph, struct elf_info *h)
{
	Elf_Data *d;
	GElf_Nhdr nh;
	size_t off = 0, name_off, desc_off;

	if (!ph->p_filesz || ph->p_filesz > ELF_MAX_NOTES)
		return VMMAP_OK;
	d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset, ph->p_filesz,
				 ELF_T_NHDR);
	if (!d)
		return VMMAP_OK;
	while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)d->d_buf + name_off;
		const char *desc = (const char *)d->d_buf + desc_off;
		char **dst = NULL;
		size_t *len = NULL;

		if (nh.n_namesz == sizeof("VMCOREINFO") &&
		    !memcmp(name, "VMCOREINFO", sizeof("VMCOREINFO")))
			dst = &h->vmcoreinfo, len = &h->vmcoreinfo_len;
		else if (nh.n_namesz == sizeof(VMMAP_NOTE_NAME) &&
			 !memcmp(name, VMMAP_NOTE_NAME,
				 sizeof(VMMAP_NOTE_NAME)) &&
			 nh.n_type == VMMAP_NOTE_EXTRACT)
			dst = &h->vmmap_note, len = &h->vmmap_note_len;
		if (!dst || *dst)
			continue;
		*dst = copy_desc(desc, nh.n_descsz, len);
		if (!*dst)
			return set_nomem(ctx);
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

/* libelf's last error, or what it did not say. */
static const char *elf_why(const char *otherwise)
{
	int e = elf_errno();	/* elf_errmsg(-1) says "no error" for none */

	return e ? elf_errmsg(e) : otherwise;
}

/* libelf's reading of the headers: byte order, class and extended
 * numbering (PN_XNUM) are its business.  ELF_C_READ reads what is asked
 * for with pread(), never the whole file (QEMU's dumps are the guest's RAM)
 * and never through mmap(2), where a file cut short would be a SIGBUS. */
static vmmap_status elf_check(struct vmmap_ctx *ctx, int fd, const char *path,
			      uint64_t fsize, struct elf_info *h,
			      struct elf_segs *segs, bool notes)
{
	GElf_Ehdr eh;
	Elf *elf;
	size_t i, phnum;
	uint64_t phsize;
	vmmap_status st = VMMAP_OK;

	{
		/* the header's size by its class: 52 bytes (ELF32), 64 */
		unsigned char cls = 0;
		uint64_t need = 52;

		if (pread(fd, &cls, 1, EI_CLASS) == 1 && cls == ELFCLASS64)
			need = 64;
		if (fsize < need)
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				"%s: ELF header truncated (%" PRIu64 " bytes "
				"of %" PRIu64 ")", path, fsize, need);
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: ELF header: %s",
				     path, elf_why("bad class or data "
						   "encoding"));
		goto out;
	}
	if (eh.e_type != ET_CORE) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				     "%s: not a kernel dump (ELF type %u, "
				     "not a core file)", path, eh.e_type);
		goto out;
	}
	h->elf_machine = eh.e_machine;
	h->ptr_bits = gelf_getclass(elf) == ELFCLASS64 ? 64 : 32;
	h->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	if (eh.e_phentsize != gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT)) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				     "%s: ELF header: program header size %u",
				     path, eh.e_phentsize);
		goto out;
	}
	if (elf_getphdrnum(elf, &phnum) < 0) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				     "%s: ELF program header count: %s", path,
				     elf_why("unreadable"));
		goto out;
	}
	phsize = (uint64_t)phnum * eh.e_phentsize;
	if (phnum > ELF_MAX_PHDRS || eh.e_phoff > fsize ||
	    phsize > fsize - eh.e_phoff) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				     "%s: %zu ELF program headers at offset "
				     "0x%" PRIx64 " do not fit the file (0x%"
				     PRIx64 " bytes)", path, phnum,
				     (uint64_t)eh.e_phoff, fsize);
		goto out;
	}
	for (i = 0; i < phnum && !st; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph)) {
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					     "%s: ELF program header %zu: %s",
					     path, i, elf_why("unreadable"));
			break;
		}
		if (ph.p_type == PT_NOTE && notes) {
			st = read_notes(ctx, elf, &ph, h);
			continue;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset > fsize || ph.p_filesz > fsize - ph.p_offset) {
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					     "%s: truncated: PT_LOAD %zu "
					     "(physical 0x%" PRIx64 ") needs "
					     "file offsets 0x%" PRIx64 "-0x%"
					     PRIx64 ", the file has 0x%" PRIx64
					     " bytes", path, i,
					     (uint64_t)ph.p_paddr,
					     (uint64_t)ph.p_offset,
					     (uint64_t)(ph.p_offset + ph.p_filesz),
					     fsize);
			break;
		}
		if (ph.p_paddr + ph.p_memsz < ph.p_paddr) {
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					     "%s: PT_LOAD %zu: physical 0x%"
					     PRIx64 " size 0x%" PRIx64
					     " wraps around", path, i,
					     (uint64_t)ph.p_paddr,
					     (uint64_t)ph.p_memsz);
			break;
		}
		if (ph.p_paddr + ph.p_memsz > h->phys_end)
			h->phys_end = ph.p_paddr + ph.p_memsz;
		if (segs && ph.p_memsz) {
			struct elf_seg sg = { ph.p_paddr, ph.p_memsz,
					      ph.p_offset, ph.p_filesz };

			st = seg_add(ctx, segs, &sg);
		}
	}
out:
	if (elf)
		elf_end(elf);
	return st;
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
	struct phys_span *held;	/* what they hold (next_data) */
	size_t nheld;
	uint64_t phys_end;	/* an extract's (of its dump), else 0 */
	/* The file block last read (ELF_BLOCK bytes, aligned, within one
	 * segment): page tables allocated together (the direct map's, at
	 * boot) are neighbours in the file, and one pread(2) serves them
	 * all.  Reads that miss every block go direct (cold). */
	uint8_t *blk;
	uint64_t blk_off;
	size_t blk_len;
	unsigned blk_hits, cold, bypass;
};

#define ELF_BLOCK ((size_t)64 << 10)

static void elfdump_release(void *data)
{
	struct elfdump *e = data;

	if (!e)
		return;
	if (e->fd >= 0)
		close(e->fd);
	free(e->segs.v);
	free(e->held);
	free(e->blk);
	free(e->path);
	free(e);
}

/*
 * Read @n bytes of @sg at file offset @off (within the segment's file
 * bytes) through the block: a hit is a copy; a miss reads the aligned
 * block around it (clipped to the segment), unless recent blocks went
 * unused (scattered reads: then ELF_BLOCK / 4 KiB times the bytes for
 * nothing), when it reads just @n for a while.  Returns pread(2)'s
 * answer for @n bytes.
 */
static ssize_t block_read(struct elfdump *e, const struct elf_seg *sg,
			  uint64_t off, uint8_t *p, size_t n)
{
	uint64_t lo, hi;
	ssize_t got;

	if (e->blk_len && off >= e->blk_off &&
	    off - e->blk_off + n <= e->blk_len) {
		memcpy(p, e->blk + (off - e->blk_off), n);
		e->blk_hits++;
		return (ssize_t)n;
	}
	if (n > ELF_BLOCK / 4 || e->bypass) {
		if (e->bypass)
			e->bypass--;
		return pread(e->fd, p, n, (off_t)off);
	}
	if (e->blk_len) {	/* the block it replaces: of any use? */
		e->cold = e->blk_hits ? 0 : e->cold + 1;
		if (e->cold >= 4) {
			e->cold = 0;
			e->bypass = 256;
		}
	}
	if (!e->blk && !(e->blk = malloc(ELF_BLOCK)))
		return pread(e->fd, p, n, (off_t)off);
	lo = off & ~(uint64_t)(ELF_BLOCK - 1);
	if (lo < sg->offset)
		lo = sg->offset;
	hi = lo + ELF_BLOCK;
	if (hi > sg->offset + sg->filesz)
		hi = sg->offset + sg->filesz;
	e->blk_len = 0;
	e->blk_hits = 0;
	if (off + n > hi)	/* across the block's end */
		return pread(e->fd, p, n, (off_t)off);
	got = pread(e->fd, e->blk, (size_t)(hi - lo), (off_t)lo);
	if (got < 0 || (uint64_t)got < off + n - lo)
		return pread(e->fd, p, n, (off_t)off);
	e->blk_off = lo;
	e->blk_len = (size_t)got;
	memcpy(p, e->blk + (off - lo), n);
	return (ssize_t)n;
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

		if (!sg && e->phys_end && paddr < e->phys_end)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
				"physical 0x%" PRIx64 " is not in this extract "
				"(it holds what the vmmap that made it read: "
				"extract the dump again)", paddr);
		if (!sg && next >= e->segs.n && e->segs.n)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
				"physical 0x%" PRIx64 " is beyond the dump's "
				"memory (which ends at 0x%" PRIx64 ")", paddr,
				e->segs.v[e->segs.n - 1].paddr +
				e->segs.v[e->segs.n - 1].memsz);
		if (!sg)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
					       "physical 0x%" PRIx64
					       " is not in the dump (no ELF "
					       "segment holds it)", paddr);
		in = paddr - sg->paddr;
		/* memsz beyond filesz: pages the dumper left out. */
		if (in >= sg->filesz)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
					       "physical 0x%" PRIx64
					       ": filtered out of the dump",
					       paddr);
		n = sg->filesz - in < len ? (size_t)(sg->filesz - in) : len;
		got = block_read(e, sg, sg->offset + in, p, n);
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

	return phys_span_next(e->held, e->nheld, addr);
}

static bool elfdump_phys_end(void *data, vmmap_addr_t *end_ret)
{
	const struct elfdump *e = data;
	const struct elf_seg *last;

	if (e->phys_end) {	/* an extract: its dump's */
		*end_ret = e->phys_end;
		return true;
	}
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

/* The memory sorted @segs hold (filesz of each PT_LOAD), merged into
 * disjoint spans for phys_span_next(). */
static vmmap_status segs_held(struct vmmap_ctx *ctx,
			      const struct elf_segs *segs,
			      struct phys_span **ret, size_t *n_ret)
{
	struct phys_span *held = malloc((segs->n ? segs->n : 1) *
					sizeof(*held));
	size_t n = 0, i;

	if (!held)
		return set_nomem(ctx);
	for (i = 0; i < segs->n; i++) {
		const struct elf_seg *sg = &segs->v[i];
		uint64_t len = sg->filesz < sg->memsz ? sg->filesz : sg->memsz;

		if (!len)
			continue;
		if (n && sg->paddr <= held[n - 1].end) {
			if (sg->paddr + len > held[n - 1].end)
				held[n - 1].end = sg->paddr + len;
			continue;
		}
		held[n].start = sg->paddr;
		held[n++].end = sg->paddr + len;
	}
	*ret = held;
	*n_ret = n;
	return VMMAP_OK;
}

static vmmap_status elfdump_open(struct vmmap_ctx *ctx, int fd,
				 const char *path, uint64_t fsize,
				 struct elf_info *h, struct elfdump **e_ret)
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
	st = elf_check(ctx, fd, path, fsize, h, &e->segs, true);
	if (st)
		goto fail;
	if (!e->segs.n) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				     "%s: an ELF core file without PT_LOAD "
				     "segments: it holds no memory", path);
		goto fail;
	}
	qsort(e->segs.v, e->segs.n, sizeof(*e->segs.v), seg_cmp);
	st = segs_held(ctx, &e->segs, &e->held, &e->nheld);
	if (st)
		goto fail;
	st = vmmap_set_mem(ctx, &elfdump_ops, e);
	if (st)
		goto fail;
	*e_ret = e;
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

/* A "0x..." value of the extract note. */
static bool note_hex(const char *s, uint64_t *ret)
{
	char *end;

	if (strncmp(s, "0x", 2))
		return false;
	errno = 0;
	*ret = strtoull(s + 2, &end, 16);
	return !errno && end != s + 2 && !*end;
}

/*
 * vmmap's note of an extract (source/extract.c): "key=value" lines.  What
 * the dump's session knew besides memory and VMCOREINFO: the memory's end,
 * the architecture and release, registers and symbols given.  Lines this
 * version does not know are skipped.
 */
static vmmap_status apply_extract(struct vmmap_ctx *ctx, struct elfdump *e,
				  char *note, struct source_hints *h)
{
	char *line, *save = NULL;
	vmmap_status st = VMMAP_OK;

	h->extract = true;
	for (line = strtok_r(note, "\n", &save); line && !st;
	     line = strtok_r(NULL, "\n", &save)) {
		char *val = strchr(line, '=');
		uint64_t v;

		if (!val)
			continue;
		*val++ = '\0';
		if (!strcmp(line, "phys_end") && note_hex(val, &v))
			e->phys_end = v;
		else if (!strcmp(line, "arch"))
			snprintf(h->machine, sizeof(h->machine), "%s", val);
		else if (!strcmp(line, "release"))
			snprintf(h->release, sizeof(h->release), "%s", val);
		else if (!strncmp(line, "reg.", 4) && note_hex(val, &v))
			st = vmmap_set_reg(ctx, line + 4, v);
		else if (!strncmp(line, "symbol.", 7) && note_hex(val, &v))
			st = vmmap_set_symbol(ctx, line + 7, v);
		else if (!strncmp(line, "value.", 6) && note_hex(val, &v))
			st = vmmap_set_value(ctx, line + 6, v);
	}
	return st;
}

vmmap_status elf_attach(struct vmmap_ctx *ctx, int fd, const char *path,
			uint64_t size, struct source_hints *h)
{
	struct elf_info info;
	struct elfdump *e = NULL;
	vmmap_status st;

	memset(&info, 0, sizeof(info));
	st = elfdump_open(ctx, fd, path, size, &info, &e);
	if (st)
		goto out;
	/* e belongs to the context now. */
	give_hints(&info, h);
	if (info.vmcoreinfo) {
		st = vmmap_set_vmcoreinfo(ctx, info.vmcoreinfo,
					  info.vmcoreinfo_len);
		/* A note without KEY=value lines is as good as none: the
		 * scan of memory may still find the kernel's own. */
		if (st && st != VMMAP_ERR_NOMEM) {
			vmmap_clear_error(ctx);
			st = VMMAP_OK;
		}
	}
	if (!st && info.vmmap_note)
		st = apply_extract(ctx, e, info.vmmap_note, h);
out:
	info_free(&info);
	return st;
}

static bool elf_probe(const uint8_t *head, size_t n)
{
	return n >= SELFMAG && !memcmp(head, ELFMAG, SELFMAG);
}

/*
 * An ELF vmcore is its PT_LOAD segments: libelf reads the headers and the
 * notes, pread(2) the memory.  Not libkdumpfile: 0.5.1 spends ~16 us in
 * its cache per page read of an ELF file (bench/big: 8.7 s of reads for the
 * 525,315 page tables of a 1 TiB machine, 20x the pread floor of 0.4 s),
 * and crashes or mis-sizes on section headers our reader never needs (a
 * big-endian file's, an e_shoff past the end).  tests/dump/readcmp.sh
 * checks that both read every page of the corpus's ELF dumps alike, but
 * the page below each PT_LOAD, which libkdumpfile 0.5.1 "reads".
 */
const struct source_reader source_elf = {
	.name = "ELF",
	.probe = elf_probe,
	.open = elf_attach,
};
