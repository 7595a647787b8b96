/*
 * modules.c - the loaded modules: the list the kernel's static `modules`
 * heads (kernel/module.c up to v5.19, kernel/module/main.c since), each
 * struct module's name, state and memory, and its symbols for %pS.
 *
 * A module's memory:
 *   up to v6.3: core_layout and init_layout (struct module_layout: base,
 *     size, text_size, ro_size, ro_after_init_size): one allocation each,
 *     text, rodata, ro_after_init and data one after the other
 *     (kernel/module/main.c layout_sections()); v5.19-v6.3 may add
 *     data_layout (CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC);
 *   v6.4+ (ac3b43283923 "module: replace module_layout with
 *     module_memory"): mem[MOD_MEM_NUM_TYPES], one allocation per
 *     enum mod_mem_type (text, data, rodata, ro_after_init, init text,
 *     init data, init rodata).
 * /proc/modules (m_show()) prints the core text's address (core_layout.base
 * or mem[MOD_TEXT].base) and the size of all of them together.
 */
#include "config.h"
#include "kernel/kernel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MODULES 65536
/* Bound on a module's symbol table (Elf_Sym entries). */
#define MAX_MODSYMS (1u << 20)

enum {
	F_LIST, F_NAME, F_STATE, F_KALLSYMS, F_MEM, F_CORE, F_INIT, F_DATA,
	F_L_BASE, F_L_SIZE, F_L_TEXT, F_L_RO, F_L_ROAI,
	F_MM_BASE, F_MM_SIZE,
	F_KS_SYMTAB, F_KS_NUM, F_KS_STRTAB,
	F_REFCNT, F_SOURCES, F_USE_LIST, F_USE_SOURCE, F_INITFN, F_EXITFN,
	F_TAINTS, F_TF_CHAR, F_TF_MODULE, NF
};

static const char *const fields[NF] = {
	[F_LIST] = "module.list",
	[F_NAME] = "module.name",
	[F_STATE] = "module.state",
	[F_KALLSYMS] = "?module.kallsyms",		/* CONFIG_KALLSYMS */
	[F_MEM] = "?module.mem",			/* v6.4+ */
	[F_CORE] = "?module.core_layout",		/* up to v6.3 */
	[F_INIT] = "?module.init_layout",
	[F_DATA] = "?module.data_layout",		/* v5.19-v6.3, some */
	[F_L_BASE] = "?module_layout.base",
	[F_L_SIZE] = "?module_layout.size",
	[F_L_TEXT] = "?module_layout.text_size",
	[F_L_RO] = "?module_layout.ro_size",
	[F_L_ROAI] = "?module_layout.ro_after_init_size",
	[F_MM_BASE] = "?module_memory.base",
	[F_MM_SIZE] = "?module_memory.size",
	[F_KS_SYMTAB] = "?mod_kallsyms.symtab",
	[F_KS_NUM] = "?mod_kallsyms.num_symtab",
	[F_KS_STRTAB] = "?mod_kallsyms.strtab",
	/* CONFIG_MODULE_UNLOAD: print_unload_info()'s reference count and
	 * the modules using this one */
	[F_REFCNT] = "?module.refcnt",
	[F_SOURCES] = "?module.source_list",
	[F_USE_LIST] = "?module_use.source_list",
	[F_USE_SOURCE] = "?module_use.source",
	[F_INITFN] = "?module.init",
	[F_EXITFN] = "?module.exit",
	/* module_flags(): the taints a module carries */
	[F_TAINTS] = "?module.taints",
	[F_TF_CHAR] = "?taint_flag.c_true",
	[F_TF_MODULE] = "?taint_flag.module",
};

/* The per-module taint letters by bit (include/linux/panic.h TAINT_*,
 * Documentation/admin-guide/tainted-kernels.rst): used when the kernel's
 * own taint_flags[] cannot be read. */
static const char taint_letter[] = {
	[0] = 'P', [1] = 'F', [10] = 'C', [12] = 'O', [13] = 'E', [15] = 'K',
	[16] = 'X', [17] = 'T', [18] = 'N',
};

