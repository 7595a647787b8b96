/*
 * vmmap-crash.c - the "vmmap" command for crash: "extend vmmap.so".
 *
 * The kernel's virtual memory map of the session's dump, rebuilt by libvmmap
 * from the page tables, with the options and formats of vmmap-dump.  Memory
 * and VMCOREINFO come through crash, so every dump format crash opens works;
 * what crash already knows of the layout is handed to the library as a
 * cross-check, and the library's disagreements are printed as warnings.
 *
 * crash runs one command at a time and may longjmp out of any of them
 * (Ctrl-C, a closed pipe): the only state is the static session below, and
 * a command that did not finish leaves it marked busy so that the next one
 * starts afresh instead of trusting a half-updated context.
 */
#include "config.h"
#include "defs.h"	/* crash's */
#include "vmmap.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The library's loaded context, kept across commands: the walk memoises
 * page-table subtrees, so repeated commands on a dump are fast. */
static struct {
	struct vmmap_ctx *ctx;
	char *dumpfile, *namelist;	/* what ctx was built for */
	ulong relocate;
	bool busy;			/* inside vmmap_run() */
	struct vmmap_ctx *oneoff;	/* a command's own context */
} sess;

/* ---- memory through crash ------------------------------------------ */

/*
 * Whether the dump does not hold a page, from what the dump's own reader
 * (pc->readmem) returned for it, with the words to say so:
 *  - PAGE_EXCLUDED: diskdump, a page makedumpfile filtered out;
 *  - SEEK_ERROR: diskdump, a pfn beyond the dump's bitmap or not RAM;
 *  - READ_ERROR from an ELF dump: crash's read_netdump() returns it when no
 *    PT_LOAD segment holds the address (netdump.c, crash 8.0.2); a failing
 *    read() of a local file is the rarer case, a truncated file.
 * Anything else is an I/O error.
 */
static bool not_in_dump(int rc, const char **why_ret)
{
	if (rc == PAGE_EXCLUDED) {
		*why_ret = "excluded from the dump";
		return true;
	}
	if (rc == SEEK_ERROR) {
		*why_ret = "not in the dump";
		return true;
	}
	if (rc == READ_ERROR && (NETDUMP_DUMPFILE() || KDUMP_DUMPFILE())) {
		*why_ret = "not in the dump (no ELF segment holds it)";
		return true;
	}
	*why_ret = rc == READ_ERROR ? "read error" : "error";
	return false;
}

/*
 * readmem() says only TRUE or FALSE.  To tell a page makedumpfile left out
 * from a read error, ask the dump's own reader about the failing page, as
 * readmem() itself does, with the same descriptor.
 */
static vmmap_status classify_failure(struct vmmap_ctx *ctx, uint64_t paddr,
				     size_t len)
{
	int fd = ACTIVE() ? pc->mfd : pc->dfd;
	char page[64];
	uint64_t p;

	for (p = paddr; p - paddr < len; p += PAGESIZE() - PAGEOFFSET(p)) {
		size_t n = PAGESIZE() - PAGEOFFSET(p);
		const char *why;
		int rc;

		if (n > sizeof(page))
			n = sizeof(page);
		if (readmem(p, PHYSADDR, page, n, "vmmap",
			    RETURN_ON_ERROR | QUIET))
			continue;
		rc = pc->readmem ? pc->readmem(fd, page, n, 0, p) : READ_ERROR;
		if (not_in_dump(rc, &why))
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
				"crash: physical page 0x%" PRIx64 " is %s",
				p - PAGEOFFSET(p), why);
		return vmmap_set_error(ctx, VMMAP_ERR_IO,
				       "crash: cannot read physical address "
				       "0x%" PRIx64 " (%s)", p, why);
	}
	/* Read fine on the second try: call it an I/O error all the same. */
	return vmmap_set_error(ctx, VMMAP_ERR_IO,
			       "crash: cannot read physical 0x%" PRIx64
			       " (%zu bytes)", paddr, len);
}

static vmmap_status read_phys_crash(struct vmmap_ctx *ctx, void *data,
				    vmmap_addr_t paddr, void *buf, size_t len)
{
	if (readmem(paddr, PHYSADDR, buf, len, "vmmap",
		    RETURN_ON_ERROR | QUIET))
		return VMMAP_OK;
	return classify_failure(ctx, paddr, len);
}

/* No read_virt: that would be crash's own translation, which vmmap is
 * meant to check, not to lean on. */
static const struct vmmap_mem_ops crash_mem_ops = {
	.read_phys = read_phys_crash,
};

