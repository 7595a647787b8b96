/* kernel/dwarf.h - the kernel's types from a vmlinux's DWARF (libdw), for
 * kernels without BTF. */
#ifndef VMMAP_KERNEL_DWARF_H
#define VMMAP_KERNEL_DWARF_H

#include "kernel/kernel.h"

struct kdwarf;

vmmap_status kdwarf_open(struct vmmap_ctx *ctx, const char *path,
			 struct kdwarf **ret);
void kdwarf_free(struct kdwarf *d);
vmmap_status kdwarf_member(struct vmmap_ctx *ctx, struct kdwarf *d,
			   const char *type, const char *path,
			   struct kmember *m);
vmmap_status kdwarf_size(struct vmmap_ctx *ctx, struct kdwarf *d,
			 const char *type, uint64_t *size_ret);
vmmap_status kdwarf_enum(struct vmmap_ctx *ctx, struct kdwarf *d,
			 const char *type, const char *name,
			 int64_t *value_ret);

#endif