/* enum mod_mem_type's enumerators (include/linux/module.h v6.4+), the
 * value read from the kernel's types. */
static const struct { const char *enumerator, *section; } mem_types[] = {
	{ "MOD_TEXT", ".text" },
	{ "MOD_DATA", ".data" },
	{ "MOD_RODATA", ".rodata" },
	{ "MOD_RO_AFTER_INIT", ".data..ro_after_init" },
	{ "MOD_INIT_TEXT", ".init.text" },
	{ "MOD_INIT_DATA", ".init.data" },
	{ "MOD_INIT_RODATA", ".init.rodata" },
};

struct modsyms {
	uint64_t *value;
	uint16_t *shndx;
	char **name;
	uint64_t n;
};

static void add_sec(struct kmodule *m, vmmap_addr_t base, uint64_t size,
		    const char *name)
{
	if (!base || !size || m->nsec >= ARRAY_SIZE(m->sec))
		return;
	m->sec[m->nsec].base = base;
	m->sec[m->nsec].size = size;
	m->sec[m->nsec].name = name;
	m->nsec++;
}

/* Up to v6.3: a layout's text, rodata, ro_after_init and data. */
static vmmap_status read_layout(struct vmmap_ctx *ctx, const struct kmember *f,
				vmmap_addr_t lay, struct kmodule *m,
				bool init, uint64_t *size_ret)
{
	uint64_t base, size, text, ro, roai;
	vmmap_status st;

	if ((st = kr_member(ctx, lay, &f[F_L_BASE], &base)) ||
	    (st = kr_member(ctx, lay, &f[F_L_SIZE], &size)) ||
	    (st = kr_member(ctx, lay, &f[F_L_TEXT], &text)) ||
	    (st = kr_member(ctx, lay, &f[F_L_RO], &ro)))
		return st;
	roai = ro;
	if (f[F_L_ROAI].size && (st = kr_member(ctx, lay, &f[F_L_ROAI], &roai)))
		return st;
	*size_ret = base ? size : 0;
	if (!base)
		return VMMAP_OK;
	if (text > ro || ro > roai || roai > size)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
			"module %s: its layout at 0x%" PRIx64 " has sizes "
			"text %" PRIu64 " ro %" PRIu64 " ro_after_init %" PRIu64
			" all %" PRIu64, m->name, lay, text, ro, roai, size);
	add_sec(m, base, text, init ? ".init.text" : ".text");
	add_sec(m, base + text, ro - text, init ? ".init.rodata" : ".rodata");
	add_sec(m, base + ro, roai - ro, ".data..ro_after_init");
	add_sec(m, base + roai, size - roai, init ? ".init.data" : ".data");
	if (!init)
		m->addr = base;
	return VMMAP_OK;
}

/*
 * print_unload_info() (kernel/module/procfs.c, kernel/module.c before
 * v5.19): the reference count (refcnt - MODULE_REF_BASE, 1), then each
 * module on source_list ("vfat,"), "[permanent]," for a module with an init
 * and no exit, "-" for none.  Without CONFIG_MODULE_UNLOAD: "- -".  What
 * cannot be read leaves "- -" too.
 */
