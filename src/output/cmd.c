/* cmd.c - the options every front end shares, and running them. */
#include "config.h"
#include "output/output.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PUBLIC __attribute__((visibility("default")))

enum {
	OPT_RAW = 256,
	OPT_NO_HOLES,
	OPT_VMCOREINFO,
	OPT_SYMBOLS,
	OPT_ARCH,
	OPT_EXTRACT,
	OPT_FORCE,
	OPT_CHECK,
	OPT_PTOV,
	OPT_DIFF,
	OPT_QUIET,
	OPT_OBJECTS,
	OPT_VMALLOCINFO,
	OPT_MODULES,
	OPT_TASKS,
	OPT_PID,
	OPT_MM,
	OPT_ALL_TASKS,
	OPT_SLABS,
};

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "layout", no_argument, NULL, 'l' },
	{ "stats", no_argument, NULL, 's' },
	{ "region", required_argument, NULL, 'r' },
	{ "range", required_argument, NULL, 'R' },
	{ "vtop", required_argument, NULL, 'v' },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "no-holes", no_argument, NULL, OPT_NO_HOLES },
	{ "vmcoreinfo", required_argument, NULL, OPT_VMCOREINFO },
	{ "vmlinux", required_argument, NULL, OPT_SYMBOLS },
	{ "symbols", required_argument, NULL, OPT_SYMBOLS },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "extract", required_argument, NULL, OPT_EXTRACT },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "check", optional_argument, NULL, OPT_CHECK },
	{ "ptov", required_argument, NULL, OPT_PTOV },
	{ "diff", required_argument, NULL, OPT_DIFF },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "objects", optional_argument, NULL, OPT_OBJECTS },
	{ "vmallocinfo", no_argument, NULL, OPT_VMALLOCINFO },
	{ "modules", no_argument, NULL, OPT_MODULES },
	{ "tasks", no_argument, NULL, OPT_TASKS },
	{ "slabs", no_argument, NULL, OPT_SLABS },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "mm", required_argument, NULL, OPT_MM },
	{ "all-tasks", no_argument, NULL, OPT_ALL_TASKS },
	{ "all", no_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

PUBLIC void vmmap_print_usage(FILE *fp, const char *prog)
{
	fprintf(fp,
"Usage: %s [OPTION]... [DUMP]\n"
"Print the kernel's virtual memory map: every mapped range with its physical\n"
"address, page size and attributes, and every hole, labelled with the region\n"
"of the kernel's documented layout.  DUMP is a vmcore (ELF, kdump-compressed,\n"
"makedumpfile's flattened format); without it, the running kernel is read\n"
"through /proc/kcore (as root).\n"
"\n"
"  -f, --format=FMT     table (default), ptdump (the kernel's\n"
"                       /sys/kernel/debug/page_tables format), json, svg\n"
"                       (the map drawn: a box per region, the mapped\n"
"                       ranges in it) or html (the SVG in one offline page\n"
"                       with a detail panel and an address search)\n"
"  -l, --layout         print the layout parameters and regions only\n"
"  -s, --stats          mapped bytes per region and per page size\n"
"  -r, --region=ID      only this region (e.g. directmap, vmalloc, modules)\n"
"  -R, --range=A-B      only addresses A to B (B inclusive), or A+SIZE\n"
"  -v, --vtop=ADDR      translate ADDR, showing the entry at every level;\n"
"                       --vtop=- (standard input) or --vtop=@FILE: one\n"
"                       address a line, all translated in one batch\n"
"      --raw            one line per page-table entry run, no merging\n"
"      --no-holes       leave unmapped ranges out\n"
"  -a, --all            print every line of regions the table and ptdump\n"
"                       formats summarise (the ESPfix stacks, as the kernel)\n"
"      --vmcoreinfo=FILE  VMCOREINFO text to use (adds to the dump's)\n"
"      --vmlinux=FILE   read symbols from a vmlinux or System.map\n"
"      --arch=NAME      the dump's architecture, if it does not say\n"
"      --extract=FILE   write FILE, a small ELF dump of only what vmmap reads\n"
"                       (page tables, the kernel's VMCOREINFO, symbol tables\n"
"                       and variables): the same map, without the rest of\n"
"                       memory, for a bug report\n"
"      --check[=LIST]   audit the map: wx (writable and executable), wx-alias\n"
"                       (a page writable at one address, executable at\n"
"                       another), user (kernel memory user mode reaches);\n"
"                       LIST is comma-separated, default all\n"
"      --ptov=LIST      every kernel virtual address of the physical\n"
"                       addresses or ranges in LIST (ADDR, A-B, A+SIZE,\n"
"                       comma-separated)\n"
"      --diff=OTHER     the differences from OTHER: a dump, a map saved with\n"
"                       --format=json, or a ptdump text; addresses compared\n"
"                       as region+offset, so two boots of one kernel line up\n"
"      --force          print the map even when the page tables do not map\n"
"                       the kernel's own text where the layout says (a wrong\n"
"                       root or layout), with a warning that says so\n"
"      --quiet          no progress bar (one is drawn on a terminal for\n"
"                       walks longer than a second)\n"
"\n"
"What the kernel's own structures say (types from the kernel's BTF, or a\n"
"vmlinux given with --vmlinux; symbols from its kallsyms or VMCOREINFO):\n"
"      --objects        label each range with the kernel object it lies in\n"
"                       (vmalloc area and its caller, module section, task\n"
"                       stack, per-CPU area, BPF program): a column of the\n"
"                       table, \"object\" in JSON; --objects=list: the objects\n"
"                       alone; --objects=slabs and --objects=list,slabs: the slab\n"
"                       pages of the direct map too, by cache (reads every\n"
"                       struct page, as --slabs)\n"
"      --vmallocinfo    the kernel's /proc/vmallocinfo, from its vmap areas\n"
"      --modules        the loaded modules, as /proc/modules lists them\n"
"      --tasks          every task: PID, TGID, comm, task_struct, mm, stack\n"
"      --slabs          the slab caches that own pages, as /proc/slabinfo:\n"
"                       slabs, pages per slab, pages, object size, objects\n"
"                       per slab (reads every struct page: 1/64 of RAM)\n"
"      --pid=N          the user address space of task N instead of the\n"
"                       kernel's: its page tables, each range in its VMA\n"
"                       (--check: wx, user, novma, vma-perm)\n"
"      --mm=ADDR        the same for the mm_struct at ADDR\n"
"      --all-tasks      the same for every process (one per mm)\n"
"  -h, --help           this help\n"
"\n"
"Numbers may be hex (0x...) or decimal.  Exit status: 0 success, 1 error,\n"
"2 usage error, 3 --check found something or --diff a difference.\n",
		prog);
}

static bool parse_num(const char *s, uint64_t *ret)
{
	char *end;

	/* strtoull() takes "-1" as 2^64 - 1: an address is never negative */
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		return false;
	errno = 0;
	*ret = strtoull(s, &end, 0);
	return !errno && end != s && !*end;
}

static vmmap_status parse_range(struct vmmap_ctx *ctx, const char *arg,
				struct vmmap_opts *o)
{
	char buf[64], *sep;
	uint64_t a, b;

	if (strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	sep = strpbrk(buf, "-+");
	if (!sep)
		goto bad;
	*sep = 0;
	if (!parse_num(buf, &a) || !parse_num(sep + 1, &b))
		goto bad;
	if (arg[sep - buf] == '+') {
		if (!b || a + (b - 1) < a)
			goto bad;
		b = a + (b - 1);
	}
	if (a > b)
		goto bad;
	o->have_range = true;
	o->range_first = a;
	o->range_last = b;
	return VMMAP_OK;
bad:
	return vmmap_set_error(ctx, VMMAP_ERR_ARG,
			       "bad range '%s' (want START-END or START+SIZE)",
			       arg);
}

PUBLIC vmmap_status vmmap_parse_opts(struct vmmap_ctx *ctx, int argc,
				     char **argv, struct vmmap_opts *o)
{
	/* getopt's state is global: keep the caller's (crash uses it). */
	int saved_optind = optind, saved_opterr = opterr;
	char *saved_optarg = optarg;
	vmmap_status st = VMMAP_OK;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;	/* GNU: reinitialise */
	opterr = 0;
	while (!st && (c = getopt_long(argc, argv, "f:lsr:R:v:ah", long_opts,
				       NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "table"))
				o->format = VMMAP_FMT_TABLE;
			else if (!strcmp(optarg, "ptdump"))
				o->format = VMMAP_FMT_PTDUMP;
			else if (!strcmp(optarg, "json"))
				o->format = VMMAP_FMT_JSON;
			else if (!strcmp(optarg, "svg"))
				o->format = VMMAP_FMT_SVG;
			else if (!strcmp(optarg, "html"))
				o->format = VMMAP_FMT_HTML;
			else
				st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
					"unknown format '%s' (table, ptdump, "
					"json, svg, html)", optarg);
			break;
		case 'l':
			o->layout = true;
			break;
		case 's':
			o->stats = true;
			break;
		case 'r':
			o->region = optarg;
			break;
		case 'R':
			st = parse_range(ctx, optarg, o);
			break;
		case 'v':
			if (!strcmp(optarg, "-") || optarg[0] == '@') {
				o->vtop_list = optarg;
				o->have_vtop = true;
				if (optarg[0] == '@' && !optarg[1])
					st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
						"--vtop=@ needs a file name");
				break;
			}
			if (!parse_num(optarg, &o->vtop_addr))
				st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
					"bad address '%s'", optarg);
			o->have_vtop = true;
			break;
		case OPT_RAW:
			o->raw = true;
			break;
		case OPT_NO_HOLES:
			o->no_holes = true;
			break;
		case OPT_VMCOREINFO:
			o->vmcoreinfo = optarg;
			break;
		case OPT_SYMBOLS:
			o->symbols = optarg;
			break;
		case OPT_ARCH:
			o->arch = optarg;
			if (!*optarg)
				st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
						     "--arch needs a name");
			break;
		case OPT_EXTRACT:
			o->extract = optarg;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_CHECK:
			st = parse_checks(ctx, optarg, &o->checks);
			break;
		case OPT_PTOV:
			st = check_ptov(ctx, optarg);
			o->ptov = optarg;
			break;
		case OPT_QUIET:
			o->quiet = true;
			break;
		case OPT_OBJECTS:
			if (optarg && (!strcmp(optarg, "list") ||
				       !strcmp(optarg, "list,slabs")))
				o->objects_list = true;
			else if (optarg && !strcmp(optarg, "slabs"))
				o->objects = true;
			else if (optarg)
				st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
					"--objects takes no argument but "
					"'list', 'slabs' or 'list,slabs', not "
					"'%s'", optarg);
			else
				o->objects = true;
			if (optarg && strstr(optarg, "slabs"))
				o->slabs_label = true;
			break;
		case OPT_SLABS:
			o->slabs = true;
			break;
		case OPT_VMALLOCINFO:
			o->vmallocinfo = true;
			break;
		case OPT_MODULES:
			o->modules = true;
			break;
		case OPT_TASKS:
			o->tasks = true;
			break;
		case OPT_PID: {
			uint64_t v;

			if (!parse_num(optarg, &v) || v > INT32_MAX)
				st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
					"bad PID '%s'", optarg);
			o->have_pid = true;
			o->pid = (int64_t)v;
			break;
		}
		case OPT_MM:
			if (!parse_num(optarg, &o->mm) || !o->mm)
				st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
					"bad mm_struct address '%s'", optarg);
			break;
		case OPT_ALL_TASKS:
			o->all_tasks = true;
			break;
		case OPT_DIFF:
			o->diff = optarg;
			if (!*optarg)
				st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
						     "--diff needs a file");
			break;
		case 'a':
			o->all = true;
			break;
		case 'h':
			o->help = true;
			break;
		case ':':
		case '?':
		default:
			if (optopt && optopt < 256)
				st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
					"option -%c: %s", optopt,
					strchr("fRrv", optopt)
					? "needs an argument" : "unknown option");
			else
				st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
					"bad option '%s'", argv[optind - 1]);
			break;
		}
	}
	if (!st && optind < argc)
		o->dump = argv[optind++];
	if (!st && optind < argc)
		st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
				     "unexpected argument '%s'", argv[optind]);
	if (!st && o->layout + o->stats + o->have_vtop + !!o->extract +
		   !!o->checks + !!o->ptov + !!o->diff + o->objects_list +
		   o->vmallocinfo + o->modules + o->tasks + o->slabs > 1)
		st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
			"--layout, --stats, --vtop, --check, --ptov, --diff, "
			"--extract, --objects=list, --vmallocinfo, --modules, "
			"--tasks and --slabs go one at a time");
	if (!st && o->slabs && o->objects)
		st = vmmap_set_error(ctx, VMMAP_ERR_ARG, "--slabs lists the "
			"caches; --objects=slabs labels the map with them");
	if (!st && o->have_pid + !!o->mm + o->all_tasks > 1)
		st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
			"--pid, --mm and --all-tasks go one at a time");
	if (!st && (o->have_pid || o->mm || o->all_tasks) &&
	    (o->objects || o->objects_list || o->vmallocinfo || o->modules ||
	     o->tasks || o->slabs || o->ptov || o->diff || o->extract ||
	     o->layout))
		st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
			"--pid, --mm and --all-tasks select a user address "
			"space: for its map, --check, --stats, --vtop");
	if (!st && o->format != VMMAP_FMT_TABLE &&
	    o->format != VMMAP_FMT_JSON &&
	    (o->objects || o->objects_list || o->modules || o->tasks ||
	     o->slabs || o->have_pid || o->mm || o->all_tasks) &&
	    !(o->format == VMMAP_FMT_PTDUMP && (o->have_pid || o->mm)))
		st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
			"--objects, --modules, --tasks, --slabs, --pid, --mm "
			"and --all-tasks print text or json (--pid and --mm "
			"also ptdump)");
	if (!st && o->format == VMMAP_FMT_PTDUMP &&
	    (o->checks || o->ptov || o->diff))
		st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
			"--check, --ptov and --diff print text or json, not "
			"ptdump");
	if (!st && (o->format == VMMAP_FMT_SVG || o->format == VMMAP_FMT_HTML) &&
	    (o->layout || o->stats || o->have_vtop || o->checks || o->ptov ||
	     o->diff))
		st = vmmap_set_error(ctx, VMMAP_ERR_ARG,
			"--format=svg and html draw the map: not with --layout, "
			"--stats, --vtop, --check, --ptov or --diff");
	optind = saved_optind;
	opterr = saved_opterr;
	optarg = saved_optarg;
	return st;
}

