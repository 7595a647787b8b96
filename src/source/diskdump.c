/*
 * diskdump.c - our own reader of kdump-compressed dumps ("KDUMP   "), also
 * in makedumpfile's flattened format, which is what QEMU's
 * dump-guest-memory writes for kdump-zlib/-lzo/-snappy and what
 * libkdumpfile 0.5.1 does not read.
 *
 * The file is seen through a "source": either the plain file, or the file a
 * flattened stream rebuilds (what `makedumpfile -R` would write), read in
 * place through a sorted index of its records.
 *
 * Format facts (field layouts, flag values) are from makedumpfile's
 * diskdump_mod.h and makedumpfile.h (1.7.2) and QEMU's include/sysemu/dump.h
 * (7.2); the code is ours.
 *
 * A kdump-compressed file is, in blocks of block_size bytes:
 *   block 0                 disk_dump_header
 *   blocks 1..sub_hdr_size  kdump_sub_header, then VMCOREINFO, ELF notes
 *   bitmap_blocks blocks    bitmap 1 (RAM pages), bitmap 2 (dumped pages)
 *   page descriptors        one per set bit of bitmap 2, in PFN order
 *   page data
 * PFNs count block_size units: QEMU writes block_size = 64 KiB for arm64
 * even for a 4 KiB-page guest, and the PFNs follow.
 */
#include "config.h"
#include "source/source.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* makedumpfile.h: flattened format. */
#define FLAT_SIGNATURE		"makedumpfile"
#define FLAT_HEADER_SIZE	4096
#define FLAT_TYPE		1
#define FLAT_REC_HDR		16	/* int64 offset, int64 size, big-endian */
/* Bounds that keep a hostile stream from costing unbounded memory: the
 * index costs 32 bytes a record. */
#define FLAT_MAX_RECORDS	(UINT64_C(1) << 25)

/* diskdump_mod.h */
#define KDUMP_SIGNATURE		"KDUMP   "
#define DUMP_DH_COMPRESSED_ZLIB		0x1
#define DUMP_DH_COMPRESSED_LZO		0x2
#define DUMP_DH_COMPRESSED_SNAPPY	0x4
#define DUMP_DH_COMPRESSED_ZSTD		0x20
#define DUMP_DH_COMPRESSED	(DUMP_DH_COMPRESSED_ZLIB | \
				 DUMP_DH_COMPRESSED_LZO | \
				 DUMP_DH_COMPRESSED_SNAPPY | \
				 DUMP_DH_COMPRESSED_ZSTD)
#define UTS_LEN			65
#define HDR_UTSNAME		12	/* after signature[8], header_version */
#define PAGE_DESC_SIZE		24	/* off_t offset, u32 size, u32 flags,
					 * u64 page_flags */
/* Sanity bounds of header fields. */
#define MIN_BLOCK_SIZE		512
#define MAX_BLOCK_SIZE		(1u << 20)
#define MAX_BITMAP_HALF		(UINT64_C(1) << 30)
#define MAX_VMCOREINFO		(1u << 20)

/* Decompressed blocks kept: enough for the tables of one walk path inside
 * 64 KiB blocks, small enough not to matter. */
#define DD_CACHE_SLOTS		8
/* Bits of bitmap 2 summed per rank entry. */
#define RANK_BITS		512

/* ---- byte order ----------------------------------------------------- */

