/* vmmap-dump - print a kernel's virtual memory map from a dump, or of the
 * running kernel through /proc/kcore when no dump is given. */
#include "config.h"
#include "vmmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "vmmap-dump";

static int fail(struct vmmap_ctx *ctx, int code)
{
	fprintf(stderr, "%s: %s\n", prog, vmmap_errmsg(ctx));
	vmmap_free(ctx);
	return code;
}

int main(int argc, char **argv)
{
	struct vmmap_ctx *ctx = vmmap_new();
	struct vmmap_opts opts;
	vmmap_status st;
	size_t i;

	if (!ctx) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	if (vmmap_parse_opts(ctx, argc, argv, &opts)) {
		fprintf(stderr, "%s: %s (see %s --help)\n", prog,
			vmmap_errmsg(ctx), prog);
		vmmap_free(ctx);
		return 2;
	}
	if (opts.help) {
		vmmap_print_usage(stdout, prog);
		vmmap_free(ctx);
		return 0;
	}
	/* No dump: the running kernel, through /proc/kcore. */
	st = opts.dump ? vmmap_open_dump(ctx, opts.dump)
		       : vmmap_open_kcore(ctx, NULL);
	if (st || vmmap_apply_opts(ctx, &opts) || vmmap_load(ctx))
		return fail(ctx, 1);
	for (i = 0; i < vmmap_warning_count(ctx); i++)
		fprintf(stderr, "%s: warning: %s\n", prog,
			vmmap_warning_get(ctx, i));
	st = vmmap_run(ctx, &opts, stdout);
	/* what the run itself found to warn about (--check's limits) */
	for (; i < vmmap_warning_count(ctx); i++)
		fprintf(stderr, "%s: warning: %s\n", prog,
			vmmap_warning_get(ctx, i));
	if (fflush(stdout) == EOF && !st) {
		st = VMMAP_ERR_IO;
		vmmap_set_error(ctx, st, "writing the output: %s",
				strerror(errno));
	}
	if (st == VMMAP_ERR_IO && errno == EPIPE) {
		/* the reader went away (| head): nothing to say */
		vmmap_free(ctx);
		return 1;
	}
	if (st == VMMAP_ERR_NOTMAPPED) {
		/* vtop of an unmapped address: printed, and said by the exit */
		vmmap_free(ctx);
		return 1;
	}
	if (st)
		return fail(ctx, st == VMMAP_ERR_ARG ? 2 : 1);
	if (opts.checks && vmmap_findings(ctx)) {
		/* --check: the findings are the answer, the exit says so */
		vmmap_free(ctx);
		return 3;
	}
	vmmap_free(ctx);
	return 0;
}
