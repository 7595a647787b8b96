/*
 * mkbig - a dump file of a machine of terabytes, for the benchmarks: the
 * kernel page tables of an x86_64 or arm64 machine of GIB GiB whose direct
 * (linear) map is in 4 KiB pages (what rodata=full, KFENCE or
 * DEBUG_PAGEALLOC give), its attributes changing every 2 MiB, and nothing
 * else: every other page filtered out, as makedumpfile -d 31 leaves a dump
 * with only the page tables read.
 *
 * usage: mkbig [--arch x86_64|aarch64] [--comp zlib|lzo|snappy|zstd|none]
 *              [--elf] GIB OUT
 * A kdump-compressed file (makedumpfile's format, header version 6, pages
 * compressed as makedumpfile does: compress2 level 1, lzo1x_1, snappy,
 * ZSTD level 1) or, with --elf, an ELF core file with one PT_LOAD per run
 * of dumped pages (makedumpfile -E).  The VMCOREINFO is the kernel's
 * minimum for the architecture.
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#ifdef HAVE_LZO
#include <lzo/lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#define PAGE 4096u
#define MB (UINT64_C(1) << 20)
#define GB (UINT64_C(1) << 30)

static uint64_t gib;
static bool arm;

/* ---- the tables ---- */

/* x86_64: the root at 0x1000, a pud per 512 GiB from 0x2000, a pmd per
 * GiB from 1 MiB, a pte table per 2 MiB from 1 GiB; RAM from 0. */
#define X_ROOT UINT64_C(0x1000)
#define X_PUD UINT64_C(0x2000)
#define X_PMDS UINT64_C(0x100000)
#define X_PTES GB
/* arm64 (48-bit VA, 4K): RAM from 1 GiB (PHYS_OFFSET); swapper_pg_dir at
 * 0x41200000 as kimage_voffset puts it; the kernel image's 2M block at
 * 0xffff800008000000; level 1 tables of the linear map from 0x41300000,
 * level 2 per GiB from 0x41400000, level 3 per 2 MiB from 2 GiB. */
#define A_PHYS UINT64_C(0x40000000)
#define A_ROOT UINT64_C(0x41200000)
#define A_KL1 UINT64_C(0x41201000)
#define A_KL2 UINT64_C(0x41202000)
#define A_L1 UINT64_C(0x41300000)
#define A_L2 UINT64_C(0x41400000)
#define A_L3 (2 * GB)

static uint64_t x86_entry(uint64_t t, unsigned i)
{
	const uint64_t tbl = 0x63;	/* P RW A D */

	if (t == X_ROOT)	/* 0xffff888000000000: a pud per 512 GiB */
		return i >= 273 && (uint64_t)(i - 273) * 512 < gib
		       ? (X_PUD + (i - 273) * PAGE) | tbl : 0;
	if (t >= X_PUD && t < X_PUD + 8 * PAGE) {
		uint64_t g = (t - X_PUD) / PAGE * 512 + i;

		return g < gib ? (X_PMDS + g * PAGE) | tbl : 0;
	}
	if (t >= X_PMDS && t < X_PTES) {
		uint64_t g = (t - X_PMDS) / PAGE;

		return (X_PTES + (g * 512 + i) * PAGE) | tbl;
	}
	{
		uint64_t k = (t - X_PTES) / PAGE;	/* which 2 MiB */
		uint64_t pa = (k << 21) | ((uint64_t)i << 12);

		return pa | 0x63 | (k & 1 ? 0x100 : 0) | (UINT64_C(1) << 63);
	}
}

static uint64_t a64_entry(uint64_t t, unsigned i)
{
	const uint64_t table = 3;

	if (t == A_ROOT) {
		if (i < 8 && (uint64_t)i * 512 < gib)	/* linear map */
			return (A_L1 + i * PAGE) | table;
		return i == 256 ? A_KL1 | table : 0;	/* kernel image */
	}
	if (t == A_KL1)
		return i == 0 ? A_KL2 | table : 0;
	if (t == A_KL2)	/* 2M ro text block, UXN, at 0xffff800008000000 */
		return i == 64 ? UINT64_C(0x0040000040200781) : 0;
	if (t >= A_L1 && t < A_L1 + 8 * PAGE) {
		uint64_t g = (t - A_L1) / PAGE * 512 + i;

		return g < gib ? (A_L2 + g * PAGE) | table : 0;
	}
	if (t >= A_L2 && t < A_L3) {
		uint64_t g = (t - A_L2) / PAGE;

		return (A_L3 + (g * 512 + i) * PAGE) | table;
	}
	{
		uint64_t k = (t - A_L3) / PAGE;
		uint64_t pa = A_PHYS + ((k << 21) | ((uint64_t)i << 12));

		/* RW PXN UXN AF SH, nG on every other 2 MiB */
		return pa | UINT64_C(0x0060000000000703) |
		       (k & 1 ? 0x800 : 0);
	}
}