static uint32_t get32(const uint8_t *p, bool be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		       (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static uint64_t get64(const uint8_t *p, bool be)
{
	uint64_t hi = get32(p + (be ? 0 : 4), be);
	uint64_t lo = get32(p + (be ? 4 : 0), be);

	return hi << 32 | lo;
}

/* ---- the source: a plain file or a flattened one ---------------------- */

struct flat_rec {
	uint64_t off;	/* offset in the rebuilt file */
	uint64_t len;
	uint64_t pos;	/* where its data is in the flattened file */
	uint64_t seq;	/* record number: on overlap the later one wins, as
			 * with makedumpfile -R */
};

struct src {
	int fd;
	char *path;
	uint64_t fsize;		/* size of the file itself */
	uint64_t size;		/* size of the file as read (rebuilt) */
	struct flat_rec *rec;	/* NULL for a plain file */
	uint64_t *maxend;	/* maxend[i]: largest end of rec[0..i] */
	size_t nrec;
};

static void src_free(struct src *s)
{
	free(s->rec);
	free(s->maxend);
	free(s->path);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->rec = NULL;
	s->maxend = NULL;
	s->path = NULL;
}

static vmmap_status pread_full(struct vmmap_ctx *ctx, const struct src *s,
			       void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(s->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vmmap_set_error(ctx, VMMAP_ERR_IO,
					       "%s: read at offset 0x%" PRIx64
					       ": %s", s->path, off,
					       strerror(errno));
		if (n == 0)
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					       "%s: unexpected end of file at "
					       "offset 0x%" PRIx64
					       " (truncated?)", s->path, off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return VMMAP_OK;
}

/* The record of the flattened index that holds byte @off, or none (a gap,
 * zeros in the rebuilt file); *end_ret: where that answer stops holding. */
static const struct flat_rec *flat_find(const struct src *s, uint64_t off,
					uint64_t *end_ret)
{
	const struct flat_rec *best = NULL;
	size_t lo = 0, hi = s->nrec, i, j;

	/* Last record starting at or before off. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->rec[mid].off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Records that cover off all lie before lo; in a file without
	 * overlaps only rec[lo - 1] is looked at. */
	for (j = lo; j > 0 && s->maxend[j - 1] > off; j--) {
		const struct flat_rec *r = &s->rec[j - 1];

		if (r->off + r->len > off && (!best || r->seq > best->seq))
			best = r;
	}
	if (!best) {
		*end_ret = lo < s->nrec ? s->rec[lo].off : s->size;
		return NULL;
	}
	*end_ret = best->off + best->len;
	/* A later record starting inside this one overrides the rest. */
	for (i = lo; i < s->nrec && s->rec[i].off < *end_ret; i++) {
		if (s->rec[i].seq > best->seq) {
			*end_ret = s->rec[i].off;
			break;
		}
	}
	return best;
}

/* Read @len bytes at @off of the (rebuilt) file; @what names them. */
static vmmap_status src_read(struct vmmap_ctx *ctx, const struct src *s,
			     void *buf, size_t len, uint64_t off,
			     const char *what)
{
	uint8_t *p = buf;

	if (off > s->size || len > s->size - off)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: %s at offset 0x%" PRIx64
				       " (%zu bytes) is beyond the end of the "
				       "file (0x%" PRIx64 " bytes; truncated?)",
				       s->path, what, off, len, s->size);
	if (!s->rec)
		return pread_full(ctx, s, buf, len, off);
	while (len) {
		uint64_t end;
		const struct flat_rec *r = flat_find(s, off, &end);
		size_t n = end - off < len ? (size_t)(end - off) : len;
		vmmap_status st;

		if (!r) {
			memset(p, 0, n);
		} else {
			st = pread_full(ctx, s, p, n, r->pos + (off - r->off));
			if (st)
				return st;
		}
		p += n;
		off += n;
		len -= n;
	}
	return VMMAP_OK;
}

/* One byte, no message: for details of an error already being told. */
static bool src_read_byte(const struct src *s, uint64_t off, uint8_t *b)
{
	const struct flat_rec *r;
	uint64_t end;

	if (off >= s->size)
		return false;
	if (s->rec) {
		r = flat_find(s, off, &end);
		if (!r) {
			*b = 0;
			return true;
		}
		off = r->pos + (off - r->off);
	}
	return pread(s->fd, b, 1, (off_t)off) == 1;
}

static int flat_rec_cmp(const void *a, const void *b)
{
	const struct flat_rec *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Reads the record headers of a flattened stream with few system calls. */
struct hdr_reader {
	uint8_t buf[65536];
	uint64_t start;
	size_t len;
};

static vmmap_status read_rec_hdr(struct vmmap_ctx *ctx, const struct src *s,
				 struct hdr_reader *r, uint64_t pos,
				 const uint8_t **hdr_ret)
{
	size_t want;
	vmmap_status st;

	if (pos >= r->start && pos - r->start + FLAT_REC_HDR <= r->len) {
		*hdr_ret = r->buf + (pos - r->start);
		return VMMAP_OK;
	}
	want = s->fsize - pos < sizeof(r->buf) ? (size_t)(s->fsize - pos)
					       : sizeof(r->buf);
	st = pread_full(ctx, s, r->buf, want, pos);
	if (st)
		return st;
	r->start = pos;
	r->len = want;
	*hdr_ret = r->buf;
	return VMMAP_OK;
}

static vmmap_status flat_add(struct vmmap_ctx *ctx, struct src *s,
			     size_t *cap, const struct flat_rec *rec)
{
	if (s->nrec == *cap) {
		size_t ncap = *cap ? 2 * *cap : 1024;
		struct flat_rec *nr = realloc(s->rec, ncap * sizeof(*nr));

		if (!nr)
			return set_nomem(ctx);
		s->rec = nr;
		*cap = ncap;
	}
	s->rec[s->nrec++] = *rec;
	return VMMAP_OK;
}

/* Index the records of a flattened file: 4096-byte header, then records
 * of { be64 offset, be64 size, data }, the last with offset -1. */
static vmmap_status flat_index(struct vmmap_ctx *ctx, struct src *s)
{
	struct hdr_reader *rd;
	uint8_t hdr[32];
	uint64_t pos = FLAT_HEADER_SIZE, seq = 0, end = 0;
	size_t cap = 0, i;
	vmmap_status st;

	st = pread_full(ctx, s, hdr, sizeof(hdr), 0);
	if (st)
		return st;
	if (get64(hdr + 16, true) != FLAT_TYPE)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: flattened header at offset 0x10: "
				       "type %" PRIu64 ", expected %d",
				       s->path, get64(hdr + 16, true),
				       FLAT_TYPE);
	rd = malloc(sizeof(*rd));
	if (!rd)
		return set_nomem(ctx);
	rd->start = rd->len = 0;
	for (;;) {
		const uint8_t *h;
		uint64_t off, len;
		struct flat_rec rec;

		if (pos + FLAT_REC_HDR > s->fsize) {
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					     "%s: flattened stream truncated: "
					     "no end marker (record %" PRIu64
					     " would start at offset 0x%" PRIx64
					     ", file size 0x%" PRIx64 ")",
					     s->path, seq, pos, s->fsize);
			goto out;
		}
		st = read_rec_hdr(ctx, s, rd, pos, &h);
		if (st)
			goto out;
		off = get64(h, true);
		len = get64(h + 8, true);
		if (off == UINT64_MAX)	/* END_FLAG_FLAT_HEADER (-1) */
			break;
		if (off > INT64_MAX || len > INT64_MAX) {
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					     "%s: flattened record %" PRIu64
					     " at offset 0x%" PRIx64
					     ": bad offset 0x%" PRIx64
					     " or size 0x%" PRIx64,
					     s->path, seq, pos, off, len);
			goto out;
		}
		if (len > s->fsize - pos - FLAT_REC_HDR) {
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					     "%s: flattened record %" PRIu64
					     " at offset 0x%" PRIx64
					     ": size 0x%" PRIx64
					     " runs past the end of the file "
					     "(0x%" PRIx64 " bytes; truncated?)",
					     s->path, seq, pos, len, s->fsize);
			goto out;
		}
		if (seq >= FLAT_MAX_RECORDS) {
			st = vmmap_set_error(ctx, VMMAP_ERR_LIMIT,
					     "%s: more than %" PRIu64
					     " flattened records", s->path,
					     FLAT_MAX_RECORDS);
			goto out;
		}
		rec.off = off;
		rec.len = len;
		rec.pos = pos + FLAT_REC_HDR;
		rec.seq = seq++;
		if (len) {
			st = flat_add(ctx, s, &cap, &rec);
			if (st)
				goto out;
			if (off + len > end)
				end = off + len;
		}
		pos += FLAT_REC_HDR + len;
	}
	if (!s->nrec) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				     "%s: flattened file without data",
				     s->path);
		goto out;
	}
	qsort(s->rec, s->nrec, sizeof(*s->rec), flat_rec_cmp);
	s->maxend = malloc(s->nrec * sizeof(*s->maxend));
	if (!s->maxend) {
		st = set_nomem(ctx);
		goto out;
	}
	for (i = 0; i < s->nrec; i++) {
		uint64_t e = s->rec[i].off + s->rec[i].len;

		s->maxend[i] = i && s->maxend[i - 1] > e ? s->maxend[i - 1]
							 : e;
	}
	s->size = end;
out:
	free(rd);
	return st;
}