static void read_unload_info(struct vmmap_ctx *ctx, const struct kmember *f,
			     vmmap_addr_t mod, struct kmodule *m)
{
	vmmap_addr_t head = mod + f[F_SOURCES].off, node;
	uint64_t v, initfn = 0, exitfn = 0;
	size_t len = 0, n = 0;

	m->refcnt_known = false;
	strcpy(m->deps, "-");
	if (!f[F_REFCNT].size || !f[F_SOURCES].size || !f[F_USE_LIST].size ||
	    !f[F_USE_SOURCE].size || f[F_REFCNT].size > 8)
		return;
	if (kr_member(ctx, mod, &f[F_REFCNT], &v) || kr_ptr(ctx, head, &node))
		goto fail;
	m->deps[0] = 0;
	while (node != head) {
		vmmap_addr_t src;
		char name[sizeof(m->name)];
		int w;

		if (!node || ++n > MAX_MODULES ||
		    kr_ptr(ctx, node - f[F_USE_LIST].off + f[F_USE_SOURCE].off,
			   &src) || !src ||
		    kr_str(ctx, src + f[F_NAME].off, name, sizeof(name)))
			goto fail;
		w = snprintf(m->deps + len, sizeof(m->deps) - len, "%s,", name);
		if (w < 0 || (size_t)w >= sizeof(m->deps) - len)
			goto fail;
		len += (size_t)w;
		if (kr_ptr(ctx, node, &node))
			goto fail;
	}
	if (f[F_INITFN].size && f[F_EXITFN].size &&
	    (kr_member(ctx, mod, &f[F_INITFN], &initfn) ||
	     kr_member(ctx, mod, &f[F_EXITFN], &exitfn)))
		goto fail;
	if (initfn && !exitfn && f[F_EXITFN].size) {
		if (len + sizeof("[permanent],") > sizeof(m->deps))
			goto fail;
		strcpy(m->deps + len, "[permanent],");
		len += strlen("[permanent],");
	}
	if (!len)
		strcpy(m->deps, "-");
	m->refcnt = (int64_t)(int32_t)(uint32_t)v - 1;
	m->refcnt_known = true;
	return;
fail:
	vmmap_clear_error(ctx);
	m->refcnt_known = false;
	strcpy(m->deps, "-");
}

/*
 * module_flags() as m_show() prints it after the address when the module
 * has taints: "(" the letters of its taint bits that are module taints
 * (taint_flags[bit].module, their c_true), "-" when unloading, "+" when
 * loading, ")".  Only set bits are looked up: they lie within the array.
 */
static void read_taints(struct vmmap_ctx *ctx, const struct kmember *f,
			vmmap_addr_t mod, struct kmodule *m, int64_t going,
			int64_t coming)
{
	uint64_t taints, esz = 0, tf = 0;
	size_t len = 0;
	unsigned bit, bits = 8 * kr_ptr_size(ctx);

	m->flags[0] = 0;
	if (!f[F_TAINTS].size || kr_member(ctx, mod, &f[F_TAINTS], &taints)) {
		vmmap_clear_error(ctx);
		return;
	}
	if (!taints)
		return;
	if (!f[F_TF_CHAR].size || !f[F_TF_MODULE].size ||
	    kt_size(ctx, "taint_flag", &esz) ||
	    !ks_addr(ctx, "taint_flags", &tf))
		tf = 0;
	vmmap_clear_error(ctx);
	m->flags[len++] = '(';
	for (bit = 0; bit < bits && bit < 64; bit++) {
		uint64_t c = 0, mflag = 0;

		if (!(taints >> bit & 1))
			continue;
		if (tf && !kr_member(ctx, tf + bit * esz, &f[F_TF_CHAR], &c) &&
		    !kr_member(ctx, tf + bit * esz, &f[F_TF_MODULE], &mflag)) {
			if (!mflag || c < 0x21 || c > 0x7e)
				continue;
		} else {
			vmmap_clear_error(ctx);
			if (bit >= sizeof(taint_letter) || !taint_letter[bit])
				continue;
			c = (unsigned char)taint_letter[bit];
		}
		if (len < sizeof(m->flags) - 3)
			m->flags[len++] = (char)c;
	}
	if (m->state == going)
		m->flags[len++] = '-';
	else if (m->state == coming)
		m->flags[len++] = '+';
	m->flags[len++] = ')';
	m->flags[len] = 0;
}

