/*
 * fuzz/tables.c - libFuzzer harness for the walker and the architectures'
 * decoders: page tables in physical memory given by the input.
 *
 * Input (integers little-endian):
 *   byte 0      bits 0-1: architecture (x86_64, aarch64, s390x, arm)
 *               bit 2: memory not in a chunk reads as zeros (else NODATA)
 *               bit 3: walk unmerged (VMMAP_WALK_RAW)
 *               bits 4-7: k != 0: reads of pages with (pfn % 16) == k - 1
 *               fail with VMMAP_ERR_IO
 *   bytes 1-2   length L of the text that follows
 *   L bytes     lines: "KEY=VALUE" (VMCOREINFO), "reg NAME VALUE",
 *               "sym NAME VALUE", "val NAME VALUE", "vtop ADDR",
 *               "arch NAME" (any architecture of the registry, over
 *               byte 0's)
 *   then chunks of physical memory: u64 paddr, u32 len, len bytes (a
 *   short last chunk is cut to what is left)
 * fuzz/mkseeds.py makes seeds of it from tests/synth/ *.pt.
 */
#include "config.h"
#include "core/core.h"
#include "common.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CHUNKS 64
#define MAX_VTOPS 8

struct chunk {
	uint64_t addr;
	size_t len;
	const uint8_t *data;
};

struct fmem {
	struct chunk c[MAX_CHUNKS];
	size_t n;
	bool zeros;
	unsigned io_k;
};

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static vmmap_status fmem_read(struct vmmap_ctx *ctx, void *data,
			      vmmap_addr_t pa, void *buf, size_t len)
{
	struct fmem *m = data;
	uint8_t *out = buf;
	size_t i;

	if (pa + len < pa)
		return VMMAP_ERR_NODATA;
	if (m->io_k && ((pa >> 12) % 16) == m->io_k - 1)
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "injected");
	/* Byte by byte from the last chunk holding it: chunks may overlap
	 * and a read may span several. */
	while (len) {
		bool found = false;

		for (i = m->n; i-- > 0;) {
			const struct chunk *c = &m->c[i];

			if (pa >= c->addr && pa - c->addr < c->len) {
				size_t n = c->len - (size_t)(pa - c->addr);

				if (n > len)
					n = len;
				memcpy(out, c->data + (pa - c->addr), n);
				out += n;
				pa += n;
				len -= n;
				found = true;
				break;
			}
		}
		if (found)
			continue;
		if (!m->zeros)
			return VMMAP_ERR_NODATA;
		/* Zeros up to the next chunk. */
		{
			size_t n = len;

			for (i = 0; i < m->n; i++)
				if (m->c[i].addr > pa && m->c[i].addr - pa < n)
					n = (size_t)(m->c[i].addr - pa);
			memset(out, 0, n);
			out += n;
			pa += n;
			len -= n;
		}
	}
	return VMMAP_OK;
}

static const struct vmmap_mem_ops fmem_ops = { .read_phys = fmem_read };

static void apply_line(struct vmmap_ctx *ctx, char *line, vmmap_addr_t *vtops,
		       size_t *nvtops)
{
	char *a, *b;

	if (!strncmp(line, "reg ", 4) || !strncmp(line, "sym ", 4) ||
	    !strncmp(line, "val ", 4)) {
		a = line + 4;
		b = strchr(a, ' ');
		if (!b)
			return;
		*b++ = 0;
		if (line[0] == 'r')
			vmmap_set_reg(ctx, a, strtoull(b, NULL, 0));
		else if (line[0] == 's')
			vmmap_set_symbol(ctx, a, strtoull(b, NULL, 0));
		else
			vmmap_set_value(ctx, a, strtoull(b, NULL, 0));
	} else if (!strncmp(line, "arch ", 5)) {
		vmmap_set_arch(ctx, line + 5);
	} else if (!strncmp(line, "vtop ", 5)) {
		if (*nvtops < MAX_VTOPS)
			vtops[(*nvtops)++] = strtoull(line + 5, NULL, 0);
	} else {
		vmmap_set_vmcoreinfo(ctx, line, strlen(line));
	}
	vmmap_clear_error(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const arches[] = { "x86_64", "aarch64", "s390x",
					      "arm" };
	struct fmem m = { 0 };
	struct vmmap_ctx *ctx;
	vmmap_addr_t vtops[MAX_VTOPS];
	size_t nvtops = 0, textlen, pos;
	char *text, *line, *save;
	unsigned sel;

	if (size < 3)
		return 0;
	sel = data[0];
	textlen = (size_t)le(data + 1, 2);
	if (textlen > size - 3)
		textlen = size - 3;
	pos = 3 + textlen;
	while (size - pos >= 12 && m.n < MAX_CHUNKS) {
		struct chunk *c = &m.c[m.n++];
		uint64_t len = le(data + pos + 8, 4);

		c->addr = le(data + pos, 8);
		pos += 12;
		c->len = len < size - pos ? (size_t)len : size - pos;
		c->data = data + pos;
		pos += c->len;
	}
	m.zeros = sel & 4;
	m.io_k = sel >> 4;

	ctx = vmmap_new();
	text = malloc(textlen + 1);
	if (!ctx || !text)
		goto out;
	/* Keep a hostile table from running the harness for long. */
	ctx->max_ranges = 4 * FUZZ_MAX_RANGES;
	memcpy(text, data + 3, textlen);
	text[textlen] = 0;
	vmmap_set_mem(ctx, &fmem_ops, &m);
	vmmap_set_arch(ctx, arches[sel & 3]);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		apply_line(ctx, line, vtops, &nvtops);
	if (vmmap_load(ctx) == VMMAP_OK)
		fuzz_exercise(ctx, sel & 8 ? VMMAP_WALK_RAW : 0, vtops, nvtops);
out:
	free(text);
	vmmap_free(ctx);
	return 0;
}
