/*
 * vmcoreinfo.c - VMCOREINFO: the "KEY=value" lines the kernel writes
 * (kernel/vmcore_info.c, arch_crash_save_vmcoreinfo()), their parsing, and
 * the search for the kernel's own note in memory for dumps without one.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
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
	/* The kernel prints the number and a newline: anything else after
	 * it is not a number it wrote ("12zz"). */
	while (*end == ' ' || *end == '\t' || *end == '\r')
		end++;
	if (*end)
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

bool vmci_checked(struct vmmap_ctx *ctx, const char *key, bool hex,
		  bool (*ok)(uint64_t), const char *want, uint64_t *value_ret)
{
	const char *raw = kv_get(&ctx->vmcoreinfo, key);
	uint64_t v;

	if (!raw)
		return false;
	if (!parse_u64(raw, hex ? 16 : 0, &v)) {
		add_warning(ctx, "VMCOREINFO %s=%.40s is not a number: ignored",
			    key, raw);
		return false;
	}
	if (ok && !ok(v)) {
		add_warning(ctx, "VMCOREINFO %s=%.40s is not %s: ignored", key,
			    raw, want);
		return false;
	}
	*value_ret = v;
	return true;
}


/* The keys the core reads itself; each architecture declares its own
 * (struct vmmap_arch.vmcoreinfo_keys), the registry makes the union. */
const char *const vmci_core_keys[] = {
	"OSRELEASE", "PAGESIZE", "KERNELOFFSET", "CRASHTIME",
	/* the dump's kallsyms, v6.0+: kernel/vmcore_info.c
	 * (kernel/crash_core.c before v6.9) */
	"SYMBOL(kallsyms_names)", "SYMBOL(kallsyms_num_syms)",
	"SYMBOL(kallsyms_token_table)", "SYMBOL(kallsyms_token_index)",
	"SYMBOL(kallsyms_offsets)", "SYMBOL(kallsyms_relative_base)",
	"SYMBOL(kallsyms_addresses)", "SYMBOL(kallsyms_markers)",
	NULL,
};

/* Symbols every architecture's layout may look up. */
const char *const core_symbol_names[] = {
	"_text", "_stext", "_etext", "_sdata", "_edata", "_end", "init_mm",
	"vmcoreinfo_note", "swapper_pg_dir",
	NULL,
};

/* Symbols the kernel room (src/kernel) looks up for the objects, tasks
 * and user spaces: kept here, below the registry that lists them for the
 * front ends (a room may not name one above it). */
const char *const kernel_symbol_names[] = {
	"__start_BTF", "__stop_BTF", "_sinittext", "_einittext",
	"vmap_area_list", "purge_vmap_area_list", "vmap_purge_list",
	"vmap_nodes", "nr_vmap_nodes", "node_online_map", "modules",
	"init_task", "runqueues", "__per_cpu_offset", "__cpu_possible_mask",
	"__per_cpu_start", "pcpu_unit_size", "cached_stacks",
	"__kfence_pool", "kfence_metadata", "special_mapping_name",
	"__start_rodata", "__end_rodata", "__bss_start", "__bss_stop",
	"__start_bss_decrypted_unused", "__end_bss_decrypted",
	"empty_zero_page", "taint_flags", "bpf_kallsyms",
	NULL,
};

/* VMCOREINFO keys the kernel room reads: the memory sections and the
 * slab page rules (src/kernel/slab.c). */
const char *const kernel_vmcoreinfo_keys[] = {
	"NUMBER(PG_slab)", "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)",
	"SYMBOL(mem_section)", "LENGTH(mem_section)", "SIZE(mem_section)",
	"NUMBER(SECTION_SIZE_BITS)", "NUMBER(MAX_PHYSMEM_BITS)", "SIZE(page)",
	NULL,
};

/* ---- VMCOREINFO scan ------------------------------------------------------ */

#define VMCI_NAME	"VMCOREINFO"
#define VMCI_NAMESZ	11	/* with its NUL */
#define VMCI_DESC_OFF	24	/* Elf_Nhdr (12) + name padded to 4 (12) */
#define VMCI_MAX_DESC	65536
#define SCAN_PAGE	4096
#define SCAN_BUDGET	(UINT64_C(16) << 20)	/* pages */
#define SCAN_MAX_MISSES	(UINT64_C(1) << 20)	/* pages */
#define SCAN_DEFAULT_END (UINT64_C(4) << 30)

static uint32_t rd32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[1] << 8 | p[0];
}

/* Is there a VMCOREINFO note header at @p (byte order @be)? */
static uint32_t note_at(const uint8_t *p, bool be)
{
	uint32_t descsz;

	if (rd32(p, be) != VMCI_NAMESZ || rd32(p + 8, be) != 0 ||
	    memcmp(p + 12, VMCI_NAME, VMCI_NAMESZ))
		return 0;
	descsz = rd32(p + 4, be);
	return descsz <= VMCI_MAX_DESC ? descsz : 0;
}

/* A note header at physical @addr with @descsz bytes: a valid VMCOREINFO
 * (it has OSRELEASE=)?  Then use it. */
static bool try_note(struct vmmap_ctx *ctx, uint64_t addr, uint32_t descsz)
{
	char *desc = malloc(descsz + 1);
	bool ok = false;

	if (!desc)
		return false;
	if (mem_read_phys(ctx, addr + VMCI_DESC_OFF, desc, descsz) == VMMAP_OK) {
		size_t len = strnlen(desc, descsz);

		desc[len] = '\0';
		if (strstr(desc, "OSRELEASE=") &&
		    vmmap_set_vmcoreinfo(ctx, desc, len) == VMMAP_OK)
			ok = true;
	}
	free(desc);
	return ok;
}

