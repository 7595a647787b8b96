/* vmmap-dump - print a kernel's virtual memory map from a dump, or of the
 * running kernel through /proc/kcore when no dump is given. */
#include "config.h"
#include "vmmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "vmmap-dump";

/* One line on stderr, whatever the message holds (a file name with a
 * newline in it): control characters escaped. */
static void say(const char *what, const char *msg, const char *tail)
{
	const unsigned char *p;

	fprintf(stderr, "%s: %s", prog, what);
	for (p = (const unsigned char *)msg; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stderr);
		else if (*p == '\t')
			fputs("\\t", stderr);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	fprintf(stderr, "%s\n", tail);
}

static void warnings_from(struct vmmap_ctx *ctx, size_t *i)
{
	for (; *i < vmmap_warning_count(ctx); (*i)++)
		say("warning: ", vmmap_warning_get(ctx, *i), "");
}

static int fail(struct vmmap_ctx *ctx, int code)
{
	say("", vmmap_errmsg(ctx), "");
	vmmap_free(ctx);
	return code;
}

int main(int argc, char **argv)
{
	struct vmmap_ctx *ctx = vmmap_new();
	struct vmmap_opts opts;
	vmmap_status st;
	size_t i = 0;

	if (!ctx) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	if (vmmap_parse_opts(ctx, argc, argv, &opts)) {
		char tail[64];

		snprintf(tail, sizeof(tail), " (see %s --help)", prog);
		say("", vmmap_errmsg(ctx), tail);
		vmmap_free(ctx);
		return 2;
	}
	if (opts.help) {
		vmmap_print_usage(stdout, prog);
		vmmap_free(ctx);
		return 0;
	}
	if (!opts.quiet)
		vmmap_set_progress(ctx, vmmap_progress_stderr, (void *)prog);
	/* No dump: the running kernel, through /proc/kcore. */
	st = opts.dump ? vmmap_open_dump(ctx, opts.dump)
		       : vmmap_open_kcore(ctx, NULL);
	/* an error is one line: the warnings of a failed load stay unsaid */
	if (st || vmmap_apply_opts(ctx, &opts) || vmmap_load(ctx))
		return fail(ctx, 1);
	warnings_from(ctx, &i);
	st = vmmap_run(ctx, &opts, stdout);
	/* what the run itself found to warn about (--check's limits) */
	warnings_from(ctx, &i);
	if (fflush(stdout) == EOF && (!st || st == VMMAP_ERR_NOTMAPPED)) {
		st = VMMAP_ERR_IO;
		vmmap_clear_error(ctx);
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
	if ((opts.checks || opts.diff) && vmmap_findings(ctx)) {
		/* --check, --diff: the findings are the answer, the exit
		 * says so */
		vmmap_free(ctx);
		return 3;
	}
	vmmap_free(ctx);
	return 0;
}