static vmmap_status src_open(struct vmmap_ctx *ctx, struct src *s, int fd,
			     const char *path)
{
	struct stat sb;
	char sig[16];
	vmmap_status st;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->path = strdup(path);
	if (!s->path)
		return set_nomem(ctx);
	if (fstat(fd, &sb) < 0)
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				       strerror(errno));
	s->fd = dup(fd);
	if (s->fd < 0)
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: dup: %s", path,
				       strerror(errno));
	s->fsize = s->size = (uint64_t)sb.st_size;
	if (s->fsize < sizeof(sig))
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: not a kernel dump (%" PRIu64
				       " bytes)", path, s->fsize);
	st = pread_full(ctx, s, sig, sizeof(sig), 0);
	if (st)
		return st;
	if (!memcmp(sig, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE))) {
		if (s->fsize < FLAT_HEADER_SIZE)
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					       "%s: flattened header truncated "
					       "(%" PRIu64 " of %d bytes)",
					       path, s->fsize,
					       FLAT_HEADER_SIZE);
		return flat_index(ctx, s);
	}
	return VMMAP_OK;
}

/* ---- the kdump-compressed header -------------------------------------- */

/* Where the fields of kdump_sub_header are: makedumpfile writes it with
 * the natural layout of the dumping machine; QEMU writes packed structures
 * (include/sysemu/dump.h), which for 32-bit targets differ from an ARM
 * EABI makedumpfile's 8-byte-aligned off_t. */
struct sub_layout {
	unsigned vmci_off, vmci_size, size_len, max_mapnr_64, len;
};

static const struct sub_layout sub_layout_64 = { 32, 40, 8, 96, 104 };
static const struct sub_layout sub_layout_32_packed = { 20, 28, 4, 72, 80 };
static const struct sub_layout sub_layout_32_eabi = { 24, 32, 4, 88, 96 };

struct cache_slot {
	uint64_t pfn;
	uint64_t age;
	bool valid;
	uint8_t *data;
};

/*
 * Decompression on a second core: when the walk says which tables come
 * next (the children of a table, vmmap_mem_ops.prefetch), a worker thread
 * inflates them from the last backwards while the walk takes them from
 * the first, inflating itself what the worker has not reached: the two
 * meet in the middle.  The worker has a context of its own (quiet: a page
 * it cannot read is left for the walk, whose read says why).
 */
#define PF_MAX 512

enum pf_state { PF_FREE, PF_NEW, PF_BUSY, PF_READY, PF_TAKEN, PF_FAILED };

struct prefetch {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool running, stop;
	struct vmmap_ctx *ctx;		/* the worker's */
	unsigned n, cursor;
	uint64_t pfn[PF_MAX];
	enum pf_state state[PF_MAX];
	uint8_t *buf;			/* PF_MAX blocks */
	uint8_t *cbuf;			/* the worker's compressed data */
};

struct diskdump {
	struct src src;
	struct prefetch *pf;
	bool be;
	unsigned ptr_bits;
	uint32_t header_version;
	uint32_t block_size;
	unsigned block_shift;
	uint32_t sub_hdr_size, bitmap_blocks;
	uint64_t max_mapnr;
	uint64_t bitmap_off;	/* bitmap 1; bitmap 2 follows at +half */
	uint64_t bitmap_half;
	uint64_t desc_off;
	uint64_t ndumped;
	uint8_t *bitmap2;	/* (max_mapnr + 7) / 8 bytes */
	uint64_t *rank;		/* set bits of bitmap2 before chunk i */
	uint64_t vmci_off, vmci_size;
	char machine[UTS_LEN + 1], release[UTS_LEN + 1];

	struct cache_slot cache[DD_CACHE_SLOTS];
	uint64_t clock;
	uint8_t *cbuf;		/* compressed data of one block */
};

static void pf_stop(struct diskdump *dd);

static void dd_free(struct diskdump *dd)
{
	size_t i;

	if (!dd)
		return;
	pf_stop(dd);
	src_free(&dd->src);
	free(dd->bitmap2);
	free(dd->rank);
	for (i = 0; i < DD_CACHE_SLOTS; i++)
		free(dd->cache[i].data);
	free(dd->cbuf);
	free(dd);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Fields of disk_dump_header after the utsname: the 64-bit layout has a
 * 16-byte struct timeval 8-byte-aligned (block_size at 428), the 32-bit
 * one an 8-byte timeval (block_size at 416). */
struct hdr_fields {
	uint32_t status, block_size, sub_hdr_size, bitmap_blocks, max_mapnr;
};

static void hdr_fields(const uint8_t *h, bool be, unsigned ptr_bits,
		       struct hdr_fields *f)
{
	const uint8_t *p = h + (ptr_bits == 64 ? 424 : 412);

	f->status = get32(p, be);
	f->block_size = get32(p + 4, be);
	f->sub_hdr_size = get32(p + 8, be);
	f->bitmap_blocks = get32(p + 12, be);
	f->max_mapnr = get32(p + 16, be);
}

/* Do the header's sizes fit a file of @fsize bytes? */
static bool hdr_plausible(const struct hdr_fields *f, uint64_t fsize)
{
	uint64_t blocks;

	if (!is_pow2(f->block_size) || f->block_size < MIN_BLOCK_SIZE ||
	    f->block_size > MAX_BLOCK_SIZE || !f->bitmap_blocks)
		return false;
	blocks = 1 + (uint64_t)f->sub_hdr_size + f->bitmap_blocks;
	return blocks <= fsize / f->block_size;
}

static void copy_uts(char *dst, const uint8_t *src)
{
	memcpy(dst, src, UTS_LEN);
	dst[UTS_LEN] = '\0';
}

static vmmap_status dd_header(struct vmmap_ctx *ctx, struct diskdump *dd)
{
	const struct src *s = &dd->src;
	uint8_t h[464];
	struct hdr_fields f;
	uint32_t ver_le, ver_be;
	vmmap_status st;

	/* makedumpfile -E -F: a flattened stream of an ELF dump. */
	if (s->rec && s->size >= 4 && src_read(ctx, s, h, 4, 0, "header") ==
	    VMMAP_OK && !memcmp(h, "\177ELF", 4))
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
				       "%s: a flattened ELF dump (makedumpfile "
				       "-E -F): rebuild it first with "
				       "makedumpfile -R OUT < %s", s->path,
				       s->path);
	vmmap_clear_error(ctx);
	if (s->size < sizeof(h))
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: kdump header truncated (file is "
				       "%" PRIu64 " bytes)", s->path, s->size);
	st = src_read(ctx, s, h, sizeof(h), 0, "kdump header");
	if (st)
		return st;
	if (memcmp(h, KDUMP_SIGNATURE, 8))
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: not a kernel dump (unknown format)",
				       s->path);
	/* The header is in the dumped machine's byte order: an s390x dump is
	 * big-endian whatever reads it.  Its version is a small number. */
	ver_le = get32(h + 8, false);
	ver_be = get32(h + 8, true);
	if (ver_le >= 1 && ver_le <= 255)
		dd->be = false;
	else if (ver_be >= 1 && ver_be <= 255)
		dd->be = true;
	else
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: kdump header at offset 0x8: bad "
				       "header_version 0x%08" PRIx32,
				       s->path, ver_le);
	dd->header_version = dd->be ? ver_be : ver_le;

	/* Which layout: the one whose sizes fit the file. */
	hdr_fields(h, dd->be, 64, &f);
	dd->ptr_bits = 64;
	if (!hdr_plausible(&f, s->size)) {
		struct hdr_fields f32;

		hdr_fields(h, dd->be, 32, &f32);
		if (hdr_plausible(&f32, s->size)) {
			f = f32;
			dd->ptr_bits = 32;
		}
	}
	if (!is_pow2(f.block_size) || f.block_size < MIN_BLOCK_SIZE ||
	    f.block_size > MAX_BLOCK_SIZE)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: kdump header at offset 0x1ac: bad "
				       "block_size %" PRIu32, s->path,
				       f.block_size);
	if (!f.bitmap_blocks)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: kdump header at offset 0x1b4: "
				       "bitmap_blocks is 0", s->path);
	if (!hdr_plausible(&f, s->size))
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: kdump header: %" PRIu32
				       " sub-header and %" PRIu32
				       " bitmap blocks of %" PRIu32
				       " bytes run past the end of the file "
				       "(0x%" PRIx64 " bytes; truncated?)",
				       s->path, f.sub_hdr_size,
				       f.bitmap_blocks, f.block_size, s->size);
	dd->block_size = f.block_size;
	dd->block_shift = (unsigned)__builtin_ctz(f.block_size);
	dd->sub_hdr_size = f.sub_hdr_size;
	dd->bitmap_blocks = f.bitmap_blocks;
	dd->max_mapnr = f.max_mapnr;
	copy_uts(dd->release, h + HDR_UTSNAME + 2 * UTS_LEN);
	copy_uts(dd->machine, h + HDR_UTSNAME + 4 * UTS_LEN);
	return VMMAP_OK;
}

