/*
 * arch/arch.h - the arch room: one descriptor per architecture and the one
 * registry that knows them all.  Not installed.
 *
 * Each src/arch/<name>.c exports one const struct vmmap_arch (core/core.h)
 * and nothing else.  registry.c is the only place that lists them: it
 * turns what a dump says about its machine (ELF e_machine, uname -m,
 * VMCOREINFO keys, QEMU's headers) into an architecture, and derives the
 * front ends' VMCOREINFO key and symbol lists from the descriptors.
 */
#ifndef VMMAP_ARCH_H
#define VMMAP_ARCH_H

#include "core/core.h"

extern const struct vmmap_arch vmmap_arch_x86_64;
extern const struct vmmap_arch vmmap_arch_aarch64;
extern const struct vmmap_arch vmmap_arch_s390x;
extern const struct vmmap_arch vmmap_arch_arm;
extern const struct vmmap_arch vmmap_arch_riscv64;
extern const struct vmmap_arch vmmap_arch_ppc64le;

/* By name or alias; NULL if none. */
const struct vmmap_arch *arch_by_name(const char *name);

/* What a dump's own headers say about the machine it comes from. */
struct arch_clues {
	unsigned elf_machine;	/* ELF e_machine, 0 if not ELF */
	unsigned ptr_bits;	/* 32 or 64 (ELF class, kdump header), 0 */
	const char *uname;	/* utsname.machine, NULL or "" if none */
	bool big_endian;	/* the header's byte order */
	/* The memory's byte order where it is known (ELFDATA2LSB 1,
	 * ELFDATA2MSB 2; 0 unknown): that of the kernel's VMCOREINFO note
	 * found in memory, else an ELF header's. */
	unsigned data_order;
	uint32_t block_size;	/* kdump-compressed: the unit of its PFNs */
};

/*
 * The architecture a dump is of, by what it says, most specific first: its
 * ELF machine, its uname -m, the keys its VMCOREINFO has, QEMU's unnamed
 * kdump headers.  The name of a supported architecture, or of one vmmap
 * does not support ("riscv64", "ELF machine 243": written to @buf) so that
 * loading says so rather than walking it as another; NULL if nothing says.
 */
const char *arch_detect(const struct vmmap_ctx *ctx,
			const struct arch_clues *c, char *buf, size_t size);

/* The architecture whose kernels write the VMCOREINFO keys @ctx has; NULL
 * if none does. */
const struct vmmap_arch *arch_from_vmcoreinfo(const struct vmmap_ctx *ctx);

#endif /* VMMAP_ARCH_H */