static vmmap_status read_module(struct vmmap_ctx *ctx, const struct kmember *f,
				vmmap_addr_t mod, struct kmodule *m)
{
	vmmap_status st;
	uint64_t v;
	size_t t;

	memset(m, 0, sizeof(*m));
	m->mod = mod;
	if ((st = kr_str(ctx, mod + f[F_NAME].off, m->name,
			 f[F_NAME].size && f[F_NAME].size < sizeof(m->name)
			 ? f[F_NAME].size + 1 : sizeof(m->name))) ||
	    (st = kr_member(ctx, mod, &f[F_STATE], &v)))
		return vmmap_set_error(ctx, st, "struct module at 0x%" PRIx64,
				       mod);
	m->state = (int64_t)(int32_t)v;
	if (f[F_MEM].size) {
		for (t = 0; t < ARRAY_SIZE(mem_types); t++) {
			int64_t type;
			vmmap_addr_t mm;
			uint64_t base, size;

			if (kt_enum(ctx, "mod_mem_type", mem_types[t].enumerator,
				    &type))
				return VMMAP_ERR_NOINFO;
			if (type < 0 || (uint64_t)type >= f[F_MEM].nelem)
				continue;
			mm = mod + f[F_MEM].off + (uint64_t)type *
			     f[F_MEM].elem_size;
			if ((st = kr_member(ctx, mm, &f[F_MM_BASE], &base)) ||
			    (st = kr_member(ctx, mm, &f[F_MM_SIZE], &size)))
				return st;
			if (base)
				m->size += size;
			if (!strcmp(mem_types[t].enumerator, "MOD_TEXT"))
				m->addr = base;
			add_sec(m, base, size, mem_types[t].section);
		}
	} else if (f[F_CORE].size && f[F_L_BASE].size) {
		uint64_t a, b, c = 0;

		if ((st = read_layout(ctx, f, mod + f[F_CORE].off, m, false,
				      &a)) ||
		    (st = read_layout(ctx, f, mod + f[F_INIT].off, m, true,
				      &b)))
			return st;
		if (f[F_DATA].size &&
		    (st = kr_member(ctx, mod + f[F_DATA].off, &f[F_L_SIZE], &c)))
			return st;
		m->size = a + b + c;
	} else {
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "struct module "
				       "has neither mem[] (v6.4+) nor "
				       "core_layout");
	}
	if (f[F_KALLSYMS].size && f[F_KS_SYMTAB].size) {
		vmmap_addr_t ks;

		/* without them, its addresses print as numbers */
		if (kr_member(ctx, mod, &f[F_KALLSYMS], &ks) || !ks ||
		    kr_member(ctx, ks, &f[F_KS_SYMTAB], &m->symtab) ||
		    kr_member(ctx, ks, &f[F_KS_NUM], &m->num_symtab) ||
		    kr_member(ctx, ks, &f[F_KS_STRTAB], &m->strtab))
			m->num_symtab = 0;
		vmmap_clear_error(ctx);
	}
	read_unload_info(ctx, f, mod, m);
	{
		int64_t going = 2, coming = 1;	/* enum module_state */

		if (kt_enum(ctx, "module_state", "MODULE_STATE_GOING", &going) ||
		    kt_enum(ctx, "module_state", "MODULE_STATE_COMING",
			    &coming))
			vmmap_clear_error(ctx);
		read_taints(ctx, f, mod, m, going, coming);
	}
	return VMMAP_OK;
}

static vmmap_status read_modules(struct vmmap_ctx *ctx, struct kern *k)
{
	struct kmember f[NF];
	vmmap_addr_t head, node;
	vmmap_status st;
	int64_t unformed = 3;	/* MODULE_STATE_UNFORMED, v3.8+ */
	size_t cap = 0, n = 0;

	if ((st = kt_members(ctx, fields, NF, f)) ||
	    (st = ks_need(ctx, "modules", &head)))
		return st;
	if (kt_enum(ctx, "module_state", "MODULE_STATE_UNFORMED", &unformed))
		vmmap_clear_error(ctx);
	st = kr_ptr(ctx, head, &node);
	while (!st && node != head) {
		struct kmodule m;

		if (!node || ++n > MAX_MODULES)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"the module list is broken after %zu entries",
				n);
		st = read_module(ctx, f, node - f[F_LIST].off, &m);
		if (st)
			return st;
		/* m_show() skips the modules still being formed */
		if (m.state != unformed) {
			if (k->nmods == cap) {
				struct kmodule *nv;

				cap = cap ? 2 * cap : 32;
				nv = realloc(k->mods, cap * sizeof(*nv));
				if (!nv)
					return set_nomem(ctx);
				k->mods = nv;
			}
			k->mods[k->nmods++] = m;
		}
		st = kr_ptr(ctx, node, &node);
	}
	return st;
}

