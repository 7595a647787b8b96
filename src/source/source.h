/*
 * source/source.h - the source room: dump files and the running kernel as
 * the context's memory source.  Not installed.
 *
 * A reader is one entry of the table in open.c, { name, probe, open }, as
 * libkdumpfile's formats[] are: probe() looks at the file's first bytes;
 * open() installs the memory source (vmmap_set_mem(), with its extent
 * through the phys_end/next_data hooks), gives the dump's own VMCOREINFO
 * to the context, fills in what the headers say (struct source_hints) and
 * returns.  Only open.c finishes an open: VMCOREINFO from memory when the
 * file had none, then the architecture (arch/registry.c) and the release.
 *
 * Every file is opened read-only; readers keep their own duplicate of the
 * descriptor.  libkdumpfile is called from kdumpfile.c only.
 */
#ifndef VMMAP_SOURCE_H
#define VMMAP_SOURCE_H

#include "arch/arch.h"

/* What a dump's own headers say about the machine it comes from. */
struct source_hints {
	char machine[66];	/* utsname.machine, "" if none */
	char release[66];	/* utsname.release, "" if none */
	unsigned elf_machine;	/* ELF e_machine, 0 if not ELF */
	unsigned ptr_bits;	/* 32 or 64, 0 if unknown */
	bool big_endian;
	uint32_t block_size;	/* kdump-compressed: the unit of its PFNs */
	bool extract;		/* vmmap's extract of a dump (extract.c) */
};

struct source_reader {
	const char *name;
	/* Is @head (the file's first @n bytes, n <= 16) this format? */
	bool (*probe)(const uint8_t *head, size_t n);
	/* Install the memory source from @fd (@size bytes), give the dump's
	 * VMCOREINFO, fill @h.  Errors name @path and where. */
	vmmap_status (*open)(struct vmmap_ctx *ctx, int fd, const char *path,
			     uint64_t size, struct source_hints *h);
};

extern const struct source_reader source_elf, source_kdump, source_flat;

/* ---- libkdumpfile (kdumpfile.c) ----------------------------------------- */

/* Physical memory a file holds: [start, end). */
struct phys_span {
	uint64_t start, end;
};

/* The first address >= @addr in the sorted, disjoint @v (UINT64_MAX:
 * none): a memory source's next_data. */
static inline uint64_t phys_span_next(const struct phys_span *v, size_t n,
				      uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {	/* the first span ending above @addr */
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n)
		return UINT64_MAX;
	return addr >= v[lo].start ? addr : v[lo].start;
}

/*
 * Install libkdumpfile's reading of @fd as the memory source.  @block_size:
 * the PFN unit of a kdump file (0 for ELF), refused (VMMAP_ERR_NOTSUP) when
 * libkdumpfile would read it in other units.  (ELF files are read by
 * elf.c; this route serves them only for tests that compare the two.)
 */
vmmap_status kdf_attach(struct vmmap_ctx *ctx, int fd, const char *path,
			uint32_t block_size, struct source_hints *h);
/* Does the libkdumpfile we are built with corrupt its page cache on a
 * failed read (0.5.1-0.5.4)?  Then kdump files bypass it. */
bool kdf_cache_bug(void);
/* Does it read makedumpfile's flattened format right (0.5.5+: 0.5.3 has
 * the format, the fix of its blob attributes came after 0.5.4)? */
bool kdf_reads_flattened(void);

/* ---- ELF vmcores (elf.c), vmmap's extracts (extract.c) ------------------ */

/* The note that makes an ELF core an extract of vmmap's: name, type. */
#define VMMAP_NOTE_NAME		"VMMAP"
#define VMMAP_NOTE_EXTRACT	1

/* Install our own reading of an ELF vmcore: its PT_LOAD segments. */
vmmap_status elf_attach(struct vmmap_ctx *ctx, int fd, const char *path,
			uint64_t size, struct source_hints *h);

/* ---- kdump-compressed and flattened files (diskdump.c) ------------------ */

/* Install our own reading of a kdump-compressed file, plain or flattened. */
vmmap_status diskdump_attach(struct vmmap_ctx *ctx, int fd, const char *path,
			     struct source_hints *h);
/* The header only: its hints and block size. */
vmmap_status diskdump_peek(struct vmmap_ctx *ctx, int fd, const char *path,
			   struct source_hints *h);

/* ---- the running kernel (kcore.c) --------------------------------------- */

/* /proc/kcore; @path NULL: the default.  kcore_is_kcore(): does @path name
 * a kcore, not a dump file? */
vmmap_status kcore_open(struct vmmap_ctx *ctx, const char *path);
bool kcore_is_kcore(const char *path);

/* ---- opening (open.c) --------------------------------------------------- */

/* The end of every open: VMCOREINFO from memory if there is none yet, then
 * the architecture and release from @h and VMCOREINFO, unless set. */
vmmap_status source_finish(struct vmmap_ctx *ctx, const struct source_hints *h);

/* One reader chosen by hand, for the tests that compare readers:
 * open and finish @path through it. */
enum source_route {
	SOURCE_AUTO,		/* vmmap_open_dump() */
	SOURCE_LIBKDUMPFILE,	/* libkdumpfile, whatever the file */
	SOURCE_OWN_KDUMP,	/* our kdump/flattened reader */
	SOURCE_OWN_ELF,		/* our ELF reader */
};
vmmap_status source_open_route(struct vmmap_ctx *ctx, const char *path,
			       enum source_route route);

#endif /* VMMAP_SOURCE_H */