/* The runs of pages in the dump: [start, end) physical. */
struct run {
	uint64_t start, end;
};

static size_t runs(struct run *r)
{
	size_t n = 0;

	if (!arm) {
		r[n++] = (struct run){ X_ROOT, X_PUD + 8 * PAGE };
		r[n++] = (struct run){ X_PMDS, X_PMDS + gib * PAGE };
		r[n++] = (struct run){ X_PTES, X_PTES + gib * 512 * PAGE };
	} else {
		r[n++] = (struct run){ A_ROOT, A_KL2 + PAGE };
		r[n++] = (struct run){ A_L1, A_L1 + 8 * PAGE };
		r[n++] = (struct run){ A_L2, A_L2 + gib * PAGE };
		r[n++] = (struct run){ A_L3, A_L3 + gib * 512 * PAGE };
	}
	return n;
}

static void page_at(uint64_t pa, uint8_t *buf)
{
	unsigned i;

	for (i = 0; i < 512; i++) {
		uint64_t e = arm ? a64_entry(pa, i) : x86_entry(pa, i);

		for (int b = 0; b < 8; b++)
			buf[i * 8 + b] = (uint8_t)(e >> (8 * b));
	}
}

static uint64_t ram_end(void)
{
	return arm ? A_PHYS + gib * GB : gib * GB;
}

static const char *vmcoreinfo(void)
{
	return arm
	       ? "OSRELEASE=6.1.0-bench\nPAGESIZE=4096\n"
		 "NUMBER(VA_BITS)=48\nNUMBER(TCR_EL1_T1SZ)=0x10\n"
		 "NUMBER(kimage_voffset)=0xffff7fffc7e00000\n"
		 "NUMBER(PHYS_OFFSET)=0x40000000\nKERNELOFFSET=0\n"
		 "SYMBOL(swapper_pg_dir)=ffff800009000000\n"
	       : "OSRELEASE=6.1.0-bench\nPAGESIZE=4096\n"
		 "SYMBOL(init_top_pgt)=ffffffff80001000\nNUMBER(phys_base)=0\n"
		 "NUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=0\n";
}

/* ---- writing ---- */

static void die(const char *m)
{
	fprintf(stderr, "mkbig: %s\n", m);
	exit(1);
}

static void pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n <= 0)
			die("write failed");
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
}

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

enum { C_NONE, C_ZLIB, C_LZO, C_SNAPPY, C_ZSTD };
static const uint32_t comp_flag[] = { 0, 0x1, 0x2, 0x4, 0x20 };

static size_t compress_page(int comp, const uint8_t *in, uint8_t *out,
			    size_t cap)
{
	switch (comp) {
	case C_ZLIB: {
		uLongf n = cap;

		return compress2(out, &n, in, PAGE, 1) == Z_OK ? n : 0;
	}
#ifdef HAVE_LZO
	case C_LZO: {
		static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
		lzo_uint n = cap;

		return lzo1x_1_compress(in, PAGE, out, &n, wrk) == LZO_E_OK
		       ? n : 0;
	}
#endif
#ifdef HAVE_SNAPPY
	case C_SNAPPY: {
		size_t n = cap;

		return snappy_compress((const char *)in, PAGE, (char *)out,
				       &n) == SNAPPY_OK ? n : 0;
	}
#endif
#ifdef HAVE_ZSTD
	case C_ZSTD: {
		size_t n = ZSTD_compress(out, cap, in, PAGE, 1);

		return ZSTD_isError(n) ? 0 : n;
	}
#endif
	default:
		return 0;
	}
}