/* Does [off, off + size) lie in the sub-header blocks? */
static bool in_sub_header(const struct diskdump *dd, uint64_t off,
			  uint64_t size)
{
	uint64_t lo = dd->block_size;
	uint64_t hi = (1 + (uint64_t)dd->sub_hdr_size) * dd->block_size;

	return off >= lo && off <= hi && size <= hi - off;
}

static vmmap_status dd_sub_header(struct vmmap_ctx *ctx, struct diskdump *dd)
{
	const struct sub_layout *cand[3], *l;
	uint8_t sh[104];
	size_t ncand = 0, i;
	vmmap_status st;

	if (!dd->sub_hdr_size)
		return VMMAP_OK;
	st = src_read(ctx, &dd->src, sh, sizeof(sh), dd->block_size,
		      "kdump sub-header");
	if (st)
		return st;
	if (dd->ptr_bits == 64) {
		cand[ncand++] = &sub_layout_64;
	} else {
		cand[ncand++] = &sub_layout_32_packed;
		cand[ncand++] = &sub_layout_32_eabi;
	}
	for (i = 0; i < ncand; i++) {
		uint64_t off, size;

		l = cand[i];
		off = get64(sh + l->vmci_off, dd->be);
		size = l->size_len == 8 ? get64(sh + l->vmci_size, dd->be)
					: get32(sh + l->vmci_size, dd->be);
		if (dd->header_version >= 3 && size && size <= MAX_VMCOREINFO &&
		    in_sub_header(dd, off, size)) {
			dd->vmci_off = off;
			dd->vmci_size = size;
			break;
		}
	}
	if (i == ncand)
		l = cand[0];
	/*
	 * The notes and the erase info that follow VMCOREINFO in the
	 * sub-header (header_version 4 and 5) must lie in the file: a size
	 * beyond it makes libkdumpfile 0.5.1 allocate that much and then
	 * crash freeing its context (found by fuzzing).  Fields are an off_t
	 * and an unsigned long each, after VMCOREINFO's pair.
	 */
	for (i = 1; i <= 2 && dd->header_version >= 3 + i; i++) {
		unsigned stride = 8 + l->size_len;
		uint64_t off = get64(sh + l->vmci_off + i * stride, dd->be);
		uint64_t size = l->size_len == 8
			? get64(sh + l->vmci_size + i * stride, dd->be)
			: get32(sh + l->vmci_size + i * stride, dd->be);

		if (l->vmci_size + i * stride + l->size_len > sizeof(sh))
			break;
		if (size && (off > dd->src.size || size > dd->src.size - off))
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				"%s: kdump sub-header: %s of %" PRIu64 " bytes "
				"at offset 0x%" PRIx64 " is not in the file "
				"(0x%" PRIx64 " bytes)", dd->src.path,
				i == 1 ? "ELF notes" : "erase info", size, off,
				dd->src.size);
	}
	/* header_version 6 moved max_mapnr to 64 bits for > 16 TiB. */
	if (dd->header_version >= 6) {
		uint64_t m = get64(sh + l->max_mapnr_64, dd->be);

		if (m)
			dd->max_mapnr = m;
	}
	return VMMAP_OK;
}

static uint64_t popcount_bytes(const uint8_t *p, size_t n)
{
	uint64_t c = 0;

	while (n >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		c += (uint64_t)__builtin_popcountll(w);
		p += 8;
		n -= 8;
	}
	while (n--)
		c += (uint64_t)__builtin_popcount(*p++);
	return c;
}