static vmmap_status read_file(struct vmmap_ctx *ctx, const char *path,
			      char **text_ret, size_t *len_ret)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int fd;
	vmmap_status st;

	st = file_open_regular(ctx, path, "a VMCOREINFO text file", &fd, NULL);
	if (st)
		return st;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return set_nomem(ctx);
	}
	for (;;) {
		if (cap - len < 4096) {
			char *nb;

			if (cap >= (16u << 20)) {
				free(buf);
				fclose(f);
				return vmmap_set_error(ctx, VMMAP_ERR_FORMAT,
					"%s: too large for VMCOREINFO", path);
			}
			cap = cap ? 2 * cap : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return set_nomem(ctx);
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	*text_ret = buf;
	*len_ret = len;
	return VMMAP_OK;
}

PUBLIC vmmap_status vmmap_apply_opts(struct vmmap_ctx *ctx,
				     const struct vmmap_opts *o)
{
	vmmap_status st;

	ctx->force = o->force;
	if (o->arch) {
		st = vmmap_set_arch(ctx, o->arch);
		if (st)
			return st;
	}
	if (o->vmcoreinfo) {
		char *text = NULL;
		size_t len = 0;

		st = read_file(ctx, o->vmcoreinfo, &text, &len);
		if (st)
			return st;
		st = vmmap_set_vmcoreinfo(ctx, text, len);
		free(text);
		if (st)
			return vmmap_set_error(ctx, st, "%s", o->vmcoreinfo);
	}
	if (o->symbols) {
		st = vmmap_load_symbols(ctx, o->symbols);
		if (st)
			return st;
	}
	return VMMAP_OK;
}

static vmmap_status out_ok(struct vmmap_ctx *ctx, FILE *out)
{
	return ferror(out) ? vmmap_set_error(ctx, VMMAP_ERR_IO,
					     "writing the output") : VMMAP_OK;
}

/* A FILE that discards what is written to it. */
static ssize_t sink_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)size;
}