/* ---- what crash knows ----------------------------------------------- */

/* crash's MACHINE_TYPE (defs.h) to the library's architecture name. */
static const char *arch_name(void)
{
	static const struct {
		const char *crash, *vmmap;
	} names[] = {
		{ "X86_64", "x86_64" },
		{ "ARM64", "aarch64" },
		{ "S390X", "s390x" },
		{ "ARM", "arm" },
		{ "RISCV64", "riscv64" },
		/* crash's PPC64 is either byte order; the library walks
		 * little-endian kernels (their tables are big-endian, as a
		 * big-endian kernel's are, but their data is not) */
		{ "PPC64", "ppc64le" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(MACHINE_TYPE, names[i].crash))
			return names[i].vmmap;
	return MACHINE_TYPE;	/* the library names what it lacks */
}

/* crash looks VMCOREINFO up one key at a time (pc->read_vmcoreinfo, which
 * returns a malloc'ed value); the library says which keys it may use. */
static vmmap_status give_vmcoreinfo(struct vmmap_ctx *ctx)
{
	const char *const *key;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	vmmap_status st = VMMAP_OK;

	if (!pc->read_vmcoreinfo)
		return VMMAP_OK;
	f = open_memstream(&text, &len);
	if (!f)
		return vmmap_set_error(ctx, VMMAP_ERR_NOMEM, "out of memory");
	for (key = vmmap_vmcoreinfo_keys(); *key; key++) {
		char *val = pc->read_vmcoreinfo(*key);

		if (val) {
			fprintf(f, "%s=%s\n", *key, val);
			free(val);
		}
	}
	if (fclose(f))
		st = vmmap_set_error(ctx, VMMAP_ERR_NOMEM, "out of memory");
	else if (len)
		st = vmmap_set_vmcoreinfo(ctx, text, len);
	free(text);
	return st;
}

static vmmap_status give_symbols(struct vmmap_ctx *ctx)
{
	/* What the library may look up by name (its architecture
	 * descriptors say); where crash has them, they are crash's,
	 * relocated. */
	const char *const *name;
	vmmap_status st = VMMAP_OK;

	for (name = vmmap_symbol_names(); !st && *name; name++)
		if (symbol_exists((char *)*name))
			st = vmmap_set_symbol(ctx, *name,
					      symbol_value((char *)*name));
	return st;
}

/*
 * crash's own view of the layout, for the library to check against its
 * result.  The fields are those of the machine crash was built for:
 * an extension is compiled for one crash target (-D<TARGET>).
 */
static vmmap_status give_values(struct vmmap_ctx *ctx)
{
	vmmap_status st = VMMAP_OK;

#ifdef X86_64
	struct machine_specific *ms = machdep->machspec;

	if (ms->page_offset)
		st = vmmap_set_value(ctx, "page_offset_base", ms->page_offset);
	if (!st && ms->vmalloc_start_addr)
		st = vmmap_set_value(ctx, "vmalloc_base",
				     ms->vmalloc_start_addr);
	if (!st && ms->vmemmap_vaddr)
		st = vmmap_set_value(ctx, "vmemmap_base", ms->vmemmap_vaddr);
	if (!st)
		st = vmmap_set_value(ctx, "phys_base", ms->phys_base);
#endif
	/* kt->relocate is what crash subtracts from the vmlinux's symbol
	 * values: minus the KASLR offset, once crash has settled it. */
	if (!st && ((kt->flags & RELOC_SET) || (kt->flags2 & KASLR)))
		st = vmmap_set_value(ctx, "kaslr_offset",
				     -(uint64_t)kt->relocate);
	return st;
}

static vmmap_status give_crash_view(struct vmmap_ctx *ctx)
{
	vmmap_status st;

	st = vmmap_set_mem(ctx, &crash_mem_ops, NULL);
	if (!st)
		st = vmmap_set_arch(ctx, arch_name());
	if (!st)
		st = give_vmcoreinfo(ctx);
	if (!st)
		st = give_symbols(ctx);
	if (!st)
		st = give_values(ctx);
	/* crash's vmlinux: its types serve kernels whose dump has no BTF
	 * (--objects, --vmallocinfo, --pid); not an ELF file: none */
	if (!st && pc->namelist && vmmap_load_types(ctx, pc->namelist))
		vmmap_clear_error(ctx);
	return st;
}

/* ---- the session's context ------------------------------------------ */

static void say_error(struct vmmap_ctx *ctx, const char *what)
{
	error(INFO, "%s: %s\n", what, vmmap_errmsg(ctx));
}

static void drop_session(void)
{
	vmmap_free(sess.ctx);
	free(sess.dumpfile);
	free(sess.namelist);
	sess.ctx = NULL;
	sess.dumpfile = sess.namelist = NULL;
	sess.busy = false;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* A live system changes under us: its page tables are read afresh. */
static bool session_valid(void)
{
	return sess.ctx && !sess.busy && !LIVE() &&
	       same_str(sess.dumpfile, pc->dumpfile) &&
	       same_str(sess.namelist, pc->namelist) &&
	       sess.relocate == kt->relocate;
}

/* Said once, when a context is built; vmmap -l and -f json repeat them. */
static void print_warnings(struct vmmap_ctx *ctx)
{
	size_t i;

	for (i = 0; i < vmmap_warning_count(ctx); i++)
		error(WARNING, "%s\n", vmmap_warning_get(ctx, i));
}

/*
 * A new loaded context, or NULL after saying why.  It is sess.oneoff until
 * the caller keeps it, so that a build cut short by a longjmp is freed by
 * the next command.
 */
static struct vmmap_ctx *build_ctx(const struct vmmap_opts *opts)
{
	struct vmmap_ctx *ctx;
	vmmap_status st;

	vmmap_free(sess.oneoff);
	ctx = sess.oneoff = vmmap_new();
	if (!ctx) {
		error(INFO, "out of memory\n");
		return NULL;
	}
	/* a bar on the terminal for the walks of a big machine's dump */
	vmmap_set_progress(ctx, vmmap_progress_stderr, "vmmap");
	st = give_crash_view(ctx);
	if (!st && opts)
		st = vmmap_apply_opts(ctx, opts);
	if (!st)
		st = vmmap_load(ctx);
	if (st) {
		say_error(ctx, "cannot rebuild the kernel's map");
		vmmap_free(ctx);
		sess.oneoff = NULL;
		return NULL;
	}
	print_warnings(ctx);
	return ctx;
}

static struct vmmap_ctx *session_ctx(void)
{
	char *dumpfile = NULL, *namelist = NULL;
	struct vmmap_ctx *ctx;

	if (session_valid())
		return sess.ctx;
	drop_session();
	ctx = build_ctx(NULL);
	if (!ctx)
		return NULL;
	if ((pc->dumpfile && !(dumpfile = strdup(pc->dumpfile))) ||
	    (pc->namelist && !(namelist = strdup(pc->namelist)))) {
		free(dumpfile);
		return ctx;	/* usable once, as sess.oneoff */
	}
	sess.oneoff = NULL;
	sess.ctx = ctx;
	sess.dumpfile = dumpfile;
	sess.namelist = namelist;
	sess.relocate = kt->relocate;
	return ctx;
}

/* --vmcoreinfo, --vmlinux and --arch change what the library is told:
 * such a command gets a context of its own, freed when the next starts. */
static bool needs_own_ctx(const struct vmmap_opts *opts)
{
	return opts->vmcoreinfo || opts->symbols || opts->arch;
}

/* ---- the command ------------------------------------------------------ */

/*
 * crash takes addresses in hexadecimal, "0x" or not (vtop ffffffff81000000):
 * so does vmmap here.  @p num becomes "0x" + num when it is bare hex digits.
 * Buffers come from GETBUF(), which crash frees when the command ends.
 */
static char *hex_number(const char *num, size_t len)
{
	size_t i;
	char *s;

	for (i = 0; i < len && isxdigit((unsigned char)num[i]); i++)
		;
	if (i < len || !len ||
	    (len > 1 && num[0] == '0' && (num[1] == 'x' || num[1] == 'X')))
		i = 0;		/* not bare hex: as it is */
	else
		i = 2;
	s = GETBUF(len + 3);
	memcpy(s, "0x", i);
	memcpy(s + i, num, len);
	s[i + len] = 0;
	return s;
}

/* START-END or START+SIZE, each bare hex made 0x. */
static char *hex_range(const char *arg)
{
	size_t n = strcspn(arg, "-+");
	char *a, *b, *s;

	if (!arg[n])
		return hex_number(arg, n);
	a = hex_number(arg, n);
	b = hex_number(arg + n + 1, strlen(arg + n + 1));
	s = GETBUF(strlen(a) + strlen(b) + 2);
	sprintf(s, "%s%c%s", a, arg[n], b);
	return s;
}

/* A comma-separated list of addresses and ranges, each made 0x. */
static char *hex_list(const char *arg)
{
	size_t len = strlen(arg), n, used = 0, cap = 2 * len + 16;
	char *s = GETBUF(cap), *one;
	char part[128];

	s[0] = 0;
	while (*arg) {
		n = strcspn(arg, ",");
		if (n >= sizeof(part))
			return (char *)arg;	/* too long: as it is */
		memcpy(part, arg, n);
		part[n] = 0;
		one = hex_range(part);
		if (used + strlen(one) + 2 > cap)
			return (char *)arg;
		used += (size_t)sprintf(s + used, "%s%s", used ? "," : "",
					one);
		arg += n + (arg[n] == ',');
	}
	return s;
}

/* A copy of crash's args with the values of -v/--vtop, -R/--range and
 * --ptov in hexadecimal; the forms "-v X", "-vX", "--vtop X" and
 * "--vtop=X". */
static char **hex_args(void)
{
	static const struct {
		const char *opt;
		char *(*conv)(const char *);
	} opts[] = {
		{ "--vtop", NULL }, { "--range", hex_range },
		{ "--ptov", hex_list },
		{ "-v", NULL }, { "-R", hex_range },
	};
	char **argv = (char **)GETBUF((argcnt + 1) * sizeof(char *));
	int i;
	size_t k;

	for (i = 0; i < argcnt; i++) {
		const char *a = args[i];

		argv[i] = args[i];
		for (k = 0; i > 0 && k < sizeof(opts) / sizeof(opts[0]); k++) {
			size_t n = strlen(opts[k].opt);
			const char *val;
			char *conv, *s;

			if (!strcmp(args[i - 1], opts[k].opt)) {
				n = 0;
				val = a;
			} else if (!strncmp(a, opts[k].opt, n) && a[n] &&
				   (a[1] != '-' || a[n] == '=')) {
				n += a[n] == '=';
				val = a + n;
			} else {
				continue;
			}
			conv = opts[k].conv ? opts[k].conv(val)
					    : hex_number(val, strlen(val));
			s = GETBUF(n + strlen(conv) + 1);
			memcpy(s, a, n);
			strcpy(s + n, conv);
			argv[i] = s;
			break;
		}
	}
	argv[argcnt] = NULL;
	return argv;
}

/*
 * Parse with a context of its own, freed before cmd_usage() longjmps for a
 * usage error.  False when the command is done (it asked for help).
 */
static bool parse_or_usage(struct vmmap_opts *opts)
{
	struct vmmap_ctx *pctx = vmmap_new();
	vmmap_status st;

	if (!pctx) {
		error(INFO, "out of memory\n");
		RESTART();
	}
	st = vmmap_parse_opts(pctx, argcnt, hex_args(), opts);
	if (!st && opts->dump) {
		st = VMMAP_ERR_ARG;
		vmmap_set_error(pctx, st, "unexpected argument '%s' (vmmap "
				"reads the session's dump)", opts->dump);
	}
	if (st)
		error(INFO, "%s\n", vmmap_errmsg(pctx));
	vmmap_free(pctx);
	if (st)
		cmd_usage(pc->curcmd, SYNOPSIS);
	if (opts->help) {
		cmd_usage(pc->curcmd, COMPLETE_HELP);	/* returns */
		return false;
	}
	return true;
}

void cmd_vmmap(void);
void cmd_vmmap(void)
{
	struct vmmap_opts opts;
	struct vmmap_ctx *ctx;
	vmmap_status st;

	/* What an interrupted command left. */
	vmmap_free(sess.oneoff);
	sess.oneoff = NULL;

	if (!parse_or_usage(&opts))
		return;
	if (needs_own_ctx(&opts))
		ctx = build_ctx(&opts);
	else
		ctx = session_ctx();
	if (!ctx)
		return;

	vmmap_clear_error(ctx);
	sess.busy = ctx == sess.ctx;
	st = vmmap_run(ctx, &opts, fp);
	sess.busy = false;
	/* An unmapped address is an answer, printed by vmmap_run(). */
	if (st && st != VMMAP_ERR_NOTMAPPED)
		error(INFO, "%s\n", vmmap_errmsg(ctx));

	vmmap_free(sess.oneoff);
	sess.oneoff = NULL;
}

/* ---- registration ---------------------------------------------------- */

static char *help_vmmap[] = {
	"vmmap",
	"kernel virtual memory map from the page tables",
	"[-f table|ptdump|json|svg|html] [-l | -s | -v address] [-r region] "
	"[-R start-end]\n         [--raw] [--no-holes] [-a] "
	"[--check[=list] | --ptov=paddr[,...] | --diff=file]\n         "
	"[--vmcoreinfo file] [--vmlinux file] [--arch name]",
	"  This command rebuilds the kernel's whole virtual memory map by walking",
	"  the kernel page tables of the dump: every mapped range with its",
	"  physical address, page size and attributes, and every hole, labelled",
	"  with the region of the kernel's documented layout it lies in (direct",
	"  map, vmalloc, vmemmap, kernel text, modules, cpu_entry_area, fixmap).",
	"  It reads only physical memory through crash and finds the layout",
	"  itself; where its result differs from crash's own view (help -m) it",
	"  says so with a warning.  The output is that of vmmap-dump(1).",
	"",
	"    -f table   one line per range (the default).",
	"    -f ptdump  the format of the kernel's /sys/kernel/debug/page_tables.",
	"    -f json    one JSON document, for scripts.",
	"    -f svg     the map drawn: a box per region of the layout, the mapped",
	"               ranges in it as bands by page size and permission, each",
	"               range's bounds in a tooltip (-r/-R draw a part).",
	"    -f html    the same picture in one offline page, with a panel that",
	"               details what the pointer is on and an address search.",
	"          -l   the layout parameters (page_offset_base, vmalloc_base,",
	"               vmemmap_base, phys_base, ...) and the regions only.",
	"          -s   mapped bytes per region and per page size.",
	"  -v address   translate the address, showing the entry at every level.",
	"   -r region   only one region, by id (directmap, vmalloc, vmemmap,",
	"               kernel, modules, cpu_entry_area, fixmap, ...).",
	" -R start-end  only the addresses from start to end (inclusive), or",
	"               start+size.",
	"       --raw   one line per run of page-table entries, no merging.",
	"  --no-holes   leave the unmapped ranges out.",
	"          -a   print every line of the regions otherwise summarised",
	"               (the %esp fixup stacks, as the kernel does).",
	" --check[=list]  audit the map (list: wx, wx-alias, user; default all):",
	"               writable and executable ranges, pages writable at one",
	"               address and executable at another, kernel memory user",
	"               mode may reach; each finding with its region and flags.",
	" --ptov=paddr[,...]  every kernel virtual address of each physical",
	"               address or range (start-end, start+size): direct map,",
	"               kernel image, vmalloc, modules... not only crash's ptov.",
	" --diff=file  the differences from another dump, a map saved with -f",
	"               json or a ptdump text, per region (two boots line up).",
	" --vmcoreinfo file  VMCOREINFO text to add to the dump's.",
	"  --vmlinux file    take symbols from this vmlinux or System.map.",
	"  --arch name       the dump's architecture.",
	"",
	"  Addresses and sizes (-v, -R, --ptov) are hexadecimal, with or without",
	"  0x, as in crash's other commands.  The map is kept between commands,",
	"  so repeated commands on a dump are fast.",
	"\nEXAMPLE",
	"  The layout, as vmmap found it:\n",
	"    %s> vmmap -l",
	"    arch: x86_64",
	"    pgtable_levels       0x0000000000000004  (vmcoreinfo)",
	"    kaslr_offset         0x000000001a800000  (vmcoreinfo)",
	"    ...",
	"    page_offset_base     0xffff8e5a00000000  (symbol)",
	"",
	"  Translate a kernel text address:\n",
	"    %s> vmmap -v ffffffff9c000000",
	"",
	"  Every virtual address of a physical page, and the W+X audit:\n",
	"    %s> vmmap --ptov 1c00000",
	"    %s> vmmap --check",
	"",
	"  The vmalloc area without its holes, and the direct map to a file:\n",
	"    %s> vmmap -r vmalloc --no-holes",
	"    %s> vmmap -r directmap > directmap.txt",
	"",
	"  The whole map as a picture, for a browser:\n",
	"    %s> vmmap -f html > map.html",
	NULL
};

static struct command_table_entry command_table[] = {
	{ "vmmap", cmd_vmmap, help_vmmap, 0 },
	{ NULL, NULL, NULL, 0 },
};

void vmmap_crash_init(void) __attribute__((constructor));
void vmmap_crash_init(void)
{
	register_extension(command_table);
}

void vmmap_crash_fini(void) __attribute__((destructor));
void vmmap_crash_fini(void)
{
	vmmap_free(sess.oneoff);
	sess.oneoff = NULL;
	drop_session();
}
