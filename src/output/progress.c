/* progress.c - a progress bar on standard error, for the front ends. */
#include "config.h"
#include "output/output.h"

#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#define PUBLIC __attribute__((visibility("default")))
#define WIDTH 30

/* Shown once a walk has taken this long: short ones stay silent. */
#define AFTER_SECONDS 1.0

PUBLIC void vmmap_progress_stderr(void *arg, const struct vmmap_progress *p)
{
	static int shown = -1;	/* is standard error a terminal? */
	const char *prog = arg ? arg : "vmmap";
	char bar[WIDTH + 1], mapped[16];
	int i, fill = (int)(p->fraction * WIDTH + 0.5);

	if (shown < 0)
		shown = isatty(STDERR_FILENO);
	if (!shown)
		return;
	if (p->done) {
		if (p->seconds >= AFTER_SECONDS)
			fprintf(stderr, "\r\033[K");
		return;
	}
	if (p->seconds < AFTER_SECONDS)
		return;
	for (i = 0; i < WIDTH; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[WIDTH] = 0;
	fmt_hsize(p->mapped, mapped, sizeof(mapped));
	fprintf(stderr, "\r%s: [%s] %3d%%  %s mapped, %" PRIu64 " page "
		"tables, at 0x%016" PRIx64 "\033[K", prog, bar,
		(int)(p->fraction * 100), mapped, p->tables, p->at);
	fflush(stderr);
}