/*
 * What the kernel's own structures say, read for an extract: the types,
 * the objects (vmap areas and their callers' symbols, modules, tasks),
 * and every process's tables and VMAs, so that the extract answers
 * --objects, --vmallocinfo, --tasks and --pid as the dump does.  A dump
 * that cannot say these (no BTF, a symbol missing) still gets its
 * extract, of the map; what they would have warned of is not said here.
 */
static vmmap_status extract_kernel_structures(struct vmmap_ctx *ctx,
					      FILE *null)
{
	const struct vmmap_object *objs;
	const struct vmmap_slab_cache *slabs;
	const struct vmmap_task *t;
	size_t nwarn = ctx->nwarnings, n, i, j;
	struct vmmap_opts map;
	vmmap_status st = VMMAP_OK;

	memset(&map, 0, sizeof(map));
	if (!vmmap_objects(ctx, &objs, &n))
		st = vmmap_vmallocinfo(ctx, null);
	if (st == VMMAP_ERR_NOMEM)
		return st;
	/* the struct pages and caches, for --slabs and --objects=slabs
	 * (the linear map, where the labels go, is walked already) */
	if (vmmap_slabs(ctx, &slabs, &n) == VMMAP_ERR_NOMEM)
		return VMMAP_ERR_NOMEM;
	st = VMMAP_OK;
	if (!vmmap_tasks(ctx, &t, &n)) {
		for (i = 0; i < n && st != VMMAP_ERR_NOMEM; i++) {
			/* one walk per mm: threads share their process's */
			for (j = 0; j < i && t[j].mm != t[i].mm; j++)
				;
			if (!t[i].mm || j < i)
				continue;
			st = vmmap_select_mm(ctx, t[i].mm);
			if (!st)
				st = fmt_map(ctx, &map, null);
			space_leave(ctx);
		}
	}
	if (st == VMMAP_ERR_NOMEM)
		return st;
	vmmap_clear_error(ctx);
	while (ctx->nwarnings > nwarn)
		free(ctx->warnings[--ctx->nwarnings]);
	return VMMAP_OK;
}

