/* error.c - errors and warnings: a status plus a message in the context. */
#include "config.h"
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

#define PUBLIC __attribute__((visibility("default")))

PUBLIC const char *vmmap_errmsg(const struct vmmap_ctx *ctx)
{
	return ctx && ctx->errmsg ? ctx->errmsg : "";
}

PUBLIC const char *vmmap_strstatus(vmmap_status status)
{
	static const char *const names[] = {
		[VMMAP_OK] = "success",
		[VMMAP_ERR_NOMEM] = "out of memory",
		[VMMAP_ERR_ARG] = "invalid argument",
		[VMMAP_ERR_IO] = "read error",
		[VMMAP_ERR_NODATA] = "not in the dump",
		[VMMAP_ERR_FORMAT] = "bad dump format",
		[VMMAP_ERR_NOTSUP] = "not supported",
		[VMMAP_ERR_NOINFO] = "missing information",
		[VMMAP_ERR_INVALID] = "invalid page-table data",
		[VMMAP_ERR_NOTMAPPED] = "not mapped",
		[VMMAP_ERR_LIMIT] = "limit reached",
		[VMMAP_ERR_STOP] = "stopped",
	};

	if ((unsigned)status < ARRAY_SIZE(names) && names[status])
		return names[status];
	return "unknown error";
}

vmmap_status set_errorv(struct vmmap_ctx *ctx, vmmap_status status,
			const char *fmt, va_list ap)
{
	char *msg, *joined;

	if (vasprintf(&msg, fmt, ap) < 0)
		return status;
	if (ctx->errmsg && *ctx->errmsg) {
		if (asprintf(&joined, "%s: %s", msg, ctx->errmsg) < 0) {
			free(msg);
			return status;
		}
		free(msg);
		msg = joined;
	}
	free(ctx->errmsg);
	ctx->errmsg = msg;
	return status;
}

PUBLIC vmmap_status vmmap_set_error(struct vmmap_ctx *ctx, vmmap_status status,
				    const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet || (ctx->mute && status != VMMAP_ERR_NOMEM))
		return status;
	va_start(ap, fmt);
	set_errorv(ctx, status, fmt, ap);
	va_end(ap);
	return status;
}

PUBLIC void vmmap_clear_error(struct vmmap_ctx *ctx)
{
	free(ctx->errmsg);
	ctx->errmsg = NULL;
}

vmmap_status set_nomem(struct vmmap_ctx *ctx)
{
	return vmmap_set_error(ctx, VMMAP_ERR_NOMEM, "out of memory");
}

void add_warning(struct vmmap_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg, **nw;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	nw = realloc(ctx->warnings, (ctx->nwarnings + 1) * sizeof(*nw));
	if (!nw) {
		free(msg);
		return;
	}
	ctx->warnings = nw;
	ctx->warnings[ctx->nwarnings++] = msg;
}

void add_warning_first(struct vmmap_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg, **nw;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	nw = realloc(ctx->warnings, (ctx->nwarnings + 1) * sizeof(*nw));
	if (!nw) {
		free(msg);
		return;
	}
	ctx->warnings = nw;
	memmove(&nw[1], &nw[0], ctx->nwarnings * sizeof(*nw));
	nw[0] = msg;
	ctx->nwarnings++;
}

PUBLIC size_t vmmap_warning_count(const struct vmmap_ctx *ctx)
{
	return ctx->nwarnings;
}

PUBLIC const char *vmmap_warning_get(const struct vmmap_ctx *ctx, size_t i)
{
	return i < ctx->nwarnings ? ctx->warnings[i] : NULL;
}
