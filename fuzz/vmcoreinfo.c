/*
 * fuzz/vmcoreinfo.c - libFuzzer harness for VMCOREINFO: the text parser
 * (vmmap_set_vmcoreinfo()), the number parsing and validation every
 * architecture's loader uses on it (vmci_number(), vmci_hex(),
 * vmci_checked(), kernel_version()), and the search for the note in
 * physical memory (vmci_scan()).
 *
 * Input:
 *   byte 0      bit 0: scan: the rest is physical memory (see below);
 *               else the rest is VMCOREINFO text
 *               bit 1: text: given in two vmmap_set_vmcoreinfo() calls,
 *               split at the middle (later calls add to it)
 *   scan:       byte 1: the memory starts at byte1 * 4 KiB + byte1 (so
 *               misaligned too); the rest is the memory, a small source
 *               that says where it ends and what it holds
 * Every key it then holds is looked up and its value parsed as the loaders
 * parse theirs.  fuzz/vmcoreinfo.dict holds the keys the library reads
 * (vmmap_vmcoreinfo_keys()).
 */
#include "config.h"
#include "core/core.h"
#include "common.h"

#include <string.h>

struct smem {
	const uint8_t *data;
	size_t len;
	uint64_t addr;
};

static vmmap_status smem_read(struct vmmap_ctx *ctx, void *data,
			      vmmap_addr_t pa, void *buf, size_t len)
{
	const struct smem *m = data;

	(void)ctx;
	if (pa < m->addr || pa - m->addr > m->len ||
	    len > m->len - (pa - m->addr))
		return VMMAP_ERR_NODATA;
	memcpy(buf, m->data + (pa - m->addr), len);
	return VMMAP_OK;
}

static bool smem_end(void *data, vmmap_addr_t *end_ret)
{
	const struct smem *m = data;

	*end_ret = m->addr + m->len;
	return true;
}

static vmmap_addr_t smem_next(void *data, vmmap_addr_t pa)
{
	const struct smem *m = data;

	if (pa < m->addr)
		return m->addr;
	return pa - m->addr < m->len ? pa : VMMAP_ADDR_MAX;
}

static const struct vmmap_mem_ops smem_ops = {
	.read_phys = smem_read,
	.phys_end = smem_end,
	.next_data = smem_next,
};

static bool ok_small(uint64_t v)
{
	return v < (UINT64_C(1) << 52);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmmap_ctx *ctx;
	struct smem m = { 0 };
	uint64_t v;
	size_t i;

	if (size < 1)
		return 0;
	ctx = vmmap_new();
	if (!ctx)
		return 0;
	if (data[0] & 1) {
		if (size < 2)
			goto out;
		m.addr = (uint64_t)data[1] * 4096 + data[1];
		m.data = data + 2;
		m.len = size - 2;
		vmmap_set_mem(ctx, &smem_ops, &m);
		vmci_scan_all(ctx, data[0] & 2 ? m.addr : VMMAP_ADDR_MAX);
	} else if (data[0] & 2) {
		size_t half = (size - 1) / 2;

		vmmap_set_vmcoreinfo(ctx, (const char *)data + 1, half);
		vmmap_clear_error(ctx);
		vmmap_set_vmcoreinfo(ctx, (const char *)data + 1 + half,
				     size - 1 - half);
	} else {
		vmmap_set_vmcoreinfo(ctx, (const char *)data + 1, size - 1);
	}
	vmmap_clear_error(ctx);
	/* Each key it holds, parsed as the loaders parse theirs (looking up
	 * each of the library's keys instead would be most of the work). */
	for (i = 0; i < ctx->vmcoreinfo.n && i < 256; i++) {
		const char *key = ctx->vmcoreinfo.v[i].key;

		if (!*key || vmmap_vmcoreinfo_get(ctx, key) !=
			     ctx->vmcoreinfo.v[i].val)
			__builtin_trap();
		vmci_number(ctx, key, &v);
		vmci_hex(ctx, key, &v);
		vmci_checked(ctx, key, false, ok_small, "small", &v);
		vmci_checked(ctx, key, true, NULL, NULL, &v);
	}
	kernel_version(ctx);
	for (i = 0; i < vmmap_warning_count(ctx); i++)
		if (!vmmap_warning_get(ctx, i))
			__builtin_trap();
out:
	vmmap_free(ctx);
	return 0;
}
