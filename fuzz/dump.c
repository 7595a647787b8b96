/*
 * fuzz/dump.c - libFuzzer harness: the input is a whole dump file (ELF
 * vmcore, kdump-compressed, flattened).  It is opened through a memfd as
 * vmmap-dump would open it, loaded, walked (bounded) and translated.  A
 * kdump-compressed or flattened file is also opened by our own reader
 * alone (SOURCE_OWN_KDUMP), which vmmap_open_dump() skips when libkdumpfile
 * reads the file (never with libkdumpfile 0.5.1-0.5.4: kdf_cache_bug()).
 */
#include "config.h"
#include "source/source.h"
#include "common.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void run(int fd, const char *path, bool ours)
{
	struct vmmap_ctx *ctx = vmmap_new();
	vmmap_status st;

	if (!ctx)
		return;
	/* Do not let a hostile file keep the harness busy for long. */
	ctx->max_ranges = 4 * FUZZ_MAX_RANGES;
	ctx->max_runs = FUZZ_MAX_RUNS;
	if (ours) {
		st = source_open_route(ctx, path, SOURCE_OWN_KDUMP);
	} else {
		st = vmmap_open_dump(ctx, path);
	}
	if (!st && !vmmap_load(ctx)) {
		vmmap_addr_t extra[2] = { 0xffff888000000000ull,
					  0xffffffff81000000ull };

		fuzz_exercise(ctx, 0, extra, 2);
	}
	vmmap_free(ctx);
}

/*
 * The input, as the contents of one memfd kept for the whole run: cut to
 * the input's size and overwritten, so that its pages are reused rather
 * than a file created, filled and torn down per input (memfd_create(),
 * shmem pages allocated and freed, the inode evicted on close: ~6% of
 * an execution).  Every open of /proc/self/fd/N is a new open file of
 * the same contents, as it was of a new memfd.  -1 if it cannot be.
 */
static int input_fd(const uint8_t *data, size_t size)
{
	static int fd = -1;
	size_t off = 0;

	if (fd < 0)
		fd = memfd_create("vmmap-fuzz", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size))
		return -1;
	while (off < size) {
		ssize_t n = pwrite(fd, data + off, size - off, (off_t)off);

		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = input_fd(data, size);

	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	run(fd, path, false);
	/* With a libkdumpfile whose cache is broken (0.5.1-0.5.4) the open
	 * above was our reader's already. */
	if (!kdf_cache_bug() && size >= 13 &&
	    (!memcmp(data, "KDUMP   ", 8) ||
	     !memcmp(data, "makedumpfile", 13)))
		run(fd, path, true);
	return 0;
}
