/*
 * symbols.c - kernel symbols from a vmlinux (ELF .symtab) or System.map.
 * Every symbol is kept (the store is hashed): the layout code of each
 * architecture looks up its own, and labels want the rest.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Link-time addresses move by the KASLR offset at boot; but x86_64's
 * per-CPU variables are offsets into each CPU's area, linked from 0 (the
 * section .data..percpu at address 0, __per_cpu_start 0 in System.map):
 * those stay as they are, as in the kernel's own kallsyms. */
static uint64_t kaslr_slide(const struct vmmap_ctx *ctx)
{
	uint64_t off;

	return vmci_hex(ctx, "KERNELOFFSET", &off) ? off : 0;
}

/* Is @sym in a per-CPU section linked at 0 (x86_64 SMP)? */
static bool zero_based_percpu(Elf *elf, const GElf_Sym *sym)
{
	size_t shstrndx;
	Elf_Scn *scn;
	GElf_Shdr sh;
	const char *name;

	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx >= SHN_LORESERVE ||
	    !(scn = elf_getscn(elf, sym->st_shndx)) || !gelf_getshdr(scn, &sh) ||
	    sh.sh_addr || elf_getshdrstrndx(elf, &shstrndx))
		return false;
	name = elf_strptr(elf, shstrndx, sh.sh_name);
	return name && !strcmp(name, ".data..percpu");
}

static vmmap_status load_elf(struct vmmap_ctx *ctx, int fd, const char *path)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	vmmap_status st = VMMAP_OK;
	uint64_t slide = kaslr_slide(ctx);
	size_t found = 0;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: %s", path,
				       elf_errmsg(-1));
	while (!st && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n && !st; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, i, &sym))
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			st = vmmap_set_symbol(ctx, name, sym.st_value +
					      (zero_based_percpu(elf, &sym)
					       ? 0 : slide));
			found++;
		}
	}
	elf_end(elf);
	if (!st && !found)
		st = vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				     "%s: no kernel symbols (no .symtab?)",
				     path);
	return st;
}

static vmmap_status load_system_map(struct vmmap_ctx *ctx, FILE *f,
				    const char *path)
{
	char line[512], name[256], type;
	uint64_t addr, slide = kaslr_slide(ctx);
	uint64_t pcpu_start = 1, pcpu_end = 0;
	size_t found = 0, lines = 0;
	vmmap_status st = VMMAP_OK;

	/* the per-CPU bounds first: symbols within them, when linked from
	 * 0, are not moved */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type,
			   name) == 3) {
			if (!strcmp(name, "__per_cpu_start"))
				pcpu_start = addr;
			else if (!strcmp(name, "__per_cpu_end"))
				pcpu_end = addr;
		}
	rewind(f);
	while (!st && fgets(line, sizeof(line), f)) {
		lines++;
		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3)
			return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				"%s:%zu: not a System.map line", path, lines);
		st = vmmap_set_symbol(ctx, name, addr +
				      (pcpu_start == 0 && addr < pcpu_end
				       ? 0 : slide));
		found++;
	}
	if (!st && !found)
		st = vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				     "%s: no kernel symbols", path);
	return st;
}

__attribute__((visibility("default")))
vmmap_status vmmap_load_symbols(struct vmmap_ctx *ctx, const char *path)
{
	unsigned char magic[4];
	vmmap_status st;
	int fd;
	FILE *f;

	st = file_open_regular(ctx, path, "a vmlinux or System.map", &fd,
			       NULL);
	if (st)
		return st;
	if (pread(fd, magic, 4, 0) == 4 && !memcmp(magic, ELFMAG, SELFMAG)) {
		st = load_elf(ctx, fd, path);
		close(fd);
		if (!st) {
			/* its types, for kernels whose dump has none */
			char *p = strdup(path);

			if (!p)
				return set_nomem(ctx);
			free(ctx->vmlinux);
			ctx->vmlinux = p;
		}
		return st;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return set_nomem(ctx);
	}
	st = load_system_map(ctx, f, path);
	fclose(f);
	return st;
}

__attribute__((visibility("default")))
vmmap_status vmmap_load_types(struct vmmap_ctx *ctx, const char *path)
{
	unsigned char magic[4];
	vmmap_status st;
	char *p;
	int fd;

	st = file_open_regular(ctx, path, "a vmlinux", &fd, NULL);
	if (st)
		return st;
	if (pread(fd, magic, 4, 0) != 4 || memcmp(magic, ELFMAG, SELFMAG)) {
		close(fd);
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: not an ELF "
				       "file (a vmlinux)", path);
	}
	close(fd);
	p = strdup(path);
	if (!p)
		return set_nomem(ctx);
	free(ctx->vmlinux);
	ctx->vmlinux = p;
	return VMMAP_OK;
}