vmmap_status kmodules(struct vmmap_ctx *ctx, const struct kmodule **ret,
		      size_t *n_ret)
{
	struct kern *k = kern_of(ctx);
	vmmap_status st;

	if (!k)
		return set_nomem(ctx);
	if (k->mods_st)
		return kern_fail_again(ctx, k->mods_st, k->mods_err);
	if (!k->mods_done) {
		st = read_modules(ctx, k);
		if (st) {
			free(k->mods);
			k->mods = NULL;
			k->nmods = 0;
			st = vmmap_set_error(ctx, st, "the modules");
			k->mods_st = kern_keep_fail(ctx, st, &k->mods_err);
			return st;
		}
		k->mods_done = true;
	}
	*ret = k->mods;
	*n_ret = k->nmods;
	return VMMAP_OK;
}

/* ---- module symbols ---- */

/* kernel/module/kallsyms.c is_mapping_symbol() (v6.4+; v6.1's
 * is_arm_mapping_symbol() names a subset of these) */
static bool mapping_symbol(const char *s)
{
	return (s[0] == '.' && s[1] == 'L') || (s[0] == 'L' && s[1] == '0') ||
	       s[0] == '$';
}

/*
 * find_kallsyms_symbol() (kernel/module/kallsyms.c, v6.1 and v6.4+): the
 * named, defined symbol with the greatest value not above @addr; its size
 * up to the next symbol's value, at most to the end of the memory the
 * address is in (v6.4+: that mod_mem's; before: the layout's text).
 */
static bool module_symbol(struct vmmap_ctx *ctx, const struct kmodule *m,
			  uint64_t addr, uint64_t lo, uint64_t next,
			  char *buf, size_t size)
{
	unsigned ptr = kr_ptr_size(ctx), esz = ptr == 8 ? 24 : 16;
	bool be = pg_data_be(kernel_fmt(ctx));
	uint64_t i, best = 0, bestval = lo;
	uint8_t *tab;
	char name[256];

	if (!m->symtab || !m->num_symtab || m->num_symtab > MAX_MODSYMS)
		return false;
	tab = malloc(m->num_symtab * esz);
	if (!tab || kr_read(ctx, m->symtab, tab, m->num_symtab * esz)) {
		free(tab);
		vmmap_clear_error(ctx);
		return false;
	}
	for (i = 1; i < m->num_symtab; i++) {
		const uint8_t *s = tab + i * esz;
		/* Elf64_Sym: name 4, info 1, other 1, shndx 2, value 8;
		 * Elf32_Sym: name 4, value 4, size 4, info, other, shndx 2 */
		uint64_t stname = get_uint(s, 4, be);
		uint64_t value = ptr == 8 ? get_uint(s + 8, 8, be) : get_uint(s + 4, 4, be);
		uint64_t shndx = ptr == 8 ? get_uint(s + 6, 2, be) : get_uint(s + 14, 2, be);

		if (!shndx)
			continue;
		if (!(value <= addr && value > bestval) &&
		    !(value > addr && value < next))
			continue;
		if (kr_str(ctx, m->strtab + stname, name, sizeof(name)) ||
		    !name[0] || mapping_symbol(name)) {
			vmmap_clear_error(ctx);
			continue;
		}
		if (value <= addr && value > bestval) {
			best = i;
			bestval = value;
		}
		if (value > addr && value < next)
			next = value;
	}
	if (best) {
		const uint8_t *s = tab + best * esz;

		if (kr_str(ctx, m->strtab + get_uint(s, 4, be), name, sizeof(name)))
			best = 0;
		else
			snprintf(buf, size, "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]",
				 name, addr - bestval, next - bestval, m->name);
	}
	free(tab);
	vmmap_clear_error(ctx);
	return best != 0;
}

