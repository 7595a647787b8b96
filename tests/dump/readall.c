/*
 * readall - open a dump with vmmap_open_dump() and read every page of its
 * physical memory.
 *
 *   readall [own:]DUMP
 *
 * "own:" opens a kdump-compressed file with our reader, not libkdumpfile.
 * Prints one line.  Exit 0: opened, every page read or not in the dump
 * (VMMAP_ERR_NODATA); 1: the open failed (the message is printed); 3: a
 * page read failed otherwise (the first message is printed).
 */
#include "config.h"
#include "source/source.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct vmmap_ctx *ctx;
	uint64_t end = 0, addr, ok = 0, nodata = 0, bad = 0;
	uint8_t *buf;
	vmmap_status st;

	if (argc != 2) {
		fprintf(stderr, "usage: readall DUMP\n");
		return 2;
	}
	ctx = vmmap_new();
	buf = malloc(4096);
	if (!ctx || !buf)
		return 2;
	if (!strncmp(argv[1], "own:", 4)) {
		st = source_open_route(ctx, argv[1] + 4, SOURCE_OWN_KDUMP);
	} else {
		st = vmmap_open_dump(ctx, argv[1]);
	}
	if (st) {
		printf("open: %s: %s\n", vmmap_strstatus(st), vmmap_errmsg(ctx));
		vmmap_free(ctx);
		free(buf);
		return 1;
	}
	mem_phys_end(ctx, &end);
	for (addr = 0; addr < end; addr += 4096) {
		vmmap_clear_error(ctx);
		st = mem_read_phys(ctx, addr, buf, 4096);
		if (st == VMMAP_OK) {
			ok++;
		} else if (st == VMMAP_ERR_NODATA) {
			nodata++;
		} else if (!bad++) {
			printf("read 0x%" PRIx64 ": %s: %s\n", addr,
			       vmmap_strstatus(st), vmmap_errmsg(ctx));
		}
	}
	printf("arch %s, %zu VMCOREINFO keys: %" PRIu64 " pages read, %" PRIu64
	       " not in the dump, %" PRIu64 " failed\n",
	       ctx->arch_hint ? ctx->arch_hint : "?", ctx->vmcoreinfo.n, ok,
	       nodata, bad);
	vmmap_free(ctx);
	free(buf);
	return bad ? 3 : 0;
}
