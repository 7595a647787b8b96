/*
 * objects.c - what the kernel's own structures say, printed: the objects
 * (--objects=list), /proc/vmallocinfo (--vmallocinfo), the modules
 * (--modules), the tasks (--tasks), the slab caches (--slabs), and the ranges of a map cut where the
 * objects labelling them change (--objects).
 */
#include "config.h"
#include "output/output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define JSON_SCHEMA 1

static void json_opt_str(FILE *out, const char *s)
{
	if (s)
		json_str(out, s);
	else
		fputs("null", out);
}

static vmmap_status out_done(struct vmmap_ctx *ctx, FILE *out)
{
	return ferror(out) ? vmmap_set_error(ctx, VMMAP_ERR_IO,
					     "writing the output") : VMMAP_OK;
}

vmmap_status fmt_objects(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			 FILE *out)
{
	const struct vmmap_object *v;
	size_t n, i;
	vmmap_status st = vmmap_objects(ctx, &v, &n);

	if (st)
		return st;
	objects_notes_as_warnings(ctx);
	if (o->format == VMMAP_FMT_JSON) {
		fprintf(out, "{\"schema\": %d, \"arch\": ", JSON_SCHEMA);
		json_str(out, ctx->arch->name);
		fprintf(out, ", \"types\": ");
		json_opt_str(out, kt_source(ctx));
		fprintf(out, ",\n  \"objects\": [");
		for (i = 0; i < n; i++) {
			fprintf(out, "%s\n    {\"start\": \"0x%" PRIx64 "\", "
				"\"end\": \"0x%" PRIx64 "\", \"kind\": ",
				i ? "," : "", v[i].start, v[i].last);
			json_str(out, v[i].kind);
			fprintf(out, ", \"name\": ");
			json_str(out, v[i].name);
			fprintf(out, ", \"caller\": ");
			json_opt_str(out, v[i].caller);
			fprintf(out, ", \"phys\": \"0x%" PRIx64 "\", \"pages\": %"
				PRIu64 ", \"pid\": %" PRId64 ", \"module\": ",
				v[i].phys, v[i].pages, v[i].pid);
			json_opt_str(out, v[i].module);
			fprintf(out, ", \"section\": ");
			json_opt_str(out, v[i].section);
			fprintf(out, ", \"addr\": \"0x%" PRIx64 "\"}", v[i].addr);
		}
		fprintf(out, "%s]\n}\n", n ? "\n  " : "");
		return out_done(ctx, out);
	}
	fprintf(out, "%-18s %-18s %7s %-10s %s\n", "START", " END (incl.)",
		"SIZE", "KIND", "OBJECT");
	for (i = 0; i < n; i++) {
		char size[16];

		fmt_hsize(v[i].last - v[i].start + 1, size, sizeof(size));
		fprintf(out, "0x%016" PRIx64 "-0x%016" PRIx64 " %7s %-10s %s\n",
			v[i].start, v[i].last, size, v[i].kind, v[i].name);
	}
	return out_done(ctx, out);
}

vmmap_status fmt_modules(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
			 FILE *out)
{
	const struct vmmap_module *m;
	size_t n, i;
	vmmap_status st = vmmap_modules(ctx, &m, &n);

	if (st)
		return st;
	if (o->format == VMMAP_FMT_JSON) {
		fprintf(out, "{\"schema\": %d, \"modules\": [", JSON_SCHEMA);
		for (i = 0; i < n; i++) {
			fprintf(out, "%s\n  {\"name\": ", i ? "," : "");
			json_str(out, m[i].name);
			fprintf(out, ", \"size\": %" PRIu64 ", \"state\": ",
				m[i].size);
			json_str(out, m[i].state);
			fprintf(out, ", \"addr\": \"0x%" PRIx64 "\", \"module\": "
				"\"0x%" PRIx64 "\", \"refcnt\": ", m[i].addr,
				m[i].module);
			if (m[i].refcnt_known)
				fprintf(out, "%" PRId64, m[i].refcnt);
			else
				fprintf(out, "null");
			fprintf(out, ", \"deps\": ");
			json_str(out, m[i].deps);
			fprintf(out, ", \"flags\": ");
			json_str(out, m[i].flags);
			fprintf(out, "}");
		}
		fprintf(out, "%s]}\n", n ? "\n" : "");
		return out_done(ctx, out);
	}
	/* /proc/modules (m_show()): name size refcount users state
	 * address; "- -" where the reference count cannot be read (or
	 * without CONFIG_MODULE_UNLOAD) */
	for (i = 0; i < n; i++) {
		fprintf(out, "%s %" PRIu64 " ", m[i].name, m[i].size);
		if (m[i].refcnt_known)
			fprintf(out, "%" PRId64 " %s", m[i].refcnt, m[i].deps);
		else
			fprintf(out, "- -");
		fprintf(out, " %s 0x%0*" PRIx64 "%s%s\n", m[i].state,
			2 * (int)kr_ptr_size(ctx), m[i].addr,
			m[i].flags[0] ? " " : "", m[i].flags);
	}
	return out_done(ctx, out);
}

