/*
 * registry.c - the one list of architectures, and everything derived from
 * it: lookup by name, detection from what a dump says, and the VMCOREINFO
 * keys and symbols the front ends give.  Adding an architecture is adding
 * its descriptor to arches[] (doc/design.md has the checklist).
 */
#include "config.h"
#include "arch/arch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

/* riscv64 before aarch64: both write NUMBER(VA_BITS) and
 * SYMBOL(swapper_pg_dir), arm64's last-resort mark; riscv64's own keys are
 * looked for first. */
static const struct vmmap_arch *const arches[] = {
	&vmmap_arch_x86_64,
	&vmmap_arch_riscv64,
	&vmmap_arch_aarch64,
	&vmmap_arch_s390x,
	&vmmap_arch_arm,
	&vmmap_arch_ppc64le,
};

const struct vmmap_arch *arch_by_name(const char *name)
{
	size_t i, j;

	if (!name)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(arches); i++) {
		if (!strcmp(arches[i]->name, name))
			return arches[i];
		for (j = 0; arches[i]->aliases && arches[i]->aliases[j]; j++)
			if (!strcmp(arches[i]->aliases[j], name))
				return arches[i];
	}
	return NULL;
}

/*
 * ELF machines of architectures Linux runs on that vmmap does not walk
 * (include/uapi/linux/elf-em.h): named, so that the error says which.
 */
static const struct {
	unsigned machine, bits;	/* bits 0: either class */
	unsigned data;		/* the memory's byte order, 0: either */
	const char *name;
} other_elf[] = {
	{ 2, 0, 0, "sparc" },
	{ 3, 0, 0, "i386" },
	{ 8, 32, 0, "mips" },
	{ 8, 64, 0, "mips64" },
	{ 20, 0, 0, "ppc" },
	/* big-endian ppc64 (ppc64le is a descriptor): same machine, the
	 * same big-endian tables, but big-endian data and the ELFv1 ABI;
	 * no dump of one has been checked */
	{ 21, 0, 0, "ppc64" },
	{ 22, 32, 0, "s390" },
	{ 43, 0, 0, "sparc64" },
	{ 50, 0, 0, "ia64" },
	{ 243, 32, 0, "riscv32" },
	{ 258, 0, 0, "loongarch64" },
};

/* Does the dump's memory have the byte order the architecture's has? */
static bool order_fits(unsigned want, const struct arch_clues *c)
{
	return !want || !c->data_order || want == c->data_order;
}

static const char *from_elf(const struct arch_clues *c, char *buf,
			    size_t size)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i]->elf_machine == c->elf_machine &&
		    (!c->ptr_bits || arches[i]->elf_bits == c->ptr_bits) &&
		    order_fits(arches[i]->elf_data, c))
			return arches[i]->name;
	for (i = 0; i < ARRAY_SIZE(other_elf); i++)
		if (other_elf[i].machine == c->elf_machine &&
		    (!other_elf[i].bits || other_elf[i].bits == c->ptr_bits) &&
		    order_fits(other_elf[i].data, c))
			return other_elf[i].name;
	snprintf(buf, size, "ELF machine %u", c->elf_machine);
	return buf;
}

static const char *from_elf(const struct arch_clues *c, char *buf,
			    size_t size);

/* uname -m, or QEMU's ELF_MACHINE_UNAME ("x86_64", "S390X"; "Unknown"
 * for the targets it has none for: then NULL, nothing is said).  A name
 * QEMU gives both byte orders of a machine ("ppc64") is the one the
 * memory's order says, when it is known. */
static const char *from_uname(const struct arch_clues *c, char *buf,
			      size_t size)
{
	const char *m = c->uname;
	const struct vmmap_arch *a = arch_by_name(m);
	size_t i;

	if (a)
		return a->name;
	for (i = 0; c->data_order && i < ARRAY_SIZE(other_elf); i++)
		if (!strcmp(other_elf[i].name, m))
			return from_elf(&(struct arch_clues){
					.elf_machine = other_elf[i].machine,
					.ptr_bits = other_elf[i].bits ? other_elf[i].bits
							  : c->ptr_bits,
					.data_order = c->data_order }, buf, size);
	for (i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i]->uname_prefix &&
		    !strncmp(m, arches[i]->uname_prefix,
			     strlen(arches[i]->uname_prefix)))
			return arches[i]->name;
	return strcmp(m, "Unknown") ? m : NULL;
}

/* Are all the keys of @mark ("A+B") in VMCOREINFO? */
static bool has_mark(const struct vmmap_ctx *ctx, const char *mark)
{
	char key[128];

	while (*mark) {
		size_t n = strcspn(mark, "+");

		if (n >= sizeof(key))
			return false;
		memcpy(key, mark, n);
		key[n] = '\0';
		if (!kv_get(&ctx->vmcoreinfo, key))
			return false;
		mark += n + (mark[n] == '+');
	}
	return true;
}

