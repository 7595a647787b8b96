/*
 * mkkdump - rewrite a kdump-compressed file for the reader's tests, with
 * code independent of the library's reader.
 *
 *   mkkdump [--comp zlib|lzo|snappy|zstd|none] [--flat] [--shuffle]
 *           [--be] [--32] IN OUT
 *
 * IN: a plain (not flattened) little-endian 64-bit kdump file, as QEMU
 * (after makedumpfile -R) or makedumpfile write them, pages raw or zlib.
 * OUT: the same memory with every page compressed again by --comp (the
 * library-call makedumpfile uses: compress2, lzo1x_1_compress,
 * snappy_compress, ZSTD_compress), optionally with every header field and
 * page descriptor in big-endian order (--be, what an s390x dump looks
 * like), optionally with the headers of a 32-bit machine (--32: QEMU's
 * packed DiskDumpHeader32/KdumpSubHeader32, as for an arm guest),
 * optionally in the flattened format (--flat) with its records in
 * a scrambled order and a stale record that a later one overwrites
 * (--shuffle), as makedumpfile -R must resolve.
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
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

static void die(const char *msg)
{
	fprintf(stderr, "mkkdump: %s\n", msg);
	exit(2);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put(uint8_t *p, uint64_t v, int n, bool be)
{
	for (int i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static void swap_at(uint8_t *p, int n)
{
	for (int i = 0; i < n / 2; i++) {
		uint8_t t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

static void xpread(int fd, void *buf, size_t len, uint64_t off)
{
	if (pread(fd, buf, len, (off_t)off) != (ssize_t)len)
		die("short read of input");
}

/* The output: a plain file, or the records of a flattened one. */
struct out {
	int fd;
	bool flat, shuffle;
	struct rec { uint64_t off; uint8_t *data; size_t len; } *recs;
	size_t n, cap;
};

static void out_write(struct out *o, const void *data, size_t len,
		      uint64_t off)
{
	if (!o->flat) {
		if (pwrite(o->fd, data, len, (off_t)off) != (ssize_t)len)
			die("write failed");
		return;
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 1024;
		o->recs = realloc(o->recs, o->cap * sizeof(*o->recs));
		if (!o->recs)
			die("out of memory");
	}
	o->recs[o->n].off = off;
	o->recs[o->n].len = len;
	o->recs[o->n].data = malloc(len ? len : 1);
	if (!o->recs[o->n].data)
		die("out of memory");
	memcpy(o->recs[o->n].data, data, len);
	o->n++;
}

static void flat_rec(int fd, uint64_t off, const void *data, uint64_t len)
{
	uint8_t h[16];

	put(h, off, 8, true);
	put(h + 8, len, 8, true);
	if (write(fd, h, 16) != 16 ||
	    (data && len && write(fd, data, len) != (ssize_t)len))
		die("write failed");
}

static void out_finish(struct out *o)
{
	uint8_t hdr[4096];
	size_t i;

	if (!o->flat)
		return;
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "makedumpfile", 12);
	put(hdr + 16, 1, 8, true);	/* type */
	put(hdr + 24, 1, 8, true);	/* version */
	if (write(o->fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr))
		die("write failed");
	if (o->shuffle && o->n > 2) {
		/* A stale copy of the header block, all 0xee, overwritten by
		 * the real one written later. */
		uint8_t junk[512];

		memset(junk, 0xee, sizeof(junk));
		flat_rec(o->fd, 0, junk, sizeof(junk));
		/* Records in a scrambled but reproducible order: odd ones
		 * first, then even ones backwards. */
		for (i = 1; i < o->n; i += 2)
			flat_rec(o->fd, o->recs[i].off, o->recs[i].data,
				 o->recs[i].len);
		for (i = (o->n - 1) & ~(size_t)1; ; i -= 2) {
			flat_rec(o->fd, o->recs[i].off, o->recs[i].data,
				 o->recs[i].len);
			if (!i)
				break;
		}
	} else {
		for (i = 0; i < o->n; i++)
			flat_rec(o->fd, o->recs[i].off, o->recs[i].data,
				 o->recs[i].len);
	}
	flat_rec(o->fd, UINT64_MAX, NULL, UINT64_MAX);	/* end: -1, -1 */
}

