/* addrxlat-oracle: translate kernel virtual addresses of a vmcore with
 * libaddrxlat (through libkdumpfile), for the vmmap test corpus.
 *
 * usage: addrxlat-oracle VMCORE < addresses
 * Input: one hex address per line ("#" lines are copied through).
 * Output: "vaddr paddr" per address, or "vaddr - # error text".
 * addrxlat.ostype is set to "linux" explicitly (needed on QEMU dumps).
 * Built by testdata/mkvmcore at generation time:
 *   gcc -O2 -o addrxlat-oracle addrxlat-oracle.c -lkdumpfile -laddrxlat
 * (The python3-libkdumpfile 0.5.1 binding fails on page-table walks with
 *  "'Context' object has no attribute 'cb_read_caps'".)
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libkdumpfile/kdumpfile.h>

int main(int argc, char **argv)
{
	kdump_ctx_t *ctx;
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	char line[256];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s VMCORE < addresses\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	ctx = kdump_new();
	if (!ctx)
		return 1;
	if (kdump_open_fd(ctx, fd) != KDUMP_OK) {
		fprintf(stderr, "open: %s\n", kdump_get_err(ctx));
		return 1;
	}
	if (kdump_set_string_attr(ctx, "addrxlat.ostype", "linux") != KDUMP_OK)
		fprintf(stderr, "warning: addrxlat.ostype: %s\n", kdump_get_err(ctx));
	if (kdump_get_addrxlat(ctx, &axctx, &axsys) != KDUMP_OK) {
		fprintf(stderr, "get_addrxlat: %s\n", kdump_get_err(ctx));
		return 1;
	}
	while (fgets(line, sizeof line, stdin)) {
		addrxlat_fulladdr_t fa;
		addrxlat_status st;
		char *end;

		if (line[0] == '#' || line[0] == '\n') {
			fputs(line, stdout);
			continue;
		}
		fa.as = ADDRXLAT_KVADDR;
		fa.addr = strtoull(line, &end, 16);
		st = addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, axctx, axsys);
		if (st == ADDRXLAT_OK)
			printf("0x%016" PRIx64 " 0x%" PRIx64 "\n",
			       (uint64_t)strtoull(line, NULL, 16), (uint64_t)fa.addr);
		else
			printf("0x%016" PRIx64 " - # %s\n",
			       (uint64_t)strtoull(line, NULL, 16), addrxlat_ctx_get_err(axctx));
		addrxlat_ctx_clear_err(axctx);
	}
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
	kdump_free(ctx);
	close(fd);
	return 0;
}