/* Load bitmap 2 (which PFNs have a page descriptor) and its rank index. */
static vmmap_status dd_bitmap(struct vmmap_ctx *ctx, struct diskdump *dd)
{
	uint64_t bytes, nchunks, i, total = 0;
	size_t chunk = RANK_BITS / 8;
	vmmap_status st;

	dd->bitmap_off = (1 + (uint64_t)dd->sub_hdr_size) * dd->block_size;
	dd->bitmap_half = (uint64_t)dd->bitmap_blocks * dd->block_size / 2;
	if (dd->max_mapnr > dd->bitmap_half * 8)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: kdump header: max_mapnr 0x%" PRIx64
				       " needs more than the %" PRIu64
				       "-byte bitmaps at offset 0x%" PRIx64,
				       dd->src.path, dd->max_mapnr,
				       dd->bitmap_half, dd->bitmap_off);
	if (!dd->max_mapnr)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: kdump header: max_mapnr is 0: the "
				       "dump holds no memory", dd->src.path);
	bytes = (dd->max_mapnr + 7) / 8;
	if (bytes > MAX_BITMAP_HALF)
		return vmmap_set_error(ctx, VMMAP_ERR_LIMIT,
				       "%s: kdump bitmap of %" PRIu64
				       " bytes is too large", dd->src.path,
				       bytes);
	nchunks = (bytes + chunk - 1) / chunk;
	/* Whole chunks, zero-padded, so the rank loop needs no bounds. */
	dd->bitmap2 = calloc(nchunks ? nchunks : 1, chunk);
	dd->rank = calloc(nchunks + 1, sizeof(*dd->rank));
	if (!dd->bitmap2 || !dd->rank)
		return set_nomem(ctx);
	st = src_read(ctx, &dd->src, dd->bitmap2, (size_t)bytes,
		      dd->bitmap_off + dd->bitmap_half, "kdump bitmap 2");
	if (st)
		return st;
	/* Bits past max_mapnr are not pages. */
	if (dd->max_mapnr % 8)
		dd->bitmap2[bytes - 1] &= (uint8_t)((1u << (dd->max_mapnr % 8)) - 1);
	for (i = 0; i < nchunks; i++) {
		dd->rank[i] = total;
		total += popcount_bytes(dd->bitmap2 + i * chunk, chunk);
	}
	dd->rank[nchunks] = total;
	dd->ndumped = total;
	dd->desc_off = dd->bitmap_off + 2 * dd->bitmap_half;
	if (total > (dd->src.size - dd->desc_off) / PAGE_DESC_SIZE)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: %" PRIu64 " page descriptors at "
				       "offset 0x%" PRIx64 " run past the end "
				       "of the file (0x%" PRIx64
				       " bytes; truncated?)", dd->src.path,
				       total, dd->desc_off, dd->src.size);
	return VMMAP_OK;
}

static bool pfn_dumped(const struct diskdump *dd, uint64_t pfn)
{
	return pfn < dd->max_mapnr && (dd->bitmap2[pfn / 8] >> (pfn % 8) & 1);
}

static uint64_t pfn_rank(const struct diskdump *dd, uint64_t pfn)
{
	uint64_t c = pfn / RANK_BITS;
	const uint8_t *p = dd->bitmap2 + c * (RANK_BITS / 8);
	uint64_t n = dd->rank[c] + popcount_bytes(p, (size_t)(pfn % RANK_BITS) / 8);

	if (pfn % 8)
		n += (uint64_t)__builtin_popcount(p[(pfn % RANK_BITS) / 8] &
						  ((1u << (pfn % 8)) - 1));
	return n;
}

struct page_desc {
	uint64_t offset;
	uint32_t size, flags;
};

static vmmap_status dd_desc(struct vmmap_ctx *ctx, const struct diskdump *dd,
			    uint64_t pfn, struct page_desc *d)
{
	uint8_t raw[PAGE_DESC_SIZE];
	uint64_t at = dd->desc_off + pfn_rank(dd, pfn) * PAGE_DESC_SIZE;
	vmmap_status st;

	st = src_read(ctx, &dd->src, raw, sizeof(raw), at, "page descriptor");
	if (st)
		return st;
	d->offset = get64(raw, dd->be);
	d->size = get32(raw + 8, dd->be);
	d->flags = get32(raw + 12, dd->be);
	if (!d->size || d->size > dd->block_size ||
	    d->offset > dd->src.size || d->size > dd->src.size - d->offset)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: page descriptor of pfn 0x%" PRIx64
				       " at offset 0x%" PRIx64 ": data at "
				       "0x%" PRIx64 " size %" PRIu32
				       " is not in the file (0x%" PRIx64
				       " bytes, block size %" PRIu32 ")",
				       dd->src.path, pfn, at, d->offset,
				       d->size, dd->src.size, dd->block_size);
	return VMMAP_OK;
}

/* The PFN of the @idx-th dumped page (only to name it in a message). */
static uint64_t pfn_of_index(const struct diskdump *dd, uint64_t idx)
{
	uint64_t pfn;

	for (pfn = 0; pfn < dd->max_mapnr; pfn++)
		if (pfn_dumped(dd, pfn) && !idx--)
			return pfn;
	return dd->max_mapnr;
}

/*
 * A file cut short is told at open time, not on the first unlucky read:
 * every page descriptor must point into the file.  That reads the whole
 * table (24 bytes a page, sequential); past DESC_CHECK_MAX pages only the
 * last ones are checked, to keep opening a huge dump quick.
 */
#define DESC_CHUNK	4096
#define DESC_CHECK_MAX	(UINT64_C(16) << 20)

static vmmap_status dd_check_descs(struct vmmap_ctx *ctx, struct diskdump *dd)
{
	uint8_t *buf = malloc(DESC_CHUNK * PAGE_DESC_SIZE);
	uint64_t first = 0, i;
	vmmap_status st = VMMAP_OK;

	if (!buf)
		return set_nomem(ctx);
	if (dd->ndumped > DESC_CHECK_MAX)
		first = dd->ndumped - DESC_CHUNK;
	for (i = first; i < dd->ndumped && !st; i += DESC_CHUNK) {
		size_t n = dd->ndumped - i < DESC_CHUNK ? (size_t)(dd->ndumped - i)
							: DESC_CHUNK, j;
		uint64_t at = dd->desc_off + i * PAGE_DESC_SIZE;

		st = src_read(ctx, &dd->src, buf, n * PAGE_DESC_SIZE, at,
			      "page descriptors");
		for (j = 0; j < n && !st; j++) {
			const uint8_t *d = buf + j * PAGE_DESC_SIZE;
			uint64_t off = get64(d, dd->be);
			uint32_t size = get32(d + 8, dd->be);

			if (size && size <= dd->block_size &&
			    off <= dd->src.size && size <= dd->src.size - off)
				continue;
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					     "%s: page descriptor of pfn 0x%"
					     PRIx64 " at offset 0x%" PRIx64
					     ": data at 0x%" PRIx64 " size %"
					     PRIu32 " is not in the file (0x%"
					     PRIx64 " bytes, block size %" PRIu32
					     "; truncated?)", dd->src.path,
					     pfn_of_index(dd, i + j),
					     at + j * PAGE_DESC_SIZE, off, size,
					     dd->src.size, dd->block_size);
		}
	}
	free(buf);
	return st;
}

static vmmap_status dd_load(struct vmmap_ctx *ctx, struct diskdump *dd)
{
	vmmap_status st;

	st = dd_header(ctx, dd);
	if (!st)
		st = dd_sub_header(ctx, dd);
	if (!st)
		st = dd_bitmap(ctx, dd);
	if (!st)
		st = dd_check_descs(ctx, dd);
	return st;
}

/* ---- page data ---------------------------------------------------------- */

