/*
 * open.c - the one open path: pick a reader by the file's first bytes, let
 * it install the memory source, then finish: the kernel's VMCOREINFO from
 * memory when the file had none, the architecture and the release.
 */
#include "config.h"
#include "source/source.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PUBLIC __attribute__((visibility("default")))

/* The formats, as libkdumpfile's formats[]: the first whose probe takes
 * the file's first bytes reads it. */
static const struct source_reader *const readers[] = {
	&source_elf,
	&source_kdump,
	&source_flat,
};

/* Where the architecture the dump names (if any, and supported) keeps its
 * VMCOREINFO note; VMMAP_ADDR_MAX if it does not say. */
static vmmap_addr_t arch_note_addr(struct vmmap_ctx *ctx, const char *name)
{
	const struct vmmap_arch *a = arch_by_name(name);
	vmmap_addr_t addr;

	if (!a || !a->vmcoreinfo_note || !a->vmcoreinfo_note(ctx, &addr))
		return VMMAP_ADDR_MAX;
	return addr;
}

static vmmap_status set_hints(struct vmmap_ctx *ctx,
			      const struct source_hints *h, const char *arch)
{
	const char *release = h->release[0] ? h->release
			      : kv_get(&ctx->vmcoreinfo, "OSRELEASE");

	ctx->is_extract = h->extract;

	if (release && *release && !ctx->release_hint) {
		ctx->release_hint = strdup(release);
		if (!ctx->release_hint)
			return set_nomem(ctx);
	}
	if (ctx->arch_hint || !arch)
		return VMMAP_OK;
	return vmmap_set_arch(ctx, arch);
}

vmmap_status source_finish(struct vmmap_ctx *ctx, const struct source_hints *h)
{
	struct arch_clues c = {
		.elf_machine = h->elf_machine,
		.ptr_bits = h->ptr_bits,
		.uname = h->machine,
		.big_endian = h->big_endian,
		.data_order = h->elf_machine ? (h->big_endian ? 2 : 1) : 0,
		.block_size = h->block_size,
	};
	char buf[32];
	const char *arch;

	/* QEMU dumps of kernels without qemu_fw_cfg (Debian's s390x and
	 * armhf) have no VMCOREINFO note; the kernel's own copy is in
	 * memory.  Without it the front end may still give one. */
	if (!ctx->vmcoreinfo.n) {
		arch = ctx->arch_hint ? ctx->arch_hint
				      : arch_detect(ctx, &c, buf, sizeof(buf));
		if (vmci_scan_all(ctx, arch_note_addr(ctx, arch)) != VMMAP_OK)
			vmmap_clear_error(ctx);
	}
	/* The note's byte order is the memory's: an ELF header may say
	 * another (QEMU 7.2 writes ppc64le guests' dumps big-endian). */
	if (ctx->note_order)
		c.data_order = ctx->note_order;
	arch = arch_detect(ctx, &c, buf, sizeof(buf));
	return set_hints(ctx, h, arch);
}

/* Compressed files users mistake for dumps (a vmcore.xz as shipped, or
 * copied from a bug report): the format's magic (each format's own
 * specification) and the command that gives the dump back. */
static const struct {
	const char *name, *cmd;
	uint8_t len, magic[6];
} packed_formats[] = {
	{ "xz", "xz -dk", 6, { 0xfd, '7', 'z', 'X', 'Z', 0 } },
	{ "gzip", "gzip -dk", 2, { 0x1f, 0x8b } },
	{ "zstd", "zstd -d", 4, { 0x28, 0xb5, 0x2f, 0xfd } },
	{ "bzip2", "bzip2 -dk", 3, { 'B', 'Z', 'h' } },
	{ "lz4", "lz4 -d", 4, { 0x04, 0x22, 0x4d, 0x18 } },
};

static vmmap_status unknown_format(struct vmmap_ctx *ctx, const char *path,
				   const uint8_t *head, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(packed_formats); i++)
		if (n >= packed_formats[i].len &&
		    !memcmp(head, packed_formats[i].magic,
			    packed_formats[i].len))
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				"%s: compressed with %s, not a kernel dump: "
				"decompress it first (%s %s)", path,
				packed_formats[i].name, packed_formats[i].cmd,
				path);
	return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
			       "%s: not a kernel dump (unknown format)", path);
}

static vmmap_status open_fd(struct vmmap_ctx *ctx, int fd, const char *path)
{
	struct source_hints h;
	struct stat sb;
	uint8_t head[16];
	ssize_t n;
	size_t i;
	vmmap_status st;

	if (fstat(fd, &sb) < 0)
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				       strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: not a regular file", path);
	do
		n = pread(fd, head, sizeof(head), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				       strerror(errno));
	if (!sb.st_size)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "%s: empty file (0 bytes), not a kernel "
				       "dump", path);
	for (i = 0; i < ARRAY_SIZE(readers); i++) {
		if (!readers[i]->probe(head, (size_t)n))
			continue;
		memset(&h, 0, sizeof(h));
		st = readers[i]->open(ctx, fd, path, (uint64_t)sb.st_size, &h);
		return st ? st : source_finish(ctx, &h);
	}
	return unknown_format(ctx, path, head, (size_t)n);
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
	st = file_open_regular(ctx, path, "a kernel dump", &fd, NULL);
	if (st)
		return st;
	st = open_fd(ctx, fd, path);
	/* Every reader holds its own duplicate. */
	close(fd);
	return st;
}

PUBLIC vmmap_status vmmap_find_vmcoreinfo(struct vmmap_ctx *ctx,
					  vmmap_addr_t first, vmmap_addr_t end)
{
	vmmap_addr_t at = first ? VMMAP_ADDR_MAX
				: arch_note_addr(ctx, ctx->arch_hint);

	if (!first && !end)
		return vmci_scan_all(ctx, at);
	return vmci_scan(ctx, first, end, at);
}

vmmap_status source_open_route(struct vmmap_ctx *ctx, const char *path,
			       enum source_route route)
{
	struct source_hints h;
	struct stat sb;
	vmmap_status st;
	int fd;

	if (route == SOURCE_AUTO)
		return vmmap_open_dump(ctx, path);
	st = file_open_regular(ctx, path, "a kernel dump", &fd, NULL);
	if (st)
		return st;
	if (fstat(fd, &sb) < 0) {
		st = vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				     strerror(errno));
		close(fd);
		return st;
	}
	memset(&h, 0, sizeof(h));
	switch (route) {
	case SOURCE_LIBKDUMPFILE:
		st = kdf_attach(ctx, fd, path, 0, &h);
		break;
	case SOURCE_OWN_KDUMP:
		st = diskdump_attach(ctx, fd, path, &h);
		break;
	default:
		st = elf_attach(ctx, fd, path, (uint64_t)sb.st_size, &h);
		break;
	}
	close(fd);
	return st ? st : source_finish(ctx, &h);
}