enum { C_NONE, C_ZLIB, C_LZO, C_SNAPPY, C_ZSTD };
static const uint32_t comp_flag[] = { 0, 0x1, 0x2, 0x4, 0x20 };

static size_t compress_page(int comp, const uint8_t *in, size_t len,
			    uint8_t *out, size_t cap)
{
	switch (comp) {
	case C_ZLIB: {
		uLongf n = cap;

		return compress2(out, &n, in, len, Z_BEST_SPEED) == Z_OK ? n : 0;
	}
#ifdef HAVE_LZO
	case C_LZO: {
		static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
		lzo_uint n = cap;

		return lzo1x_1_compress(in, len, out, &n, wrk) == LZO_E_OK ? n : 0;
	}
#endif
#ifdef HAVE_SNAPPY
	case C_SNAPPY: {
		size_t n = cap;

		return snappy_compress((const char *)in, len, (char *)out, &n) ==
			       SNAPPY_OK ? n : 0;
	}
#endif
#ifdef HAVE_ZSTD
	case C_ZSTD: {
		size_t n = ZSTD_compress(out, cap, in, len, 1);

		return ZSTD_isError(n) ? 0 : n;
	}
#endif
	default:
		return 0;
	}
}

int main(int argc, char **argv)
{
	struct out o = { .fd = -1 };
	int comp = C_ZLIB, i = 1, in;
	bool be = false, b32 = false;
	uint8_t hdr[464], *head, *bitmap2, *page, *cpage, *cin;
	uint32_t block, sub_blocks, bitmap_blocks, ver;
	uint64_t max_mapnr, desc_off, data_off, pfn, ndumped = 0, k, half;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--flat"))
			o.flat = true;
		else if (!strcmp(argv[i], "--shuffle"))
			o.shuffle = true;
		else if (!strcmp(argv[i], "--be"))
			be = true;
		else if (!strcmp(argv[i], "--32"))
			b32 = true;
		else if (!strcmp(argv[i], "--comp") && i + 1 < argc) {
			const char *c = argv[++i];

			comp = !strcmp(c, "none") ? C_NONE :
			       !strcmp(c, "zlib") ? C_ZLIB :
			       !strcmp(c, "lzo") ? C_LZO :
			       !strcmp(c, "snappy") ? C_SNAPPY :
			       !strcmp(c, "zstd") ? C_ZSTD : -1;
			if (comp < 0)
				die("unknown compression");
		} else {
			die("unknown option");
		}
	}
	if (argc - i != 2)
		die("usage: mkkdump [--comp C] [--flat] [--shuffle] [--be] IN OUT");
#ifdef HAVE_LZO
	if (lzo_init() != LZO_E_OK)
		die("lzo_init");