static void write_kdump(int fd, int comp)
{
	struct run r[8];
	size_t nr = runs(r), k;
	uint64_t max_mapnr = ram_end() / PAGE, bm_bytes, bm_blocks, desc_off,
		 data_off, ndumped = 0, pa, d = 0;
	const char *vmci = vmcoreinfo();
	uint8_t hdr[PAGE], sub[PAGE], page[PAGE], cpage[2 * PAGE + 1024];
	uint8_t *bitmap;

	bm_bytes = (max_mapnr + 7) / 8;
	bm_blocks = 2 * ((bm_bytes + PAGE - 1) / PAGE);
	for (k = 0; k < nr; k++)
		ndumped += (r[k].end - r[k].start) / PAGE;
	desc_off = (2 + bm_blocks) * PAGE;
	data_off = desc_off + ndumped * 24;

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "KDUMP   ", 8);
	put(hdr + 8, 6, 4);			/* header_version */
	/* new_utsname: sysname, nodename, release, version, machine */
	strcpy((char *)hdr + 12, "Linux");
	strcpy((char *)hdr + 12 + 65, "bench");
	strcpy((char *)hdr + 12 + 2 * 65, "6.1.0-bench");
	strcpy((char *)hdr + 12 + 3 * 65, "#1");
	strcpy((char *)hdr + 12 + 4 * 65, arm ? "aarch64" : "x86_64");
	put(hdr + 428, PAGE, 4);		/* block_size */
	put(hdr + 432, 1, 4);			/* sub_hdr_size */
	put(hdr + 436, bm_blocks, 4);		/* bitmap_blocks */
	put(hdr + 440, max_mapnr > UINT32_MAX ? UINT32_MAX : max_mapnr, 4);
	put(hdr + 444, 1, 4);			/* total_ram_blocks */
	put(hdr + 448, 1, 4);			/* device_blocks */
	put(hdr + 452, 1, 4);			/* written_blocks */
	put(hdr + 456, 0, 4);			/* current_cpu */
	put(hdr + 460, 1, 4);			/* nr_cpus */
	pwrite_all(fd, hdr, PAGE, 0);

	memset(sub, 0, sizeof(sub));
	put(sub + 0, 0, 8);			/* phys_base */
	put(sub + 8, 31, 4);			/* dump_level */
	put(sub + 32, PAGE + 200, 8);		/* offset_vmcoreinfo */
	put(sub + 40, strlen(vmci), 8);		/* size_vmcoreinfo */
	put(sub + 96, max_mapnr, 8);		/* max_mapnr_64 */
	memcpy(sub + 200, vmci, strlen(vmci));
	/* and the ELF notes makedumpfile copies from /proc/vmcore, which
	 * readers of header version 4 and later take it from */
	{
		size_t vlen = strlen(vmci);
		uint8_t *note = sub + 2048;

		put(note, 11, 4);
		put(note + 4, vlen, 4);
		put(note + 8, 0, 4);
		memcpy(note + 12, "VMCOREINFO", 11);
		memcpy(note + 24, vmci, vlen);
		put(sub + 48, PAGE + 2048, 8);		/* offset_note */
		put(sub + 56, 24 + ((vlen + 3) & ~(size_t)3), 8);
	}
	pwrite_all(fd, sub, PAGE, PAGE);

	/* bitmap 1: all RAM; bitmap 2: the pages dumped */
	bitmap = calloc(1, bm_blocks / 2 * PAGE);
	if (!bitmap)
		die("out of memory");
	memset(bitmap, 0xff, bm_bytes);
	pwrite_all(fd, bitmap, bm_blocks / 2 * PAGE, 2 * PAGE);
	memset(bitmap, 0, bm_blocks / 2 * PAGE);
	for (k = 0; k < nr; k++)
		for (pa = r[k].start; pa < r[k].end; pa += PAGE)
			bitmap[pa / PAGE / 8] |= (uint8_t)(1u << (pa / PAGE % 8));
	pwrite_all(fd, bitmap, bm_blocks / 2 * PAGE,
		   (2 + bm_blocks / 2) * PAGE);
	free(bitmap);

	/* descriptors and pages, in PFN order (the runs are sorted) */
	for (k = 0; k < nr; k++) {
		for (pa = r[k].start; pa < r[k].end; pa += PAGE, d++) {
			uint8_t desc[24];
			size_t n;
			uint32_t flags = comp_flag[comp];

			page_at(pa, page);
			n = compress_page(comp, page, cpage, sizeof(cpage));
			if (!n || n >= PAGE) {
				n = PAGE;
				flags = 0;
				memcpy(cpage, page, PAGE);
			}
			memset(desc, 0, sizeof(desc));
			put(desc, data_off, 8);
			put(desc + 8, n, 4);
			put(desc + 12, flags, 4);
			pwrite_all(fd, desc, 24, desc_off + d * 24);
			pwrite_all(fd, cpage, n, data_off);
			data_off += n;
		}
	}
}