/* A note header at @p in either byte order: its descsz, and the order
 * in *be_ret. */
static uint32_t note_either(const uint8_t *p, bool *be_ret)
{
	uint32_t descsz = note_at(p, false);

	*be_ret = !descsz;
	return descsz ? descsz : note_at(p, true);
}

/* The note at @addr is used: say in which byte order memory holds it. */
static bool found_note(struct vmmap_ctx *ctx, uint64_t addr, uint32_t descsz,
		       bool be)
{
	if (!try_note(ctx, addr, descsz))
		return false;
	ctx->note_order = be ? 2 : 1;
	return true;
}

static bool scan_page(struct vmmap_ctx *ctx, const uint8_t *page,
		      uint64_t addr)
{
	size_t i;

	/* The note is 4-byte aligned; since Linux 4.13 it is page-aligned
	 * (alloc_pages_exact()), before that a static array. */
	for (i = 0; i + VMCI_DESC_OFF <= SCAN_PAGE; i += 4) {
		uint32_t descsz;
		bool be;

		if (page[i + 12] != 'V')
			continue;
		descsz = note_either(page + i, &be);
		if (descsz && found_note(ctx, addr + i, descsz, be))
			return true;
	}
	return false;
}

/* A note where the architecture says it is (either byte order). */
static bool try_note_at(struct vmmap_ctx *ctx, uint64_t addr)
{
	uint8_t buf[VMCI_DESC_OFF];
	uint32_t descsz;
	bool be;

	if (!addr || addr % 4 ||
	    mem_read_phys(ctx, addr, buf, sizeof(buf)) != VMMAP_OK)
		return false;
	descsz = note_either(buf, &be);
	return descsz && found_note(ctx, addr, descsz, be);
}

vmmap_status vmci_scan(struct vmmap_ctx *ctx, vmmap_addr_t first,
		       vmmap_addr_t end, vmmap_addr_t note_addr)
{
	/* Errors of the pages read on the way are not the caller's. */
	char *saved = ctx->errmsg;
	/* A bound on the work whatever the claimed size: 64 GiB of pages. */
	uint64_t budget = SCAN_BUDGET, misses = 0;
	uint8_t *page = malloc(SCAN_PAGE);
	uint64_t addr;
	bool found = false;

	if (!page)
		return set_nomem(ctx);
	ctx->errmsg = NULL;
	ctx->quiet++;
	ctx->note_order = 0;
	found = note_addr != VMMAP_ADDR_MAX && try_note_at(ctx, note_addr);
	for (addr = first & ~(uint64_t)(SCAN_PAGE - 1);
	     !found && addr < end && budget; addr += SCAN_PAGE) {
		uint64_t next = mem_next_data(ctx, addr);

		/* Skip what the file does not hold (holes, zero-filled
		 * p_memsz tails): no note is there. */
		if (next - addr >= SCAN_PAGE) {	/* not in this page */
			if (next >= end || next < addr)
				break;
			addr = (next & ~(uint64_t)(SCAN_PAGE - 1)) - SCAN_PAGE;
			continue;
		}
		budget--;
		if (mem_read_phys(ctx, addr, page, SCAN_PAGE) == VMMAP_OK) {
			found = scan_page(ctx, page, addr);
			misses = 0;
		} else if (++misses == SCAN_MAX_MISSES) {
			/* 4 GiB that the source does not hold, in a row: a
			 * size claimed but not there (the note sits in the
			 * kernel image, in RAM the dump has). */
			vmmap_clear_error(ctx);
			break;
		}
		vmmap_clear_error(ctx);
		/* The last page of the 64-bit space (a segment claimed
		 * there): the next would wrap to 0 and scan it all again. */
		if (addr > UINT64_MAX - SCAN_PAGE)
			break;
	}
	free(page);
	ctx->quiet--;
	vmmap_clear_error(ctx);
	ctx->errmsg = saved;
	if (!found && !budget)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				       "no VMCOREINFO note in the first %" PRIu64
				       " GiB of physical memory read (from 0x%"
				       PRIx64 ")", (SCAN_BUDGET * SCAN_PAGE) >> 30,
				       first);
	if (!found)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO,
				       "no VMCOREINFO note in physical memory "
				       "0x%" PRIx64 "-0x%" PRIx64, first, end);
	return VMMAP_OK;
}

uint32_t kernel_version(const struct vmmap_ctx *ctx)
{
	const char *rel = kv_get(&ctx->vmcoreinfo, "OSRELEASE");
	unsigned a, b, c = 0;

	if (!rel || !*rel)
		rel = ctx->release_hint;
	if (!rel || sscanf(rel, "%u.%u.%u", &a, &b, &c) < 2 || a > 255 ||
	    b > 255)
		return 0;
	return KVER(a, b, c > 255 ? 255 : c);
}

vmmap_status vmci_scan_all(struct vmmap_ctx *ctx, vmmap_addr_t note_addr)
{
	vmmap_addr_t end;

	if (!mem_phys_end(ctx, &end))
		end = SCAN_DEFAULT_END;
	return vmci_scan(ctx, 0, end, note_addr);
}
