/*
 * regress-main.c - a main() for a harness without libFuzzer: feeds every
 * file named on the command line to LLVMFuzzerTestOneInput(), once each,
 * as `make check` does with fuzz/regressions/ (fuzz/run-regressions).
 */
#include "config.h"
#include "common.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf = NULL;
		size_t n = 0, cap = 0, r;

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (n == cap) {
				cap = cap ? 2 * cap : 65536;
				buf = realloc(buf, cap);
				if (!buf)
					return 2;
			}
			r = fread(buf + n, 1, cap - n, f);
			n += r;
		} while (r);
		fclose(f);
		printf("%s (%zu bytes)\n", argv[i], n);
		fflush(stdout);
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	return 0;
}
