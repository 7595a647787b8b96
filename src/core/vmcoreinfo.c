/* vmcoreinfo.c - VMCOREINFO text: "KEY=value" lines the kernel writes. */
#include "config.h"
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

PUBLIC vmmap_status vmmap_set_vmcoreinfo(struct vmmap_ctx *ctx,
					 const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	vmmap_status st;
	size_t nkeys = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;
		const char *eq = memchr(p, '=', eol - p);

		/* The note may be NUL-padded; stop at the first NUL. */
		const char *nul = memchr(p, '\0', eol - p);
		if (nul) {
			eol = nul;
			if (eq && eq > nul)
				eq = NULL;
		}
		if (eq && eq > p) {
			st = kv_set(ctx, &ctx->vmcoreinfo, p, eq - p, eq + 1,
				    eol - eq - 1);
			if (st)
				return st;
			nkeys++;
		}
		if (nul)
			break;
		p = eol + 1;
	}
	if (!nkeys)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
				       "VMCOREINFO has no KEY=value line");
	ctx->loaded = false;
	return VMMAP_OK;
}

PUBLIC const char *vmmap_vmcoreinfo_get(const struct vmmap_ctx *ctx,
					const char *key)
{
	return kv_get(&ctx->vmcoreinfo, key);
}

static bool parse_u64(const char *s, int base, uint64_t *ret)
{
	char *end;
	bool neg = false;

	if (!s)
		return false;
	while (*s == ' ')
		s++;
	if (*s == '-') {
		neg = true;
		s++;
	}
	errno = 0;
	*ret = strtoull(s, &end, base);
	if (errno || end == s)
		return false;
	if (neg)
		*ret = -*ret;
	return true;
}

/* NUMBER() values are printed with %ld (decimal, maybe negative); a few
 * arch numbers are printed as 0x hex (e.g. arm64's kimage_voffset). */
bool vmci_number(const struct vmmap_ctx *ctx, const char *key,
		 uint64_t *value_ret)
{
	return parse_u64(kv_get(&ctx->vmcoreinfo, key), 0, value_ret);
}

/* SYMBOL() and KERNELOFFSET are printed with %lx, without 0x. */
bool vmci_hex(const struct vmmap_ctx *ctx, const char *key,
	      uint64_t *value_ret)
{
	return parse_u64(kv_get(&ctx->vmcoreinfo, key), 16, value_ret);
}

/* Every key an arch's init may read; keep in step with src/arch/ *.c. */
static const char *const keys[] = {
	"OSRELEASE", "PAGESIZE", "KERNELOFFSET", "CRASHTIME",
	/* x86_64: arch/x86/kernel/machine_kexec_64.c */
	"SYMBOL(init_top_pgt)", "NUMBER(phys_base)",
	"NUMBER(pgtable_l5_enabled)", "NUMBER(KERNEL_IMAGE_SIZE)",
	"NUMBER(sme_mask)",
	/* aarch64: arch/arm64/kernel/crash_core.c */
	"SYMBOL(swapper_pg_dir)", "NUMBER(VA_BITS)", "NUMBER(kimage_voffset)",
	"NUMBER(PHYS_OFFSET)", "NUMBER(TCR_EL1_T1SZ)", "KERNELPACMASK",
	"NUMBER(MODULES_VADDR)", "NUMBER(MODULES_END)",
	"NUMBER(VMALLOC_START)", "NUMBER(VMALLOC_END)",
	"NUMBER(VMEMMAP_START)", "NUMBER(VMEMMAP_END)",
	/* s390x */
	"SYMBOL(lowcore_ptr)", "SYMBOL(high_memory)", "NUMBER(sdma)",
	"NUMBER(edma)",
	/* arm */
	"SYMBOL(_stext)", "SYMBOL(mem_map)", "SYMBOL(contig_page_data)",
	/* kallsyms, v6.0+: kernel/vmcore_info.c */
	"SYMBOL(kallsyms_names)", "SYMBOL(kallsyms_num_syms)",
	"SYMBOL(kallsyms_token_table)", "SYMBOL(kallsyms_token_index)",
	"SYMBOL(kallsyms_offsets)", "SYMBOL(kallsyms_relative_base)",
	"SYMBOL(kallsyms_addresses)", "SYMBOL(kallsyms_markers)",
	NULL,
};

PUBLIC const char *const *vmmap_vmcoreinfo_keys(void)
{
	return keys;
}