static const char *comp_name(uint32_t flags)
{
	if (flags & DUMP_DH_COMPRESSED_ZLIB)
		return "zlib";
	if (flags & DUMP_DH_COMPRESSED_LZO)
		return "lzo";
	if (flags & DUMP_DH_COMPRESSED_SNAPPY)
		return "snappy";
	return "zstd";
}

/* Decompress @in into @out (block_size bytes): the output size, or
 * (size_t)-1 for corrupt data, (size_t)-2 for a compression this build
 * lacks. */
static size_t decompress(uint32_t flags, const uint8_t *in, size_t inlen,
			 uint8_t *out, size_t outlen)
{
	if (flags & DUMP_DH_COMPRESSED_ZLIB) {
		uLongf n = outlen;

		if (uncompress(out, &n, in, inlen) != Z_OK)
			return (size_t)-1;
		return n;
	}
	if (flags & DUMP_DH_COMPRESSED_LZO) {
#ifdef HAVE_LZO
		lzo_uint n = outlen;

		if (lzo1x_decompress_safe(in, inlen, out, &n, NULL) != LZO_E_OK)
			return (size_t)-1;
		return n;
#else
		return (size_t)-2;
#endif
	}
	if (flags & DUMP_DH_COMPRESSED_SNAPPY) {
#ifdef HAVE_SNAPPY
		size_t n;

		if (snappy_uncompressed_length((const char *)in, inlen, &n) !=
		    SNAPPY_OK || n >= (size_t)-2)
			return (size_t)-1;
		if (n != outlen)
			return n;
		if (snappy_uncompress((const char *)in, inlen, (char *)out,
				      &n) != SNAPPY_OK)
			return (size_t)-1;
		return n;
#else
		return (size_t)-2;
#endif
	}
#ifdef HAVE_ZSTD
	{
		size_t n = ZSTD_decompress(out, outlen, in, inlen);

		return ZSTD_isError(n) ? (size_t)-1 : n;
	}
#else
	return (size_t)-2;
#endif
}

static vmmap_status dd_nodata(struct vmmap_ctx *ctx, const struct diskdump *dd,
			      uint64_t pfn)
{
	uint64_t paddr = pfn << dd->block_shift;
	uint8_t b;

	if (pfn >= dd->max_mapnr)
		return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
				       "physical 0x%" PRIx64 " is beyond the "
				       "dump's memory (max pfn 0x%" PRIx64 ")",
				       paddr, dd->max_mapnr);
	/* Bitmap 1 tells RAM from what makedumpfile left out. */
	if (src_read_byte(&dd->src, dd->bitmap_off + pfn / 8, &b) &&
	    (b >> (pfn % 8) & 1))
		return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
				       "physical 0x%" PRIx64
				       ": filtered out of the dump", paddr);
	return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
			       "physical 0x%" PRIx64 " is not in the dump "
			       "(not RAM)", paddr);
}

/* The worker's inflating of one page into @out: false if it cannot. */
static bool pf_inflate(struct diskdump *dd, struct prefetch *pf, uint64_t pfn,
		       uint8_t *out)
{
	struct page_desc d;

	if (dd_desc(pf->ctx, dd, pfn, &d) ||
	    !(d.flags & DUMP_DH_COMPRESSED) || (d.flags & (d.flags - 1)) ||
	    (d.flags & ~(uint32_t)DUMP_DH_COMPRESSED) ||
	    src_read(pf->ctx, &dd->src, pf->cbuf, d.size, d.offset, "page"))
		return false;
	return decompress(d.flags, pf->cbuf, d.size, out, dd->block_size) ==
	       dd->block_size;
}

static void *pf_worker(void *arg)
{
	struct diskdump *dd = arg;
	struct prefetch *pf = dd->pf;

	pthread_mutex_lock(&pf->mu);
	for (;;) {
		unsigned j = pf->n;
		bool ok;

		/* the last page not started: the walk comes from the first */
		while (j > pf->cursor && pf->state[j - 1] != PF_NEW)
			j--;
		if (pf->stop)
			break;
		if (j == pf->cursor) {
			pthread_cond_wait(&pf->cv, &pf->mu);
			continue;
		}
		j--;
		pf->state[j] = PF_BUSY;
		pthread_mutex_unlock(&pf->mu);
		ok = pf_inflate(dd, pf, pf->pfn[j], pf->buf +
				(size_t)j * dd->block_size);
		vmmap_clear_error(pf->ctx);
		pthread_mutex_lock(&pf->mu);
		pf->state[j] = ok ? PF_READY : PF_FAILED;
		pthread_cond_broadcast(&pf->cv);
	}
	pthread_mutex_unlock(&pf->mu);
	return NULL;
}

static void pf_stop(struct diskdump *dd)
{
	struct prefetch *pf = dd->pf;

	if (!pf)
		return;
	if (pf->running) {
		pthread_mutex_lock(&pf->mu);
		pf->stop = true;
		pthread_cond_broadcast(&pf->cv);
		pthread_mutex_unlock(&pf->mu);
		pthread_join(pf->thread, NULL);
	}
	pthread_mutex_destroy(&pf->mu);
	pthread_cond_destroy(&pf->cv);
	vmmap_free(pf->ctx);
	free(pf->buf);
	free(pf->cbuf);
	free(pf);
	dd->pf = NULL;
}

/* The walk's next tables: a new batch for the worker (once the page it is
 * inflating is done: the buffers are reused). */
static void dd_prefetch(void *data, const vmmap_addr_t *paddr, size_t n,
			size_t len)
{
	struct diskdump *dd = data;
	struct prefetch *pf = dd->pf;
	size_t i;

	if (len != dd->block_size || n < 2)
		return;
	if (!pf) {
		pf = calloc(1, sizeof(*pf));
		if (!pf)
			return;
		pf->buf = malloc((size_t)PF_MAX * dd->block_size);
		pf->cbuf = malloc(dd->block_size);
		pf->ctx = vmmap_new();
		if (!pf->buf || !pf->cbuf || !pf->ctx) {
			vmmap_free(pf->ctx);
			free(pf->buf);
			free(pf->cbuf);
			free(pf);
			return;
		}
		pf->ctx->quiet = 1;
		pthread_mutex_init(&pf->mu, NULL);
		pthread_cond_init(&pf->cv, NULL);
		dd->pf = pf;
		if (pthread_create(&pf->thread, NULL, pf_worker, dd)) {
			pf_stop(dd);
			return;
		}
		pf->running = true;
	}
	pthread_mutex_lock(&pf->mu);
	/* Every busy page, below the cursor too: the walk may have taken a
	 * later page (and moved the cursor past one the worker inflates)
	 * when it found the earlier one in its cache.  A buffer reused
	 * while the worker writes it would give the next batch's page the
	 * old one's contents, marked ready. */
	for (;;) {
		for (i = 0; i < pf->n && pf->state[i] != PF_BUSY; i++)
			;
		if (i == pf->n)
			break;
		pthread_cond_wait(&pf->cv, &pf->mu);
	}
	pf->n = 0;
	pf->cursor = 0;
	for (i = 0; i < n && pf->n < PF_MAX; i++) {
		uint64_t pfn = paddr[i] >> dd->block_shift;

		if ((paddr[i] & (dd->block_size - 1)) || !pfn_dumped(dd, pfn))
			continue;
		pf->pfn[pf->n] = pfn;
		pf->state[pf->n++] = PF_NEW;
	}
	pthread_cond_broadcast(&pf->cv);
	pthread_mutex_unlock(&pf->mu);
}