/*
 * --extract: load again and print the whole map in every format, noting
 * which memory that reads, then write the extract of it.  What any later
 * run of vmmap reads of the extract is what this one read.
 */
static vmmap_status run_extract(struct vmmap_ctx *ctx,
				const struct vmmap_opts *o, FILE *out)
{
	static const cookie_io_functions_t sink = { .write = sink_write };
	static const enum vmmap_format fmts[] = { VMMAP_FMT_PTDUMP,
						  VMMAP_FMT_TABLE };
	struct vmmap_opts all;
	const char *base;
	uint64_t bytes;
	vmmap_status st;
	size_t i;
	FILE *null;

	st = vmmap_record_reads(ctx);
	if (!st)
		st = vmmap_load(ctx);
	if (st)
		return st;
	null = fopencookie(NULL, "w", sink);
	if (!null)
		return set_nomem(ctx);
	/* Not --all: copies of shared tables (REPLICA ranges) read nothing
	 * their first copy did not, and hostile tables make them endless;
	 * every line the summaries of --all hide is still walked. */
	memset(&all, 0, sizeof(all));
	for (i = 0; !st && i < ARRAY_SIZE(fmts); i++) {
		all.format = fmts[i];
		st = fmt_map(ctx, &all, null);
	}
	if (!st)
		st = extract_kernel_structures(ctx, null);
	fclose(null);
	if (st)
		return st;
	base = o->dump ? strrchr(o->dump, '/') : NULL;
	base = base ? base + 1 : o->dump;
	st = vmmap_write_extract(ctx, o->extract, base, &bytes);
	if (st)
		return st;
	fprintf(out, "%s: an extract of %s: %" PRIu64 " KiB of physical "
		"memory in %zu runs, %zu VMCOREINFO keys\n", o->extract,
		base ? base : "the memory source", bytes >> 10,
		ctx->record->n, ctx->vmcoreinfo.n);
	return VMMAP_OK;
}

