/* addrxlat-oracle: translate kernel virtual addresses of a vmcore with
 * libaddrxlat (through libkdumpfile), for the vmmap test corpus.
 *
 * usage: addrxlat-oracle VMCORE [ROOT] < addresses
 * ROOT: the page-table root's physical address (hex), for kernels whose
 * layout this libaddrxlat does not know (s390x v6.10+, where
 * __pa(swapper_pg_dir) is not its virtual address): passed as the
 * "rootpgt=KPHYSADDR:ROOT" option; the walk itself stays libaddrxlat's.
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

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s VMCORE [ROOT] < addresses\n", argv[0]);
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
	if (argc == 3) {
		/* set the system up again with the root given */
		addrxlat_opt_t opts[3];
		addrxlat_fulladdr_t root;
		const char *arch = NULL;
		kdump_attr_t a;

		a.type = KDUMP_STRING;
		if (kdump_get_typed_attr(ctx, "arch.name", &a) == KDUMP_OK)
			arch = a.val.string;
		if (!arch) {
			fprintf(stderr, "no arch.name\n");
			return 1;
		}
		root.as = ADDRXLAT_MACHPHYSADDR;
		root.addr = strtoull(argv[2], NULL, 16);
		addrxlat_opt_arch(&opts[0], arch);
		addrxlat_opt_os_type(&opts[1], "linux");
		addrxlat_opt_rootpgt(&opts[2], &root);
		if (addrxlat_sys_os_init(axsys, axctx, 3, opts) !=
		    ADDRXLAT_OK) {
			fprintf(stderr, "sys_os_init: %s\n",
				addrxlat_ctx_get_err(axctx));
			return 1;
		}
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