const struct vmmap_arch *arch_from_vmcoreinfo(const struct vmmap_ctx *ctx)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(arches); i++)
		for (j = 0; arches[i]->vmcoreinfo_marks &&
			    arches[i]->vmcoreinfo_marks[j]; j++)
			if (has_mark(ctx, arches[i]->vmcoreinfo_marks[j]))
				return arches[i];
	return NULL;
}

/* QEMU's kdump header without a machine name: among the targets QEMU can
 * dump, the little-endian ones it does not name. */
static const char *from_qemu_unnamed(const struct arch_clues *c)
{
	size_t i;

	if (!c->uname || strcmp(c->uname, "Unknown") || c->big_endian)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i]->qemu_unnamed_bits == c->ptr_bits &&
		    c->ptr_bits &&
		    (!arches[i]->qemu_unnamed_block_size ||
		     arches[i]->qemu_unnamed_block_size == c->block_size))
			return arches[i]->name;
	return NULL;
}

const char *arch_detect(const struct vmmap_ctx *ctx,
			const struct arch_clues *c, char *buf, size_t size)
{
	const struct vmmap_arch *a;
	const char *name;

	if (c->elf_machine)
		return from_elf(c, buf, size);
	if (c->uname && *c->uname && (name = from_uname(c, buf, size)))
		return name;
	a = arch_from_vmcoreinfo(ctx);
	if (a && order_fits(a->elf_data, c))
		return a->name;
	if (a)
		return from_elf(&(struct arch_clues){
				.elf_machine = a->elf_machine,
				.ptr_bits = a->elf_bits,
				.data_order = c->data_order }, buf, size);
	return from_qemu_unnamed(c);
}

/* ---- what the front ends give ------------------------------------------ */

struct namelist {
	const char **v;
	size_t n, cap;
};

static bool add_name(struct namelist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return true;
	if (l->n + 2 > l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		const char **nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			return false;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = name;
	l->v[l->n] = NULL;
	return true;
}

static bool add_names(struct namelist *l, const char *const *names)
{
	for (; names && *names; names++)
		if (!add_name(l, *names))
			return false;
	return true;
}

/* Add a string made here: kept if new, freed if a duplicate. */
static bool add_made(struct namelist *l, char *name)
{
	if (!name || !add_name(l, name)) {
		free(name);
		return false;
	}
	if (l->v[l->n - 1] != name)
		free(name);
	return true;
}

/* "SYMBOL(name)": where VMCOREINFO has a symbol lookup_symbol() asks for. */
static bool add_symbol_keys(struct namelist *l, const char *const *names)
{
	for (; names && *names; names++) {
		char *key;

		if (asprintf(&key, "SYMBOL(%s)", *names) < 0 ||
		    !add_made(l, key))
			return false;
	}
	return true;
}

/* A mark "A+B" names keys A and B. */
static bool add_mark_keys(struct namelist *l, const char *const *marks)
{
	for (; marks && *marks; marks++) {
		const char *m = *marks;

		while (*m) {
			size_t n = strcspn(m, "+");

			if (!add_made(l, strndup(m, n)))
				return false;
			m += n + (m[n] == '+');
		}
	}
	return true;
}

static struct namelist keys, symbols;
static const char *const empty[] = { NULL };
static pthread_once_t lists_once = PTHREAD_ONCE_INIT;
static bool lists_ok;

/* Built once; the lists live as long as the process. */
static void build_lists(void)
{
	bool ok = add_names(&keys, vmci_core_keys) &&
		  add_symbol_keys(&keys, core_symbol_names) &&
		  add_names(&symbols, core_symbol_names) &&
		  add_symbol_keys(&keys, kernel_symbol_names) &&
		  add_names(&symbols, kernel_symbol_names) &&
		  add_names(&keys, kernel_vmcoreinfo_keys);
	size_t i;

	for (i = 0; ok && i < ARRAY_SIZE(arches); i++)
		ok = add_names(&keys, arches[i]->vmcoreinfo_keys) &&
		     add_mark_keys(&keys, arches[i]->vmcoreinfo_marks) &&
		     add_symbol_keys(&keys, arches[i]->symbols) &&
		     add_names(&symbols, arches[i]->symbols);
	lists_ok = ok;
}

PUBLIC const char *const *vmmap_vmcoreinfo_keys(void)
{
	pthread_once(&lists_once, build_lists);
	return lists_ok ? (const char *const *)keys.v : empty;
}

PUBLIC const char *const *vmmap_symbol_names(void)
{
	pthread_once(&lists_once, build_lists);
	return lists_ok ? (const char *const *)symbols.v : empty;
}