#endif
	in = open(argv[i], O_RDONLY);
	if (in < 0)
		die("cannot open input");
	o.fd = open(argv[i + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (o.fd < 0)
		die("cannot create output");
	xpread(in, hdr, sizeof(hdr), 0);
	if (memcmp(hdr, "KDUMP   ", 8))
		die("input is not a plain kdump file");
	ver = le32(hdr + 8);
	block = le32(hdr + 428);
	sub_blocks = le32(hdr + 432);
	bitmap_blocks = le32(hdr + 436);
	max_mapnr = le32(hdr + 440);
	if (ver < 6 || block < 512 || block > 65536 || !sub_blocks)
		die("want a 64-bit little-endian kdump, header_version >= 6");
	desc_off = (1 + (uint64_t)sub_blocks + bitmap_blocks) * block;
	head = malloc(desc_off);
	page = malloc(block);
	cin = malloc(block);
	cpage = malloc(2 * block + 1024);
	if (!head || !page || !cin || !cpage)
		die("out of memory");
	xpread(in, head, desc_off, 0);
	if (le64(head + block + 96))
		max_mapnr = le64(head + block + 96);
	half = (uint64_t)bitmap_blocks * block / 2;
	bitmap2 = head + (1 + (uint64_t)sub_blocks) * block + half;
	for (pfn = 0; pfn < max_mapnr; pfn++)
		ndumped += bitmap2[pfn / 8] >> (pfn % 8) & 1;
	data_off = desc_off + ndumped * 24;
	for (pfn = 0, k = 0; pfn < max_mapnr; pfn++) {
		uint8_t d[24], od[24];
		uint64_t off;
		uint32_t size, flags;
		size_t n;

		if (!(bitmap2[pfn / 8] >> (pfn % 8) & 1))
			continue;
		xpread(in, d, 24, desc_off + k * 24);
		off = le64(d);
		size = le32(d + 8);
		flags = le32(d + 12);
		if (size > block)
			die("bad input descriptor");
		xpread(in, cin, size, off);
		if (flags & 0x1) {
			uLongf dl = block;

			if (uncompress(page, &dl, cin, size) != Z_OK || dl != block)
				die("input page does not inflate");
		} else if (!flags && size == block) {
			memcpy(page, cin, block);
		} else {
			die("input pages must be raw or zlib");
		}
		n = compress_page(comp, page, block, cpage, 2 * block + 1024);
		flags = comp_flag[comp];
		if (!n || n >= block) {
			n = block;
			flags = 0;
			memcpy(cpage, page, block);
		}
		put(od, data_off, 8, be);
		put(od + 8, n, 4, be);
		put(od + 12, flags, 4, be);
		memcpy(od + 16, d + 16, 8);
		if (be)
			swap_at(od + 16, 8);
		out_write(&o, od, 24, desc_off + k * 24);
		out_write(&o, cpage, n, data_off);
		data_off += n;
		k++;
	}
	if (b32) {
		/* 64-bit: timeval[16] at 408, then ten u32 from 424; 32-bit:
		 * timestamp[10] at 402, the u32s from 412.  Sub-header: from
		 * { u64 phys_base, u32, u32, u64 x 11 } to QEMU's packed
		 * { u32 x 5, u64 + u32 three times, u64 x 3 }. */
		uint8_t *sub = head + block, old[104];
		static const struct { int from, to, len; } f32[] = {
			{ 0, 0, 4 }, { 8, 4, 4 }, { 12, 8, 4 }, { 16, 12, 4 },
			{ 24, 16, 4 }, { 32, 20, 8 }, { 40, 28, 4 },
			{ 48, 32, 8 }, { 56, 40, 4 }, { 64, 44, 8 },
			{ 72, 52, 4 }, { 80, 56, 8 }, { 88, 64, 8 },
			{ 96, 72, 8 },
		};

		memmove(head + 412, head + 424, 40);
		memset(head + 402, 0, 10);
		memset(head + 452, 0, 12);
		memcpy(old, sub, sizeof(old));
		memset(sub, 0, sizeof(old));
		for (size_t j = 0; j < sizeof(f32) / sizeof(f32[0]); j++)
			memcpy(sub + f32[j].to, old + f32[j].from, f32[j].len);
	}
	if (be) {
		uint8_t *sub = head + block;

		swap_at(head + 8, 4);
		for (i = b32 ? 412 : 424; i < (b32 ? 452 : 464); i += 4)
			swap_at(head + i, 4);
		if (b32) {
			static const int u32s[] = { 0, 4, 8, 12, 16, 28, 40, 52 };
			static const int u64s[] = { 20, 32, 44, 56, 64, 72 };

			for (size_t j = 0; j < sizeof(u32s) / sizeof(u32s[0]); j++)
				swap_at(sub + u32s[j], 4);
			for (size_t j = 0; j < sizeof(u64s) / sizeof(u64s[0]); j++)
				swap_at(sub + u64s[j], 8);
		} else {
			swap_at(sub, 8);		/* phys_base */
			swap_at(sub + 8, 4);		/* dump_level */
			swap_at(sub + 12, 4);		/* split */
			for (i = 16; i <= 96; i += 8)	/* start_pfn .. max_mapnr_64 */
				swap_at(sub + i, 8);
		}
	}
	out_write(&o, head, desc_off, 0);
	out_finish(&o);
	if (close(o.fd) < 0)
		die("close failed");
	close(in);
	for (size_t j = 0; j < o.n; j++)
		free(o.recs[j].data);
	free(o.recs);
	free(head);
	free(page);
	free(cin);
	free(cpage);
	return 0;
}
