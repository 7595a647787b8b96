/*
 * extract.c - a dump cut down to what vmmap read: an ELF core file that a
 * user can attach to a bug report instead of a multi-GiB vmcore full of
 * private data, and that the test corpus keeps for kernels whose whole
 * dumps would not fit in the repository.
 *
 * The file, in the byte order and class of the dump's architecture:
 *   ELF header, program headers (written by libelf)
 *   PT_NOTE: "VMCOREINFO" (type 0, as the kernel's) with the VMCOREINFO in
 *            use, and "VMMAP" (type 1) saying it is an extract: of which
 *            file, the memory's end, the architecture, the release, the
 *            registers and the symbols the session was given
 *   PT_LOAD: one per run of whole 4 KiB pages read (p_paddr = p_vaddr =
 *            physical address), page-aligned in the file
 * Memory the session did not read is not in the file: reading it gives
 * VMMAP_ERR_NODATA, as reading memory a dump does not hold does.
 */
#include "config.h"
#include "source/source.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PUBLIC __attribute__((visibility("default")))

#define EXTRACT_ALIGN	4096
/* One PT_LOAD per run; more than this would need PN_XNUM. */
#define EXTRACT_MAX_RUNS 65000

struct membuf {
	char *p;
	size_t len;
};

static vmmap_status buf_printf(struct vmmap_ctx *ctx, struct membuf *b,
			       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static vmmap_status buf_printf(struct vmmap_ctx *ctx, struct membuf *b,
			       const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return set_nomem(ctx);
	if (!(b->p = realloc(b->p, b->len + (size_t)n + 1))) {
		free(s);
		return set_nomem(ctx);
	}
	memcpy(b->p + b->len, s, (size_t)n + 1);
	b->len += (size_t)n;
	free(s);
	return VMMAP_OK;
}

static void put32(uint8_t *p, uint32_t v, bool be)
{
	int i;

	for (i = 0; i < 4; i++)
		p[be ? i : 3 - i] = (uint8_t)(v >> (8 * (3 - i)));
}

/* One ELF note: header in the file's byte order, name and desc padded to
 * 4 bytes (both classes: the kernel's and QEMU's VMCOREINFO notes). */
static vmmap_status add_note(struct vmmap_ctx *ctx, struct membuf *notes,
			     const char *name, uint32_t type,
			     const struct membuf *desc, bool be)
{
	size_t namesz = strlen(name) + 1, npad = (namesz + 3) & ~(size_t)3;
	size_t dpad = (desc->len + 3) & ~(size_t)3;
	size_t size = 12 + npad + dpad;
	uint8_t *p;

	if (!(notes->p = realloc(notes->p, notes->len + size)))
		return set_nomem(ctx);
	p = (uint8_t *)notes->p + notes->len;
	memset(p, 0, size);
	put32(p, (uint32_t)namesz, be);
	put32(p + 4, (uint32_t)desc->len, be);
	put32(p + 8, type, be);
	memcpy(p + 12, name, namesz);
	memcpy(p + 12 + npad, desc->p, desc->len);
	notes->len += size;
	return VMMAP_OK;
}

/* VMCOREINFO as the session has it, in the order its keys came. */
static vmmap_status vmcoreinfo_text(struct vmmap_ctx *ctx, struct membuf *b)
{
	size_t i;
	vmmap_status st = buf_printf(ctx, b, "%s", "");

	for (i = 0; !st && i < ctx->vmcoreinfo.n; i++)
		st = buf_printf(ctx, b, "%s=%s\n", ctx->vmcoreinfo.v[i].key,
				ctx->vmcoreinfo.v[i].val);
	return st;
}

static vmmap_status kv_lines(struct vmmap_ctx *ctx, struct membuf *b,
			     const char *prefix, const struct kvlist *l)
{
	vmmap_status st = VMMAP_OK;
	size_t i;

	for (i = 0; !st && i < l->n; i++)
		st = buf_printf(ctx, b, "%s.%s=0x%s\n", prefix, l->v[i].key,
				l->v[i].val);
	return st;
}

static vmmap_status extract_note(struct vmmap_ctx *ctx, struct membuf *b,
				 const char *source_name)
{
	const char *const *name;
	vmmap_addr_t end;
	vmmap_status st;

	st = buf_printf(ctx, b, "vmmap-extract=1\nvmmap=%s\narch=%s\n",
			PACKAGE_VERSION, ctx->arch->name);
	if (!st && source_name)
		st = buf_printf(ctx, b, "source=%s\n", source_name);
	if (!st && ctx->release_hint)
		st = buf_printf(ctx, b, "release=%s\n", ctx->release_hint);
	if (!st && mem_phys_end(ctx, &end))
		st = buf_printf(ctx, b, "phys_end=0x%" PRIx64 "\n", end);
	if (!st)
		st = kv_lines(ctx, b, "reg", &ctx->regs);
	if (!st)
		st = kv_lines(ctx, b, "value", &ctx->values);
	/* Of the symbols given, those the library may look up. */
	for (name = vmmap_symbol_names(); !st && *name; name++) {
		const char *v = kv_get(&ctx->symbols, *name);

		if (v)
			st = buf_printf(ctx, b, "symbol.%s=0x%s\n", *name, v);
	}
	return st;
}

static vmmap_status write_all(struct vmmap_ctx *ctx, int fd, const char *path,
			      const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return vmmap_set_error(ctx, VMMAP_ERR_IO,
					       "%s: write at offset 0x%" PRIx64
					       ": %s", path, off,
					       n < 0 ? strerror(errno)
						     : "nothing written");
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return VMMAP_OK;
}

/* The ELF header and program headers, through libelf (ELF_F_LAYOUT: the
 * offsets are ours). */
static vmmap_status write_headers(struct vmmap_ctx *ctx, int fd,
				  const char *path,
				  const struct mem_record *rec,
				  uint64_t note_off, size_t note_len,
				  const uint64_t *load_off)
{
	const struct vmmap_arch *a = ctx->arch;
	int cls = a->elf_bits == 32 ? ELFCLASS32 : ELFCLASS64;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	Elf *elf;
	size_t i;
	vmmap_status st = VMMAP_OK;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!elf || !gelf_newehdr(elf, cls) || !gelf_getehdr(elf, &eh))
		goto fail;
	elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
	eh.e_ident[EI_DATA] = pg_data_be(&ctx->fmt) ? ELFDATA2MSB
							 : ELFDATA2LSB;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = (GElf_Half)a->elf_machine;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = gelf_fsize(elf, ELF_T_EHDR, 1, EV_CURRENT);
	eh.e_shoff = 0;
	if (!gelf_update_ehdr(elf, &eh) ||
	    !gelf_newphdr(elf, rec->n + 1))
		goto fail;
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = note_off;
	ph.p_filesz = note_len;
	ph.p_align = 4;
	if (!gelf_update_phdr(elf, 0, &ph))
		goto fail;
	for (i = 0; i < rec->n; i++) {
		memset(&ph, 0, sizeof(ph));
		ph.p_type = PT_LOAD;
		ph.p_flags = PF_R | PF_W | PF_X;
		ph.p_offset = load_off[i];
		ph.p_vaddr = ph.p_paddr = rec->v[i].start;
		ph.p_filesz = ph.p_memsz = rec->v[i].end - rec->v[i].start;
		if (!gelf_update_phdr(elf, (int)(i + 1), &ph))
			goto fail;
	}
	if (elf_update(elf, ELF_C_WRITE) < 0)
		goto fail;
	elf_end(elf);
	return st;
fail:
	st = vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: ELF headers: %s", path,
			     elf_errmsg(-1));
	if (elf)
		elf_end(elf);
	return st;
}