vmmap_status fmt_tasks(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		       FILE *out)
{
	const struct vmmap_task *t;
	size_t n, i;
	vmmap_status st = vmmap_tasks(ctx, &t, &n);

	if (st)
		return st;
	if (o->format == VMMAP_FMT_JSON) {
		fprintf(out, "{\"schema\": %d, \"tasks\": [", JSON_SCHEMA);
		for (i = 0; i < n; i++) {
			fprintf(out, "%s\n  {\"pid\": %" PRId64 ", \"tgid\": %"
				PRId64 ", \"comm\": ", i ? "," : "", t[i].pid,
				t[i].tgid);
			json_str(out, t[i].comm);
			fprintf(out, ", \"task\": \"0x%" PRIx64 "\", \"mm\": "
				"\"0x%" PRIx64 "\", \"stack\": \"0x%" PRIx64
				"\", \"stack_size\": %" PRIu64 ", \"kthread\": "
				"%s, \"idle_cpu\": %d}", t[i].task, t[i].mm,
				t[i].stack, t[i].stack_size,
				t[i].kthread ? "true" : "false", t[i].idle_cpu);
		}
		fprintf(out, "%s]}\n", n ? "\n" : "");
		return out_done(ctx, out);
	}
	fprintf(out, "%7s %7s %-16s %-18s %-18s %-18s\n", "PID", "TGID", "COMM",
		"TASK", "MM", "STACK");
	for (i = 0; i < n; i++) {
		char comm[24], mm[24];

		/* kernel threads in brackets, as ps shows them */
		snprintf(comm, sizeof(comm), t[i].kthread && t[i].idle_cpu < 0
			 ? "[%s]" : "%s", t[i].comm);
		if (t[i].mm)
			snprintf(mm, sizeof(mm), "0x%016" PRIx64, t[i].mm);
		else
			snprintf(mm, sizeof(mm), "-");
		fprintf(out, "%7" PRId64 " %7" PRId64 " %-16s 0x%016" PRIx64
			" %-18s 0x%016" PRIx64 "%s\n", t[i].pid, t[i].tgid, comm,
			t[i].task, mm, t[i].stack,
			t[i].idle_cpu >= 0 ? " idle" : "");
	}
	return out_done(ctx, out);
}


/* --slabs: /proc/slabinfo's columns that the memory map tells (slabinfo
 * v2.1, mm/slab_common.c cache_show(): name, active_objs, num_objs,
 * objsize, objperslab, pagesperslab, then num_slabs in the slabdata
 * part), the pages counted in the map added; a cache without slabs is not
 * in the map, so not listed. */
vmmap_status fmt_slabs(struct vmmap_ctx *ctx, const struct vmmap_opts *o,
		       FILE *out)
{
	const struct vmmap_slab_cache *c;
	size_t n, i;
	vmmap_status st = vmmap_slabs(ctx, &c, &n);

	if (st)
		return st;
	if (o->format == VMMAP_FMT_JSON) {
		fprintf(out, "{\"schema\": %d, \"slab_caches\": [",
			JSON_SCHEMA);
		for (i = 0; i < n; i++) {
			fprintf(out, "%s\n  {\"name\": ", i ? "," : "");
			json_str(out, c[i].name);
			fprintf(out, ", \"cache\": \"0x%" PRIx64 "\", "
				"\"slabs\": %" PRIu64 ", \"pages\": %" PRIu64
				", \"objsize\": %" PRIu64 ", \"pagesperslab\": "
				"%u, \"objperslab\": %u}", c[i].cache,
				c[i].slabs, c[i].pages, c[i].objsize,
				c[i].pages_per_slab, c[i].objs_per_slab);
		}
		fprintf(out, "%s]}\n", n ? "\n" : "");
		return out_done(ctx, out);
	}
	fprintf(out, "# name            <objsize> <objperslab> <pagesperslab>"
		" : slabdata <num_slabs> : pages <pages> <kmem_cache>\n");
	for (i = 0; i < n; i++)
		fprintf(out, "%-17s %6" PRIu64 " %4u %4u : slabdata %6" PRIu64
			" : pages %7" PRIu64 " 0x%0*" PRIx64 "\n", c[i].name,
			c[i].objsize, c[i].objs_per_slab, c[i].pages_per_slab,
			c[i].slabs, c[i].pages, 2 * (int)kr_ptr_size(ctx),
			c[i].cache);
	return out_done(ctx, out);
}
