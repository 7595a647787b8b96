/*
 * cachestress - the read pattern that breaks libkdumpfile 0.5.1-0.5.4's
 * page cache (issue 15, R1): N distinct pages that are in the dump, then
 * one that is not (filtered out), then the N pages again, whose bytes must
 * not have changed.
 *
 *   cachestress [--pages N] [auto:|kdf:|own:]DUMP
 *   cachestress --bypassed     exit 0 if vmmap bypasses libkdumpfile's
 *                              cache for kdump files, 1 if not
 *
 * Exit 0: every re-read gave the same bytes; 1: a re-read failed or
 * differed; 2: usage, open, or the dump has too few pages or no absent one;
 * 3 (with kdf:) the libkdumpfile we are built with is one that vmmap
 * already bypasses, so a failure there is expected and not vmmap's.
 * A crash is a crash: the caller sees the signal.
 */
#include "config.h"
#include "source/source.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096

static struct vmmap_ctx *open_route(const char *spec)
{
	struct vmmap_ctx *ctx = vmmap_new();
	vmmap_status st;

	if (!ctx)
		return NULL;
	if (!strncmp(spec, "kdf:", 4) || !strncmp(spec, "own:", 4)) {
		st = source_open_route(ctx, spec + 4,
				       spec[0] == 'k' ? SOURCE_LIBKDUMPFILE
						      : SOURCE_OWN_KDUMP);
	} else {
		st = vmmap_open_dump(ctx, strncmp(spec, "auto:", 5) ? spec
								     : spec + 5);
	}
	if (st) {
		fprintf(stderr, "cachestress: %s: %s\n", spec,
			vmmap_errmsg(ctx));
		vmmap_free(ctx);
		return NULL;
	}
	return ctx;
}

int main(int argc, char **argv)
{
	size_t want = 2048, got = 0, i, bad = 0;
	uint64_t *pfn, end = 0, p, absent = UINT64_MAX;
	uint8_t *first, buf[PAGE];
	struct vmmap_ctx *probe, *ctx;
	const char *spec;
	int a = 1;

	if (argc == 2 && !strcmp(argv[1], "--bypassed"))
		return kdf_cache_bug() ? 0 : 1;
	if (a + 1 < argc && !strcmp(argv[a], "--pages")) {
		want = strtoul(argv[a + 1], NULL, 0);
		a += 2;
	}
	if (a + 1 != argc || !want) {
		fprintf(stderr, "usage: cachestress [--pages N] "
			"[auto:|kdf:|own:]DUMP\n");
		return 2;
	}
	spec = argv[a];
	pfn = calloc(want, sizeof(*pfn));
	first = malloc(want * PAGE);
	if (!pfn || !first)
		return 2;
	/* Which pages are there: found with our own reader, in another
	 * context, so that the context under test sees the pattern only. */
	probe = open_route(!strncmp(spec, "kdf:", 4) || !strncmp(spec, "own:", 4)
			   ? spec + 4 : !strncmp(spec, "auto:", 5) ? spec + 5
			   : spec);
	if (!probe || !mem_phys_end(probe, &end))
		return 2;
	for (p = 0; p < end / PAGE && (got < want || absent == UINT64_MAX);
	     p++) {
		vmmap_status st = mem_read_phys(probe, p * PAGE, buf, PAGE);

		vmmap_clear_error(probe);
		if (st == VMMAP_OK && got < want)
			pfn[got++] = p;
		else if (st == VMMAP_ERR_NODATA && got == want)
			absent = p;
	}
	vmmap_free(probe);
	if (got < want || absent == UINT64_MAX) {
		fprintf(stderr, "cachestress: %s: %zu pages in the dump, %s "
			"absent one after them\n", spec, got,
			absent == UINT64_MAX ? "no" : "an");
		return 2;
	}
	ctx = open_route(spec);
	if (!ctx)
		return 2;
	for (i = 0; i < got; i++)
		if (mem_read_phys(ctx, pfn[i] * PAGE, first + i * PAGE, PAGE)) {
			fprintf(stderr, "cachestress: first read of pfn 0x%"
				PRIx64 ": %s\n", pfn[i], vmmap_errmsg(ctx));
			return 1;
		}
	if (mem_read_phys(ctx, absent * PAGE, buf, PAGE) != VMMAP_ERR_NODATA) {
		fprintf(stderr, "cachestress: pfn 0x%" PRIx64 " should be "
			"filtered out: %s\n", absent, vmmap_errmsg(ctx));
		return 1;
	}
	vmmap_clear_error(ctx);
	for (i = 0; i < got; i++) {
		vmmap_status st = mem_read_phys(ctx, pfn[i] * PAGE, buf, PAGE);

		if (st || memcmp(buf, first + i * PAGE, PAGE)) {
			if (!bad)
				fprintf(stderr, "cachestress: re-read of pfn "
					"0x%" PRIx64 ": %s\n", pfn[i],
					st ? vmmap_errmsg(ctx)
					   : "bytes changed");
			bad++;
			vmmap_clear_error(ctx);
		}
	}
	printf("%s: %zu pages, absent pfn 0x%" PRIx64 ", %zu re-reads "
	       "failed\n", spec, got, absent, bad);
	vmmap_free(ctx);
	free(pfn);
	free(first);
	if (bad && !strncmp(spec, "kdf:", 4) && kdf_cache_bug())
		return 3;
	return bad ? 1 : 0;
}
