/*
 * fuzz/opts.c - libFuzzer harness for the option parser that vmmap-dump,
 * the crash command and the GDB command share (vmmap_parse_opts(): the
 * formats, --range, --vtop, --check and --ptov lists, the conflicts).
 * Nothing is opened: vmmap_apply_opts() and vmmap_run() read files.
 *
 * Input: the arguments after argv[0], separated by NUL bytes (at most
 * MAX_ARGS; an empty input is no argument).  fuzz/opts.dict holds the
 * option names and values.
 */
#include "config.h"
#include "vmmap.h"
#include "common.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	char *buf;
	struct vmmap_ctx *ctx;
	struct vmmap_opts o;
	int argc = 0;
	size_t i, start = 0;

	buf = malloc(size + 1);
	ctx = vmmap_new();
	if (!buf || !ctx)
		goto out;
	if (size)
		memcpy(buf, data, size);
	buf[size] = 0;
	argv[argc++] = (char *)"vmmap-dump";
	for (i = 0; size && i <= size && argc <= MAX_ARGS; i++) {
		if (buf[i])
			continue;
		argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;
	if (vmmap_parse_opts(ctx, argc, argv, &o) == VMMAP_OK) {
		/* what the front ends then rely on */
		if (o.have_range && o.range_first > o.range_last)
			__builtin_trap();
		if (o.vtop_list && strcmp(o.vtop_list, "-") &&
		    (o.vtop_list[0] != '@' || !o.vtop_list[1]))
			__builtin_trap();
	} else if (!*vmmap_errmsg(ctx)) {
		__builtin_trap();	/* a usage error says why */
	}
	vmmap_clear_error(ctx);
out:
	vmmap_free(ctx);
	free(buf);
	return 0;
}