static bool kmodule_symbolize(struct vmmap_ctx *ctx, uint64_t addr,
			      char *buf, size_t size)
{
	const struct kmodule *mods;
	size_t n, i;
	unsigned s;

	if (kmodules(ctx, &mods, &n)) {
		vmmap_clear_error(ctx);
		return false;
	}
	for (i = 0; i < n; i++) {
		const struct kmodule *m = &mods[i];

		for (s = 0; s < m->nsec; s++) {
			uint64_t base = m->sec[s].base, end, lo;

			if (addr < base || addr - base >= m->sec[s].size)
				continue;
			end = base + m->sec[s].size;
			/* before v6.4 the bound is the layout's text end,
			 * and the search starts from symbol 0's value (0) */
			lo = base - 1;
			if (!kt_has(ctx, "module", "mem")) {
				lo = 0;
				if (!strcmp(m->sec[s].name, ".rodata") ||
				    !strcmp(m->sec[s].name, ".data") ||
				    !strcmp(m->sec[s].name,
					    ".data..ro_after_init"))
					end = m->sec[0].base + m->sec[0].size;
			}
			return module_symbol(ctx, m, addr, lo, end, buf, size);
		}
	}
	return false;
}

void ks_symbolize(struct vmmap_ctx *ctx, uint64_t addr, char *buf,
		  size_t size)
{
	const char *name;
	uint64_t off, sz;

	if (ks_core_symbol(ctx, addr, &name, &off, &sz)) {
		snprintf(buf, size, "%s+0x%" PRIx64 "/0x%" PRIx64, name, off,
			 sz);
		return;
	}
	if (kmodule_symbolize(ctx, addr, buf, size))
		return;
	vmmap_clear_error(ctx);
	snprintf(buf, size, "0x%" PRIx64, addr);
}

#define PUBLIC __attribute__((visibility("default")))

PUBLIC vmmap_status vmmap_symbolize(struct vmmap_ctx *ctx, vmmap_addr_t addr,
				    char *buf, size_t size)
{
	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_symbolize() before vmmap_load()");
	if (!size)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG, "no buffer");
	ks_symbolize(ctx, addr, buf, size);
	return VMMAP_OK;
}

static const char *state_name(struct vmmap_ctx *ctx, int64_t state)
{
	/* include/linux/module.h enum module_state; m_show()'s words */
	static const struct { const char *e, *word; } w[] = {
		{ "MODULE_STATE_LIVE", "Live" },
		{ "MODULE_STATE_COMING", "Loading" },
		{ "MODULE_STATE_GOING", "Unloading" },
	};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(w); i++) {
		int64_t v;

		if (!kt_enum(ctx, "module_state", w[i].e, &v) && v == state)
			return w[i].word;
		vmmap_clear_error(ctx);
	}
	return "?";
}

PUBLIC vmmap_status vmmap_modules(struct vmmap_ctx *ctx,
				  const struct vmmap_module **mods_ret,
				  size_t *n_ret)
{
	const struct kmodule *m;
	struct kern *k;
	vmmap_status st;
	size_t n, i;

	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_modules() before vmmap_load()");
	st = kmodules(ctx, &m, &n);
	if (st)
		return st;
	k = ctx->kern;
	if (!k->pub_mods) {
		k->pub_mods = calloc(n ? n : 1, sizeof(*k->pub_mods));
		if (!k->pub_mods)
			return set_nomem(ctx);
		for (i = 0; i < n; i++) {
			k->pub_mods[i].name = m[i].name;
			k->pub_mods[i].addr = m[i].addr;
			k->pub_mods[i].size = m[i].size;
			k->pub_mods[i].state = state_name(ctx, m[i].state);
			k->pub_mods[i].module = m[i].mod;
			k->pub_mods[i].refcnt = m[i].refcnt_known
						? m[i].refcnt : -1;
			k->pub_mods[i].refcnt_known = m[i].refcnt_known;
			k->pub_mods[i].deps = m[i].deps;
			k->pub_mods[i].flags = m[i].flags;
		}
	}
	*mods_ret = k->pub_mods;
	*n_ret = n;
	return VMMAP_OK;
}
