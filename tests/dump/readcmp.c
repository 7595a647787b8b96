/*
 * readcmp - read every page of physical memory through two dump readers
 * and compare bytes and status.
 *
 *   readcmp [--subset] [--page N] [--scatter] [--quiet] [READER:]A [READER:]B
 *
 * READER is "auto" (vmmap_open_dump(), the default), "kdf" (libkdumpfile),
 * "own" (our kdump-compressed/flattened reader) or "elf" (our ELF reader).
 * Pages that are not in a dump (VMMAP_ERR_NODATA) must be missing in both,
 * unless --subset: then B may lack pages A has (B filtered by makedumpfile
 * -d).  --scatter: the pages in a scattered order (a stride prime to
 * their number), not ascending, as a walk of tables reads.  Any other read
 * error is a failure.  Exit 0 when equal, 1 on a difference, 2 when a dump
 * does not open.
 */
#include "config.h"
#include "source/source.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct vmmap_ctx *open_one(const char *spec)
{
	struct vmmap_ctx *ctx = vmmap_new();
	const char *path = spec;
	vmmap_status st;

	if (!ctx) {
		fprintf(stderr, "readcmp: out of memory\n");
		return NULL;
	}
	if (!strncmp(spec, "kdf:", 4) || !strncmp(spec, "own:", 4) ||
	    !strncmp(spec, "elf:", 4)) {
		path = spec + 4;
		st = source_open_route(ctx, path,
				       spec[0] == 'k' ? SOURCE_LIBKDUMPFILE
				       : spec[0] == 'e' ? SOURCE_OWN_ELF
							: SOURCE_OWN_KDUMP);
	} else {
		if (!strncmp(spec, "auto:", 5))
			path = spec + 5;
		st = vmmap_open_dump(ctx, path);
	}
	if (st) {
		fprintf(stderr, "readcmp: %s: %s\n", vmmap_strstatus(st),
			vmmap_errmsg(ctx));
		vmmap_free(ctx);
		return NULL;
	}
	return ctx;
}

int main(int argc, char **argv)
{
	struct vmmap_ctx *a, *b;
	uint64_t ea = 0, eb = 0, end, addr, same = 0, nodata = 0, filtered = 0,
		 bad = 0;
	size_t page = 4096;
	bool subset = false, quiet = false, scatter = false;
	uint64_t npages, pg, step = 1;
	uint8_t *ba, *bb;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--subset"))
			subset = true;
		else if (!strcmp(argv[i], "--scatter"))
			scatter = true;
		else if (!strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (!strcmp(argv[i], "--page") && i + 1 < argc)
			page = strtoul(argv[++i], NULL, 0);
		else
			break;
	}
	if (argc - i != 2 || !page) {
		fprintf(stderr, "usage: readcmp [--subset] [--page N] "
			"[--scatter] [--quiet] [auto:|kdf:|own:|elf:]A [auto:|kdf:|own:|elf:]B\n");
		return 2;
	}
	a = open_one(argv[i]);
	b = a ? open_one(argv[i + 1]) : NULL;
	if (!a || !b)
		return 2;
	mem_phys_end(a, &ea);
	mem_phys_end(b, &eb);
	end = ea > eb ? ea : eb;
	if (!quiet)
		printf("A: arch %s, %zu VMCOREINFO keys, memory end 0x%" PRIx64
		       "\nB: arch %s, %zu VMCOREINFO keys, memory end 0x%"
		       PRIx64 "\n", a->arch_hint ? a->arch_hint : "?",
		       a->vmcoreinfo.n, ea, b->arch_hint ? b->arch_hint : "?",
		       b->vmcoreinfo.n, eb);
	ba = malloc(page);
	bb = malloc(page);
	if (!ba || !bb)
		return 2;
	npages = (end + page - 1) / page;
	if (scatter)	/* a prime that does not divide npages */
		for (step = 1000003; npages % step == 0; step += 2)
			;
	for (pg = 0; pg < npages; pg++) {
		vmmap_status sa, sb;

		addr = (uint64_t)(((unsigned __int128)pg * step) % npages) * page;

		vmmap_clear_error(a);
		vmmap_clear_error(b);
		sa = mem_read_phys(a, addr, ba, page);
		sb = mem_read_phys(b, addr, bb, page);
		if (sa == VMMAP_OK && sb == VMMAP_OK && !memcmp(ba, bb, page)) {
			same++;
			continue;
		}
		if (sa == VMMAP_ERR_NODATA && sb == VMMAP_ERR_NODATA) {
			nodata++;
			continue;
		}
		if (subset && sa == VMMAP_OK && sb == VMMAP_ERR_NODATA) {
			filtered++;
			continue;
		}
		if (bad++ < 10)
			printf("0x%" PRIx64 ": A %s%s%s, B %s%s%s%s\n", addr,
			       vmmap_strstatus(sa), sa ? " " : "",
			       sa ? vmmap_errmsg(a) : "",
			       vmmap_strstatus(sb), sb ? " " : "",
			       sb ? vmmap_errmsg(b) : "",
			       !sa && !sb ? " (bytes differ)" : "");
	}
	printf("%" PRIu64 " pages equal, %" PRIu64 " not in either, %" PRIu64
	       " filtered out of B only, %" PRIu64 " differ\n", same, nodata,
	       filtered, bad);
	free(ba);
	free(bb);
	vmmap_free(a);
	vmmap_free(b);
	return bad || !same ? 1 : 0;
}