/* @pfn from the batch, inflated by the worker, into @out; false: not
 * there (or left for the caller, who inflates it itself). */
static bool pf_take(struct diskdump *dd, uint64_t pfn, uint8_t *out)
{
	struct prefetch *pf = dd->pf;
	unsigned j;
	bool got = false;

	pthread_mutex_lock(&pf->mu);
	for (j = pf->cursor; j < pf->n && pf->pfn[j] != pfn; j++)
		;
	if (j == pf->n) {
		pthread_mutex_unlock(&pf->mu);
		return false;
	}
	pf->cursor = j + 1;	/* the walk reads them in order */
	while (pf->state[j] == PF_BUSY)
		pthread_cond_wait(&pf->cv, &pf->mu);
	if (pf->state[j] == PF_READY) {
		memcpy(out, pf->buf + (size_t)j * dd->block_size,
		       dd->block_size);
		got = true;
	}
	pf->state[j] = PF_TAKEN;
	pthread_mutex_unlock(&pf->mu);
	return got;
}

static vmmap_status dd_block(struct vmmap_ctx *ctx, struct diskdump *dd,
			     uint64_t pfn, const uint8_t **data_ret)
{
	struct cache_slot *slot = &dd->cache[0];
	struct page_desc d;
	size_t i, n;
	vmmap_status st;

	if (!pfn_dumped(dd, pfn))
		return dd_nodata(ctx, dd, pfn);
	for (i = 0; i < DD_CACHE_SLOTS; i++) {
		struct cache_slot *c = &dd->cache[i];

		if (c->valid && c->pfn == pfn) {
			c->age = ++dd->clock;
			*data_ret = c->data;
			return VMMAP_OK;
		}
		if (!c->valid || c->age < slot->age)
			slot = c;
	}
	slot->valid = false;
	if (!slot->data) {
		slot->data = malloc(dd->block_size);
		if (!slot->data)
			return set_nomem(ctx);
	}
	if (dd->pf && pf_take(dd, pfn, slot->data)) {
		slot->valid = true;
		slot->pfn = pfn;
		slot->age = ++dd->clock;
		*data_ret = slot->data;
		return VMMAP_OK;
	}
	st = dd_desc(ctx, dd, pfn, &d);
	if (st)
		return st;
	/* One compression or none: the page descriptor's flags hold only
	 * makedumpfile's DUMP_DH_COMPRESSED_* bits. */
	if ((d.flags & ~(uint32_t)DUMP_DH_COMPRESSED) ||
	    (d.flags & (d.flags - 1)))
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: pfn 0x%" PRIx64 ": page descriptor "
				       "flags 0x%" PRIx32 " name no known "
				       "compression (zlib 0x1, lzo 0x2, snappy "
				       "0x4, zstd 0x20)", dd->src.path, pfn,
				       d.flags);
	if (!(d.flags & DUMP_DH_COMPRESSED)) {
		if (d.size != dd->block_size)
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					       "%s: pfn 0x%" PRIx64 ": "
					       "uncompressed page data at "
					       "0x%" PRIx64 " is %" PRIu32
					       " bytes, not %" PRIu32,
					       dd->src.path, pfn, d.offset,
					       d.size, dd->block_size);
		st = src_read(ctx, &dd->src, slot->data, d.size, d.offset,
			      "page data");
		if (st)
			return st;
	} else {
		st = src_read(ctx, &dd->src, dd->cbuf, d.size, d.offset,
			      "page data");
		if (st)
			return st;
		n = decompress(d.flags, dd->cbuf, d.size, slot->data,
			       dd->block_size);
		if (n == (size_t)-2)
			return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP,
					       "%s: pfn 0x%" PRIx64 ": %s "
					       "compression is not supported "
					       "by this build", dd->src.path,
					       pfn, comp_name(d.flags));
		if (n == (size_t)-1)
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					       "%s: pfn 0x%" PRIx64 ": %s data "
					       "at offset 0x%" PRIx64
					       " (%" PRIu32 " bytes) is corrupt",
					       dd->src.path, pfn,
					       comp_name(d.flags), d.offset,
					       d.size);
		if (n != dd->block_size)
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					       "%s: pfn 0x%" PRIx64 ": %s data "
					       "at offset 0x%" PRIx64
					       " (%" PRIu32 " bytes) inflates "
					       "to %zu bytes, not %" PRIu32,
					       dd->src.path, pfn,
					       comp_name(d.flags), d.offset,
					       d.size, n, dd->block_size);
	}
	slot->valid = true;
	slot->pfn = pfn;
	slot->age = ++dd->clock;
	*data_ret = slot->data;
	return VMMAP_OK;
}

/* ---- memory source -------------------------------------------------- */

static vmmap_status dd_read_phys(struct vmmap_ctx *ctx, void *data,
				 vmmap_addr_t paddr, void *buf, size_t len)
{
	struct diskdump *dd = data;
	uint8_t *p = buf;

	while (len) {
		uint64_t pfn = paddr >> dd->block_shift;
		size_t in = (size_t)(paddr & (dd->block_size - 1));
		size_t n = dd->block_size - in < len ? dd->block_size - in : len;
		const uint8_t *blk = NULL;
		vmmap_status st = dd_block(ctx, dd, pfn, &blk);

		/* The reader returns what the contract knows: a corrupt
		 * page is a failed read, its message says why. */
		if (st != VMMAP_OK && st != VMMAP_ERR_NODATA &&
		    st != VMMAP_ERR_NOMEM)
			st = VMMAP_ERR_IO;
		if (st)
			return st;
		memcpy(p, blk + in, n);
		p += n;
		paddr += n;
		len -= n;
	}
	return VMMAP_OK;
}