/* The command of @o in the address space selected. */
static vmmap_status run_in_space(struct vmmap_ctx *ctx,
				 const struct vmmap_opts *o, FILE *out)
{
	if (o->layout)
		return fmt_layout(ctx, o, out);
	if (o->vtop_list)
		return fmt_vtop_many(ctx, o, out);
	if (o->have_vtop)
		return fmt_vtop(ctx, o, out);
	if (o->stats)
		return fmt_stats(ctx, o, out);
	if (o->checks)
		return fmt_check(ctx, o, out);
	if (o->ptov)
		return fmt_ptov(ctx, o, out);
	if (o->diff)
		return fmt_diff(ctx, o, out);
	if (o->format == VMMAP_FMT_SVG || o->format == VMMAP_FMT_HTML)
		return fmt_picture(ctx, o, out);
	return fmt_map(ctx, o, out);
}

/* --all-tasks: the command in every process's address space, one per mm
 * (threads share their process's), each under a line that says whose. */
static vmmap_status run_all_tasks(struct vmmap_ctx *ctx,
				  const struct vmmap_opts *o, FILE *out)
{
	const struct vmmap_task *t;
	bool json = o->format == VMMAP_FMT_JSON, first = true;
	uint64_t findings = 0;
	size_t n, i, j;
	vmmap_status st;

	st = vmmap_tasks(ctx, &t, &n);
	if (st)
		return st;
	if (json)
		fprintf(out, "{\"schema\": 1, \"address_spaces\": [");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && t[j].mm != t[i].mm; j++)
			;
		if (!t[i].mm || j < i)
			continue;
		if (json)
			fprintf(out, "%s\n{\"pid\": %" PRId64 ", \"comm\": "
				"\"%s\", \"mm\": \"0x%" PRIx64 "\", \"map\":\n",
				first ? "" : ",", t[i].pid, t[i].comm, t[i].mm);
		else
			fprintf(out, "%s=== PID %" PRId64 " (%s), mm 0x%" PRIx64
				" ===\n", first ? "" : "\n", t[i].pid,
				t[i].comm, t[i].mm);
		first = false;
		st = vmmap_select_mm(ctx, t[i].mm);
		if (!st)
			st = run_in_space(ctx, o, out);
		findings += ctx->findings;
		space_leave(ctx);
		if (st == VMMAP_ERR_NOMEM || st == VMMAP_ERR_IO)
			return st;
		if (st) {
			/* one process whose space cannot be read (one
			 * exiting) does not hide the others' */
			add_warning(ctx, "PID %" PRId64 " (%s): %s", t[i].pid,
				    t[i].comm, vmmap_errmsg(ctx));
			vmmap_clear_error(ctx);
			if (json)
				fprintf(out, "null");
			st = VMMAP_OK;
		}
		if (json)
			fprintf(out, "}");
	}
	if (json)
		fprintf(out, "\n]}\n");
	ctx->findings = findings;
	return out_ok(ctx, out);
}