/* The memory of every run, read again from the source. */
static vmmap_status write_memory(struct vmmap_ctx *ctx, int fd,
				 const char *path,
				 const struct mem_record *rec,
				 const uint64_t *load_off, uint64_t *bytes_ret)
{
	uint8_t *page = malloc(EXTRACT_ALIGN);
	vmmap_status st = page ? VMMAP_OK : set_nomem(ctx);
	size_t i;

	*bytes_ret = 0;
	for (i = 0; !st && i < rec->n; i++) {
		vmmap_addr_t a;

		for (a = rec->v[i].start; !st && a < rec->v[i].end;
		     a += EXTRACT_ALIGN) {
			st = ctx->mem_ops->read_phys(ctx, ctx->mem_data, a,
						     page, EXTRACT_ALIGN);
			if (st)
				st = vmmap_set_error(ctx, st, "reading physical "
						     "0x%" PRIx64 " again", a);
			else
				st = write_all(ctx, fd, path, page,
					       EXTRACT_ALIGN, load_off[i] +
					       (a - rec->v[i].start));
		}
		*bytes_ret += rec->v[i].end - rec->v[i].start;
	}
	free(page);
	return st;
}

PUBLIC vmmap_status vmmap_write_extract(struct vmmap_ctx *ctx, const char *path,
					const char *source_name,
					uint64_t *bytes_ret)
{
	struct mem_record *rec = ctx->record;
	struct membuf vmci = { NULL, 0 }, note = { NULL, 0 },
		      notes = { NULL, 0 };
	uint64_t *load_off = NULL, off, bytes = 0;
	size_t i, hdrs;
	vmmap_status st;
	int fd;

	if (!ctx->loaded || !ctx->arch)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "extract: the "
				       "context is not loaded");
	if (!rec)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "extract: reads "
				       "were not recorded (vmmap_record_reads)");
	if (rec->n > EXTRACT_MAX_RUNS)
		return vmmap_set_error(ctx, VMMAP_ERR_LIMIT, "extract: %zu runs "
				       "of memory read, more than %u", rec->n,
				       EXTRACT_MAX_RUNS);
	st = vmcoreinfo_text(ctx, &vmci);
	if (!st)
		st = extract_note(ctx, &note, source_name);
	if (!st && vmci.len)
		st = add_note(ctx, &notes, "VMCOREINFO", 0, &vmci,
			      pg_data_be(&ctx->fmt));
	if (!st)
		st = add_note(ctx, &notes, VMMAP_NOTE_NAME, VMMAP_NOTE_EXTRACT,
			      &note, pg_data_be(&ctx->fmt));
	if (st)
		goto out;
	load_off = calloc(rec->n + 1, sizeof(*load_off));
	if (!load_off) {
		st = set_nomem(ctx);
		goto out;
	}
	/* ELF header and program headers of the larger class, then the
	 * notes, then the memory page-aligned. */
	hdrs = 64 + (rec->n + 1) * 56;
	off = (hdrs + EXTRACT_ALIGN - 1) & ~(uint64_t)(EXTRACT_ALIGN - 1);
	{
		uint64_t note_off = off;

		off += (notes.len + EXTRACT_ALIGN - 1) &
		       ~(uint64_t)(EXTRACT_ALIGN - 1);
		for (i = 0; i < rec->n; i++) {
			load_off[i] = off;
			off += rec->v[i].end - rec->v[i].start;
		}
		/* Create, never overwrite: the path may be the dump's. */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0) {
			st = vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
					     strerror(errno));
			goto out;
		}
		/* The walk's own reads must not change the record. */
		ctx->record = NULL;
		st = write_headers(ctx, fd, path, rec, note_off, notes.len,
				   load_off);
		if (!st)
			st = write_all(ctx, fd, path, notes.p, notes.len,
				       note_off);
		if (!st)
			st = write_memory(ctx, fd, path, rec, load_off, &bytes);
		ctx->record = rec;
		if (close(fd) && !st)
			st = vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
					     strerror(errno));
		if (st)
			unlink(path);
	}
	if (!st && bytes_ret)
		*bytes_ret = bytes;
out:
	free(load_off);
	free(vmci.p);
	free(note.p);
	free(notes.p);
	return st;
}