static void write_elf(int fd)
{
	struct run r[8];
	size_t nr = runs(r), k;
	const char *vmci = vmcoreinfo();
	size_t vlen = strlen(vmci), nsz = 12 + 12 + ((vlen + 3) & ~3u);
	uint64_t phoff = 64, data = 0, notes, pa;
	uint8_t eh[64], ph[56], page[PAGE], *note;

	memset(eh, 0, sizeof(eh));
	memcpy(eh, "\177ELF", 4);
	eh[4] = 2;		/* 64-bit */
	eh[5] = 1;		/* little-endian */
	eh[6] = 1;
	put(eh + 16, 4, 2);	/* ET_CORE */
	put(eh + 18, arm ? 183 : 62, 2);
	put(eh + 20, 1, 4);
	put(eh + 32, phoff, 8);
	put(eh + 52, 64, 2);
	put(eh + 54, 56, 2);
	put(eh + 56, 1 + nr, 2);
	pwrite_all(fd, eh, 64, 0);
	notes = phoff + (1 + nr) * 56;
	data = (notes + nsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	/* the VMCOREINFO note */
	note = calloc(1, nsz);
	if (!note)
		die("out of memory");
	put(note, 11, 4);
	put(note + 4, vlen, 4);
	put(note + 8, 0, 4);
	memcpy(note + 12, "VMCOREINFO", 11);
	memcpy(note + 24, vmci, vlen);
	pwrite_all(fd, note, nsz, notes);
	free(note);
	memset(ph, 0, sizeof(ph));
	put(ph, 4, 4);		/* PT_NOTE */
	put(ph + 8, notes, 8);
	put(ph + 32, nsz, 8);
	put(ph + 40, nsz, 8);
	pwrite_all(fd, ph, 56, phoff);
	for (k = 0; k < nr; k++) {
		uint64_t len = r[k].end - r[k].start;

		memset(ph, 0, sizeof(ph));
		put(ph, 1, 4);	/* PT_LOAD */
		put(ph + 4, 7, 4);
		put(ph + 8, data, 8);
		put(ph + 16, UINT64_MAX, 8);
		put(ph + 24, r[k].start, 8);
		put(ph + 32, len, 8);
		put(ph + 40, len, 8);
		pwrite_all(fd, ph, 56, phoff + (1 + k) * 56);
		for (pa = r[k].start; pa < r[k].end; pa += PAGE) {
			page_at(pa, page);
			pwrite_all(fd, page, PAGE, data + (pa - r[k].start));
		}
		data += len;
	}
}

int main(int argc, char **argv)
{
	int i = 1, comp = C_ZLIB, fd;
	bool elf = false;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--elf")) {
			elf = true;
		} else if (!strcmp(argv[i], "--arch") && i + 1 < argc) {
			i++;
			arm = !strcmp(argv[i], "aarch64");
			if (!arm && strcmp(argv[i], "x86_64"))
				die("--arch x86_64 or aarch64");
		} else if (!strcmp(argv[i], "--comp") && i + 1 < argc) {
			const char *c = argv[++i];

			comp = !strcmp(c, "none") ? C_NONE :
			       !strcmp(c, "zlib") ? C_ZLIB :
			       !strcmp(c, "lzo") ? C_LZO :
			       !strcmp(c, "snappy") ? C_SNAPPY :
			       !strcmp(c, "zstd") ? C_ZSTD : -1;
			if (comp < 0)
				die("unknown compression");
		} else {
			die("usage: mkbig [--arch x86_64|aarch64] [--comp C] "
			    "[--elf] GIB OUT");
		}
	}
	if (argc - i != 2)
		die("usage: mkbig [--arch x86_64|aarch64] [--comp C] [--elf] "
		    "GIB OUT");
	gib = strtoull(argv[i], NULL, 0);
	if (gib < 2 || gib > 4096)
		die("GIB: 2 to 4096");
#ifdef HAVE_LZO
	if (lzo_init() != LZO_E_OK)
		die("lzo_init");
#endif
	fd = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("cannot create the output");
	if (elf)
		write_elf(fd);
	else
		write_kdump(fd, comp);
	if (close(fd))
		die("close failed");
	return 0;
}