PUBLIC vmmap_status vmmap_run(struct vmmap_ctx *ctx,
			      const struct vmmap_opts *o, FILE *out)
{
	vmmap_status st;

	vmmap_clear_error(ctx);		/* a call's error is its own */
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_run() before vmmap_load()");
	if (o->extract)
		return run_extract(ctx, o, out);
	if (o->vmallocinfo) {
		if (o->format != VMMAP_FMT_TABLE)
			return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				"--vmallocinfo prints the kernel's own text "
				"format (--objects=list --format=json has the "
				"areas)");
		return vmmap_vmallocinfo(ctx, out);
	}
	if (o->modules)
		return fmt_modules(ctx, o, out);
	if (o->tasks)
		return fmt_tasks(ctx, o, out);
	if (o->slabs)
		return fmt_slabs(ctx, o, out);
	if (o->slabs_label && (st = vmmap_label_slabs(ctx, true)))
		return st;
	if (o->objects_list)
		return fmt_objects(ctx, o, out);
	if (o->all_tasks)
		return run_all_tasks(ctx, o, out);
	if (!o->have_pid && !o->mm)
		return run_in_space(ctx, o, out);
	st = o->have_pid ? vmmap_select_pid(ctx, o->pid)
			 : vmmap_select_mm(ctx, o->mm);
	if (!st)
		st = run_in_space(ctx, o, out);
	space_leave(ctx);
	return st;
}