static void dd_release(void *data)
{
	dd_free(data);
}

static bool dd_phys_end(void *data, vmmap_addr_t *end_ret)
{
	const struct diskdump *dd = data;

	*end_ret = dd->max_mapnr << dd->block_shift;
	return true;
}

/* The first address >= @addr in a page the file has (bitmap 2), by the
 * rank index's chunks: a chunk without a dumped page is skipped whole. */
static vmmap_addr_t dd_next_data(void *data, vmmap_addr_t addr)
{
	const struct diskdump *dd = data;
	uint64_t pfn = addr >> dd->block_shift;
	uint64_t nchunks = (dd->max_mapnr + RANK_BITS - 1) / RANK_BITS, c;

	if (pfn >= dd->max_mapnr)
		return VMMAP_ADDR_MAX;
	if (pfn_dumped(dd, pfn))
		return addr;
	for (c = pfn / RANK_BITS; c < nchunks; c++) {
		uint64_t p = c * RANK_BITS > pfn ? c * RANK_BITS : pfn + 1;
		uint64_t e = (c + 1) * RANK_BITS < dd->max_mapnr
			     ? (c + 1) * RANK_BITS : dd->max_mapnr;

		if (dd->rank[c + 1] == dd->rank[c])
			continue;
		for (; p < e; p++)
			if (pfn_dumped(dd, p))
				return p << dd->block_shift;
	}
	return VMMAP_ADDR_MAX;
}

static const struct vmmap_mem_ops diskdump_ops = {
	.read_phys = dd_read_phys,
	.release = dd_release,
	.phys_end = dd_phys_end,
	.next_data = dd_next_data,
	.prefetch = dd_prefetch,
};

static void dd_hints(const struct diskdump *dd, struct source_hints *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->machine, dd->machine, sizeof(h->machine));
	memcpy(h->release, dd->release, sizeof(h->release));
	h->ptr_bits = dd->ptr_bits;
	h->big_endian = dd->be;
	h->block_size = dd->block_size;
}

vmmap_status diskdump_peek(struct vmmap_ctx *ctx, int fd, const char *path,
			   struct source_hints *h)
{
	struct diskdump *dd = calloc(1, sizeof(*dd));
	vmmap_status st;

	if (!dd)
		return set_nomem(ctx);
	st = src_open(ctx, &dd->src, fd, path);
	if (!st)
		st = dd_header(ctx, dd);
	if (!st)
		dd_hints(dd, h);
	dd_free(dd);
	return st;
}

static vmmap_status dd_new(struct vmmap_ctx *ctx, int fd, const char *path,
			   struct diskdump **dd_ret)
{
	struct diskdump *dd = calloc(1, sizeof(*dd));
	vmmap_status st;

	*dd_ret = dd;
	if (!dd)
		return set_nomem(ctx);
	st = src_open(ctx, &dd->src, fd, path);
	if (!st)
		st = dd_load(ctx, dd);
	return st;
}

vmmap_status diskdump_attach(struct vmmap_ctx *ctx, int fd, const char *path,
			     struct source_hints *h)
{
	struct diskdump *dd;
	char *vmci = NULL;
	vmmap_status st;

	st = dd_new(ctx, fd, path, &dd);
	if (st)
		goto fail;
	dd->cbuf = malloc(dd->block_size);
	if (!dd->cbuf) {
		st = set_nomem(ctx);
		goto fail;
	}
#ifdef HAVE_LZO
	if (lzo_init() != LZO_E_OK) {
		st = vmmap_set_error(ctx, VMMAP_ERR_NOTSUP, "lzo_init failed");
		goto fail;
	}
#endif
	if (dd->vmci_size) {
		vmci = malloc(dd->vmci_size);
		if (!vmci) {
			st = set_nomem(ctx);
			goto fail;
		}
		st = src_read(ctx, &dd->src, vmci, dd->vmci_size,
			      dd->vmci_off, "VMCOREINFO");
		if (st)
			goto fail;
	}
	dd_hints(dd, h);
	st = vmmap_set_mem(ctx, &diskdump_ops, dd);
	if (st)
		goto fail;
	/* dd belongs to the context from here on. */
	if (vmci)
		st = vmmap_set_vmcoreinfo(ctx, vmci,
					  strnlen(vmci, dd->vmci_size));
	free(vmci);
	/* An unusable note is as good as none: the open scans memory. */
	if (st && st != VMMAP_ERR_NOMEM) {
		vmmap_clear_error(ctx);
		st = VMMAP_OK;
	}
	return st;
fail:
	free(vmci);
	dd_free(dd);
	return st;
}

/* ---- the readers ------------------------------------------------------- */

static bool kdump_probe(const uint8_t *head, size_t n)
{
	return n >= 8 && !memcmp(head, KDUMP_SIGNATURE, 8);
}

/*
 * A kdump-compressed file: ours where libkdumpfile's cache is broken
 * (kdf_cache_bug()), else libkdumpfile where it reads the file's blocks as
 * its pages (QEMU writes 64 KiB blocks for arm64 guests, whose PFNs
 * libkdumpfile would count in pages), else ours; and ours when
 * libkdumpfile refuses the file, whose errors say what is wrong with it.
 */
static vmmap_status kdump_open(struct vmmap_ctx *ctx, int fd, const char *path,
			       uint64_t size, struct source_hints *h)
{
	vmmap_status st;

	if (kdf_cache_bug())
		return diskdump_attach(ctx, fd, path, h);
	st = diskdump_peek(ctx, fd, path, h);
	if (st)
		return st;
	st = kdf_attach(ctx, fd, path, h->block_size, h);
	if (st && st != VMMAP_ERR_NOMEM) {
		vmmap_clear_error(ctx);
		st = diskdump_attach(ctx, fd, path, h);
	}
	return st;
}

const struct source_reader source_kdump = {
	.name = "kdump-compressed",
	.probe = kdump_probe,
	.open = kdump_open,
};

static bool flat_probe(const uint8_t *head, size_t n)
{
	return n >= 13 && !memcmp(head, FLAT_SIGNATURE, 13);
}

/* makedumpfile's flattened format (QEMU's kdump-* output): libkdumpfile
 * reads it right since 0.5.5; before, ours. */
static vmmap_status flat_open(struct vmmap_ctx *ctx, int fd, const char *path,
			      uint64_t size, struct source_hints *h)
{
	if (!kdf_cache_bug() && kdf_reads_flattened())
		return kdump_open(ctx, fd, path, size, h);
	return diskdump_attach(ctx, fd, path, h);
}

const struct source_reader source_flat = {
	.name = "flattened",
	.probe = flat_probe,
	.open = flat_open,
};
