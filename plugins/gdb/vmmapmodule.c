/*
 * vmmapmodule.c - the Python module "vmmap": libvmmap as Python objects.
 *
 *	import vmmap
 *	ctx = vmmap.open("vmcore")		# or vmmap.Context(read_phys=f, ...)
 *	ctx.layout()				# {"page_offset_base": ..., ...}
 *	for r in ctx.ranges(holes=False):
 *		print(hex(r.start), hex(r.end), hex(r.phys), r.flags, r.region)
 *	print(ctx.run(["-f", "ptdump"]))	# what vmmap-dump would print
 *
 * A Context is lazy: it collects what the caller knows (a dump, a memory
 * callable, VMCOREINFO, symbols, registers) and loads on the first query.
 * Library errors become vmmap.Error with the library's message and a
 * .status name ("NOINFO", "IO", ...).  The GDB command (vmmap-gdb.py) is
 * built on this module; see plugins/gdb/README.md.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#ifdef HAVE_CONFIG_H	/* in the tree; setup.py builds it without */
#include "config.h"
#endif
#include "vmmap.h"

#include <stdlib.h>
#include <string.h>

#define MODULE_PUBLIC __attribute__((visibility("default")))

static PyObject *vmmap_error;
static PyTypeObject *range_type, *region_type, *param_type, *vtop_type,
	*vtop_level_type;

static const char *const status_names[] = {
	[VMMAP_OK] = "OK",
	[VMMAP_ERR_NOMEM] = "NOMEM",
	[VMMAP_ERR_ARG] = "ARG",
	[VMMAP_ERR_IO] = "IO",
	[VMMAP_ERR_NODATA] = "NODATA",
	[VMMAP_ERR_FORMAT] = "FORMAT",
	[VMMAP_ERR_NOTSUP] = "NOTSUP",
	[VMMAP_ERR_NOINFO] = "NOINFO",
	[VMMAP_ERR_INVALID] = "INVALID",
	[VMMAP_ERR_NOTMAPPED] = "NOTMAPPED",
	[VMMAP_ERR_LIMIT] = "LIMIT",
	[VMMAP_ERR_STOP] = "STOP",
};

static const char *status_name(vmmap_status st)
{
	if ((size_t)st < sizeof(status_names) / sizeof(status_names[0]) &&
	    status_names[st])
		return status_names[st];
	return "UNKNOWN";
}

/* ---- the Context object ------------------------------------------------ */

typedef struct {
	PyObject_HEAD
	struct vmmap_ctx *ctx;
	PyObject *read_phys;	/* Python memory source, or NULL */
	/* An exception the memory callable raised that is not a read error
	 * (KeyboardInterrupt, a bug): the walk is cut short and it is
	 * raised again when the library returns. */
	PyObject *pend_type, *pend_value, *pend_tb;
	bool have_mem;
	bool loaded;
} CtxObject;

static bool pending(const CtxObject *self)
{
	return self->pend_type != NULL;
}

/* Raise what the library left in the context, or a pending Python error. */
static PyObject *raise_status(CtxObject *self, vmmap_status st)
{
	PyObject *exc;

	if (pending(self)) {
		PyErr_Restore(self->pend_type, self->pend_value, self->pend_tb);
		self->pend_type = self->pend_value = self->pend_tb = NULL;
		vmmap_clear_error(self->ctx);
		return NULL;
	}
	if (st == VMMAP_ERR_NOMEM) {
		vmmap_clear_error(self->ctx);
		return PyErr_NoMemory();
	}
	exc = PyObject_CallFunction(vmmap_error, "s",
				    *vmmap_errmsg(self->ctx)
				    ? vmmap_errmsg(self->ctx)
				    : vmmap_strstatus(st));
	vmmap_clear_error(self->ctx);
	if (!exc)
		return NULL;
	if (PyObject_SetAttrString(exc, "status",
				   PyUnicode_FromString(status_name(st))) < 0) {
		Py_DECREF(exc);
		return NULL;
	}
	PyErr_SetObject(vmmap_error, exc);
	Py_DECREF(exc);
	return NULL;
}

/*
 * The memory source for a Python callable read_phys(paddr, size): it
 * returns bytes-like of exactly @len bytes, or None when the memory is not
 * in the source (VMMAP_ERR_NODATA).  OSError means an I/O error the walk
 * reports as an unreadable range; any other exception stops everything.
 */
static vmmap_status py_read_phys(struct vmmap_ctx *ctx, void *data,
				 vmmap_addr_t paddr, void *buf, size_t len)
{
	CtxObject *self = data;
	PyObject *res;
	Py_buffer view;
	vmmap_status st = VMMAP_OK;

	if (pending(self))
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "interrupted");
	res = PyObject_CallFunction(self->read_phys, "Kn",
				    (unsigned long long)paddr,
				    (Py_ssize_t)len);
	if (!res) {
		if (PyErr_ExceptionMatches(PyExc_OSError)) {
			PyObject *t, *v, *tb, *s;

			PyErr_Fetch(&t, &v, &tb);
			s = v ? PyObject_Str(v) : NULL;
			st = vmmap_set_error(ctx, VMMAP_ERR_IO,
				"reading 0x%llx+%zu: %s",
				(unsigned long long)paddr, len,
				s ? PyUnicode_AsUTF8(s) : "I/O error");
			Py_XDECREF(s);
			Py_XDECREF(t);
			Py_XDECREF(v);
			Py_XDECREF(tb);
			PyErr_Clear();
			return st;
		}
		PyErr_Fetch(&self->pend_type, &self->pend_value,
			    &self->pend_tb);
		return vmmap_set_error(ctx, VMMAP_ERR_IO,
				       "the read_phys callable raised");
	}
	if (res == Py_None) {
		Py_DECREF(res);
		return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
				       "0x%llx+%zu not in the memory source",
				       (unsigned long long)paddr, len);
	}
	if (PyObject_GetBuffer(res, &view, PyBUF_SIMPLE) < 0) {
		PyErr_Fetch(&self->pend_type, &self->pend_value,
			    &self->pend_tb);
		Py_DECREF(res);
		return vmmap_set_error(ctx, VMMAP_ERR_IO,
				       "read_phys returned no bytes");
	}
	if ((size_t)view.len == len)
		memcpy(buf, view.buf, len);
	else
		st = vmmap_set_error(ctx, VMMAP_ERR_IO,
			"read_phys(0x%llx, %zu) returned %zd bytes",
			(unsigned long long)paddr, len, view.len);
	PyBuffer_Release(&view);
	Py_DECREF(res);
	return st;
}

static const struct vmmap_mem_ops py_mem_ops = {
	.read_phys = py_read_phys,
};

static int set_read_phys(CtxObject *self, PyObject *fn)
{
	vmmap_status st;

	if (!PyCallable_Check(fn)) {
		PyErr_SetString(PyExc_TypeError, "read_phys must be callable");
		return -1;
	}
	st = vmmap_set_mem(self->ctx, &py_mem_ops, self);
	if (st) {
		raise_status(self, st);
		return -1;
	}
	Py_INCREF(fn);
	Py_XSETREF(self->read_phys, fn);
	self->have_mem = true;
	self->loaded = false;
	return 0;
}

/* Apply a {name: int} mapping with one of the vmmap_set_*() setters. */
static int set_each(CtxObject *self, PyObject *map,
		    vmmap_status (*set)(struct vmmap_ctx *, const char *,
					uint64_t))
{
	PyObject *key, *val;
	Py_ssize_t pos = 0;

	if (!map || map == Py_None)
		return 0;
	if (!PyDict_Check(map)) {
		PyErr_SetString(PyExc_TypeError, "expected a dict {name: int}");
		return -1;
	}
	while (PyDict_Next(map, &pos, &key, &val)) {
		const char *name = PyUnicode_AsUTF8(key);
		unsigned long long v;
		vmmap_status st;

		if (!name)
			return -1;
		v = PyLong_AsUnsignedLongLongMask(val);
		if (PyErr_Occurred())
			return -1;
		st = set(self->ctx, name, v);
		if (st) {
			raise_status(self, st);
			return -1;
		}
	}
	self->loaded = false;
	return 0;
}

static vmmap_status set_reg_cb(struct vmmap_ctx *c, const char *n, uint64_t v)
{
	return vmmap_set_reg(c, n, v);
}

static vmmap_status set_symbol_cb(struct vmmap_ctx *c, const char *n,
				  uint64_t v)
{
	return vmmap_set_symbol(c, n, v);
}

static vmmap_status set_value_cb(struct vmmap_ctx *c, const char *n,
				 uint64_t v)
{
	return vmmap_set_value(c, n, v);
}

static int set_text(CtxObject *self, PyObject *text)
{
	const char *s;
	Py_ssize_t n;
	vmmap_status st;

	if (!text || text == Py_None)
		return 0;
	if (PyBytes_Check(text)) {
		s = PyBytes_AS_STRING(text);
		n = PyBytes_GET_SIZE(text);
	} else {
		s = PyUnicode_AsUTF8AndSize(text, &n);
		if (!s)
			return -1;
	}
	st = vmmap_set_vmcoreinfo(self->ctx, s, (size_t)n);
	if (st) {
		raise_status(self, st);
		return -1;
	}
	self->loaded = false;
	return 0;
}

static int open_dump(CtxObject *self, PyObject *path)
{
	PyObject *b;
	vmmap_status st;

	if (!PyUnicode_FSConverter(path, &b))
		return -1;
	st = vmmap_open_dump(self->ctx, PyBytes_AS_STRING(b));
	Py_DECREF(b);
	if (st) {
		raise_status(self, st);
		return -1;
	}
	self->have_mem = true;
	self->loaded = false;
	return 0;
}

static int load_symbols(CtxObject *self, PyObject *path)
{
	PyObject *b;
	vmmap_status st;

	if (!path || path == Py_None)
		return 0;
	if (!PyUnicode_FSConverter(path, &b))
		return -1;
	st = vmmap_load_symbols(self->ctx, PyBytes_AS_STRING(b));
	Py_DECREF(b);
	if (st) {
		raise_status(self, st);
		return -1;
	}
	self->loaded = false;
	return 0;
}

static int set_arch(CtxObject *self, PyObject *arch)
{
	const char *s;
	vmmap_status st;

	if (!arch || arch == Py_None)
		return 0;
	s = PyUnicode_AsUTF8(arch);
	if (!s)
		return -1;
	st = vmmap_set_arch(self->ctx, s);
	if (st) {
		raise_status(self, st);
		return -1;
	}
	self->loaded = false;
	return 0;
}

static int Ctx_init(CtxObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "dump", "read_phys", "arch", "vmcoreinfo",
				  "vmlinux", "symbols", "values", "regs",
				  NULL };
	PyObject *dump = Py_None, *read_phys = Py_None, *arch = Py_None,
		*vmci = Py_None, *vmlinux = Py_None, *symbols = Py_None,
		*values = Py_None, *regs = Py_None;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O$OOOOOOO", kwlist,
					 &dump, &read_phys, &arch, &vmci,
					 &vmlinux, &symbols, &values, &regs))
		return -1;
	if (self->ctx)
		return 0;	/* __init__ twice: keep the first */
	self->ctx = vmmap_new();
	if (!self->ctx) {
		PyErr_NoMemory();
		return -1;
	}
	/* on a terminal, a bar for walks longer than a second */
	vmmap_set_progress(self->ctx, vmmap_progress_stderr, "vmmap");
	if (dump != Py_None && read_phys != Py_None) {
		PyErr_SetString(PyExc_ValueError,
				"give a dump or read_phys, not both");
		return -1;
	}
	if (dump != Py_None && open_dump(self, dump) < 0)
		return -1;
	if (read_phys != Py_None && set_read_phys(self, read_phys) < 0)
		return -1;
	if (set_arch(self, arch) < 0 || set_text(self, vmci) < 0 ||
	    load_symbols(self, vmlinux) < 0 ||
	    set_each(self, symbols, set_symbol_cb) < 0 ||
	    set_each(self, values, set_value_cb) < 0 ||
	    set_each(self, regs, set_reg_cb) < 0)
		return -1;
	return 0;
}

static void Ctx_dealloc(CtxObject *self)
{
	vmmap_free(self->ctx);
	Py_XDECREF(self->read_phys);
	Py_XDECREF(self->pend_type);
	Py_XDECREF(self->pend_value);
	Py_XDECREF(self->pend_tb);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static bool check_ctx(CtxObject *self)
{
	if (!self->ctx)
		PyErr_SetString(PyExc_RuntimeError,
				"vmmap.Context not initialised");
	return self->ctx != NULL;
}

static int ensure_loaded(CtxObject *self)
{
	vmmap_status st;

	if (!check_ctx(self))
		return -1;
	if (self->loaded)
		return 0;
	if (!self->have_mem) {
		PyErr_SetString(vmmap_error, "no memory source: give a dump "
				"or a read_phys callable");
		return -1;
	}
	st = vmmap_load(self->ctx);
	if (st || pending(self)) {
		raise_status(self, st ? st : VMMAP_ERR_IO);
		return -1;
	}
	self->loaded = true;
	return 0;
}

/* ---- setters as methods ---- */

#define SETTER(fn, call)						\
static PyObject *fn(CtxObject *self, PyObject *arg)			\
{									\
	if (!check_ctx(self) || call < 0)				\
		return NULL;						\
	Py_RETURN_NONE;							\
}

SETTER(Ctx_open_dump, open_dump(self, arg))
SETTER(Ctx_set_read_phys, set_read_phys(self, arg))
SETTER(Ctx_set_arch, set_arch(self, arg))
SETTER(Ctx_set_vmcoreinfo, set_text(self, arg))
SETTER(Ctx_load_symbols, load_symbols(self, arg))

static PyObject *set_named(CtxObject *self, PyObject *args,
			   vmmap_status (*set)(struct vmmap_ctx *,
					       const char *, uint64_t))
{
	const char *name;
	unsigned long long v;
	vmmap_status st;

	if (!check_ctx(self) || !PyArg_ParseTuple(args, "sK", &name, &v))
		return NULL;
	st = set(self->ctx, name, v);
	if (st)
		return raise_status(self, st);
	self->loaded = false;
	Py_RETURN_NONE;
}

static PyObject *Ctx_set_reg(CtxObject *self, PyObject *args)
{
	return set_named(self, args, set_reg_cb);
}

static PyObject *Ctx_set_symbol(CtxObject *self, PyObject *args)
{
	return set_named(self, args, set_symbol_cb);
}

static PyObject *Ctx_set_value(CtxObject *self, PyObject *args)
{
	return set_named(self, args, set_value_cb);
}

static PyObject *Ctx_load(CtxObject *self, PyObject *unused)
{
	(void)unused;
	if (check_ctx(self))
		self->loaded = false;
	if (ensure_loaded(self) < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *Ctx_find_vmcoreinfo(CtxObject *self, PyObject *args,
				     PyObject *kw)
{
	static char *kwlist[] = { "first", "end", NULL };
	unsigned long long first = 0, end = 1ULL << 32;
	vmmap_status st;

	if (!check_ctx(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kw, "|KK", kwlist, &first,
					 &end))
		return NULL;
	if (!self->have_mem) {
		PyErr_SetString(vmmap_error, "no memory source");
		return NULL;
	}
	st = vmmap_find_vmcoreinfo(self->ctx, first, end);
	if (pending(self))
		return raise_status(self, st);
	if (st == VMMAP_ERR_NOINFO) {
		vmmap_clear_error(self->ctx);
		Py_RETURN_FALSE;
	}
	if (st)
		return raise_status(self, st);
	self->loaded = false;
	Py_RETURN_TRUE;
}

static PyObject *Ctx_symbol(CtxObject *self, PyObject *args)
{
	const char *name;
	uint64_t addr;

	if (!check_ctx(self) || !PyArg_ParseTuple(args, "s", &name))
		return NULL;
	if (vmmap_symbol_lookup(self->ctx, name, &addr))
		Py_RETURN_NONE;
	return PyLong_FromUnsignedLongLong(addr);
}

static PyObject *Ctx_vmcoreinfo_get(CtxObject *self, PyObject *args)
{
	const char *key, *v;

	if (!check_ctx(self) || !PyArg_ParseTuple(args, "s", &key))
		return NULL;
	v = vmmap_vmcoreinfo_get(self->ctx, key);
	if (!v)
		Py_RETURN_NONE;
	return PyUnicode_FromString(v);
}

/* ---- results ---- */

static PyObject *Ctx_get_arch(CtxObject *self, void *unused)
{
	(void)unused;
	if (ensure_loaded(self) < 0)
		return NULL;
	return PyUnicode_FromString(vmmap_arch_name(self->ctx));
}

static PyObject *Ctx_get_loaded(CtxObject *self, void *unused)
{
	(void)unused;
	return PyBool_FromLong(self->loaded);
}

static PyObject *Ctx_layout(CtxObject *self, PyObject *unused)
{
	PyObject *d;
	size_t i;

	(void)unused;
	if (ensure_loaded(self) < 0 || !(d = PyDict_New()))
		return NULL;
	for (i = 0; i < vmmap_param_count(self->ctx); i++) {
		const struct vmmap_param *p = vmmap_param_get(self->ctx, i);
		PyObject *v = PyLong_FromUnsignedLongLong(p->value);

		if (!v || PyDict_SetItemString(d, p->name, v) < 0) {
			Py_XDECREF(v);
			Py_DECREF(d);
			return NULL;
		}
		Py_DECREF(v);
	}
	return d;
}

/* Build a struct sequence from a Py_BuildValue format, one item a field. */
static PyObject *make_seq(PyTypeObject *type, const char *fmt, ...)
{
	PyObject *tuple, *seq;
	Py_ssize_t i, n;
	va_list ap;

	va_start(ap, fmt);
	tuple = Py_VaBuildValue(fmt, ap);
	va_end(ap);
	if (!tuple)
		return NULL;
	seq = PyStructSequence_New(type);
	if (!seq) {
		Py_DECREF(tuple);
		return NULL;
	}
	n = PyTuple_GET_SIZE(tuple);
	for (i = 0; i < n; i++) {
		PyObject *o = PyTuple_GET_ITEM(tuple, i);

		Py_INCREF(o);
		PyStructSequence_SET_ITEM(seq, i, o);
	}
	Py_DECREF(tuple);
	return seq;
}

static PyObject *Ctx_params(CtxObject *self, PyObject *unused)
{
	PyObject *l;
	size_t i;

	(void)unused;
	if (ensure_loaded(self) < 0 || !(l = PyList_New(0)))
		return NULL;
	for (i = 0; i < vmmap_param_count(self->ctx); i++) {
		const struct vmmap_param *p = vmmap_param_get(self->ctx, i);
		PyObject *o = make_seq(param_type, "(sKs)", p->name,
				       (unsigned long long)p->value,
				       p->source);

		if (!o || PyList_Append(l, o) < 0) {
			Py_XDECREF(o);
			Py_DECREF(l);
			return NULL;
		}
		Py_DECREF(o);
	}
	return l;
}

static PyObject *Ctx_warnings(CtxObject *self, PyObject *unused)
{
	PyObject *l;
	size_t i;

	(void)unused;
	if (!check_ctx(self) || !(l = PyList_New(0)))
		return NULL;
	for (i = 0; i < vmmap_warning_count(self->ctx); i++) {
		PyObject *s = PyUnicode_FromString(
			vmmap_warning_get(self->ctx, i));

		if (!s || PyList_Append(l, s) < 0) {
			Py_XDECREF(s);
			Py_DECREF(l);
			return NULL;
		}
		Py_DECREF(s);
	}
	return l;
}

static PyObject *region_obj(const struct vmmap_region *r)
{
	return make_seq(region_type, "(KKssOIO)", (unsigned long long)r->start,
			(unsigned long long)r->last, r->id, r->name,
			r->hole ? Py_True : Py_False, r->max_lines,
			r->per_boot ? Py_True : Py_False);
}

static PyObject *Ctx_regions(CtxObject *self, PyObject *unused)
{
	PyObject *l;
	size_t i;

	(void)unused;
	if (ensure_loaded(self) < 0 || !(l = PyList_New(0)))
		return NULL;
	for (i = 0; i < vmmap_region_count(self->ctx); i++) {
		PyObject *o = region_obj(vmmap_region_get(self->ctx, i));

		if (!o || PyList_Append(l, o) < 0) {
			Py_XDECREF(o);
			Py_DECREF(l);
			return NULL;
		}
		Py_DECREF(o);
	}
	return l;
}

static PyObject *Ctx_region_of(CtxObject *self, PyObject *args)
{
	unsigned long long a;

	if (!PyArg_ParseTuple(args, "K", &a) || ensure_loaded(self) < 0)
		return NULL;
	return region_obj(vmmap_region_of(self->ctx, a));
}

static PyObject *flag_list(CtxObject *self, const struct vmmap_range *r)
{
	const char *names[64];
	size_t i, n = vmmap_flag_names(self->ctx, r, names, 64);
	PyObject *l = PyList_New((Py_ssize_t)n);

	for (i = 0; l && i < n; i++) {
		PyObject *s = PyUnicode_FromString(names[i]);

		if (!s) {
			Py_DECREF(l);
			return NULL;
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, s);
	}
	return l;
}

static const char *const kind_names[] = {
	[VMMAP_RANGE_HOLE] = "hole",
	[VMMAP_RANGE_MAPPED] = "mapped",
	[VMMAP_RANGE_UNREADABLE] = "unreadable",
	[VMMAP_RANGE_INVALID] = "invalid",
};

static PyObject *opt_u64(bool have, uint64_t v)
{
	if (!have)
		Py_RETURN_NONE;
	return PyLong_FromUnsignedLongLong(v);
}

struct collect {
	CtxObject *self;
	PyObject *list;
};

static vmmap_status collect_range(void *arg, const struct vmmap_range *r)
{
	struct collect *c = arg;
	PyObject *flags, *o;
	bool mapped = r->kind == VMMAP_RANGE_MAPPED;

	flags = mapped ? flag_list(c->self, r) : PyList_New(0);
	if (!flags)
		goto fail;
	o = make_seq(range_type, "(KKsNKNsszOiKKN)",
		     (unsigned long long)r->start,
		     (unsigned long long)r->last,
		     kind_names[r->kind],
		     opt_u64(mapped || r->kind == VMMAP_RANGE_UNREADABLE,
			     r->phys),
		     (unsigned long long)(mapped ? r->page_size : 0),
		     flags,
		     r->region ? r->region->id : "",
		     r->region ? r->region->name : "",
		     r->kind == VMMAP_RANGE_UNREADABLE
		     ? status_name(r->err) : NULL,
		     r->alias ? Py_True : Py_False,
		     r->level,
		     (unsigned long long)r->prot,
		     (unsigned long long)r->eff,
		     opt_u64(r->kind == VMMAP_RANGE_INVALID, r->entry));
	if (!o || PyList_Append(c->list, o) < 0) {
		Py_XDECREF(o);
		goto fail;
	}
	Py_DECREF(o);
	return VMMAP_OK;
fail:
	/* Stop the walk and raise the Python error afterwards. */
	if (!pending(c->self))
		PyErr_Fetch(&c->self->pend_type, &c->self->pend_value,
			    &c->self->pend_tb);
	return VMMAP_ERR_STOP;
}

static PyObject *Ctx_ranges(CtxObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "first", "last", "raw", "holes", "split",
				  NULL };
	unsigned long long first = 0, last = VMMAP_ADDR_MAX;
	int raw = 0, holes = 1, split = 1;
	unsigned flags = 0;
	struct collect c = { .self = self };
	vmmap_status st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|KK$ppp", kwlist, &first,
					 &last, &raw, &holes, &split))
		return NULL;
	if (first > last) {
		PyErr_SetString(PyExc_ValueError, "first > last");
		return NULL;
	}
	if (ensure_loaded(self) < 0 || !(c.list = PyList_New(0)))
		return NULL;
	flags |= raw ? VMMAP_WALK_RAW : 0;
	flags |= holes ? 0 : VMMAP_WALK_NOHOLES;
	flags |= split ? 0 : VMMAP_WALK_NOSPLIT;
	st = vmmap_walk(self->ctx, first, last, flags, collect_range, &c);
	if (st || pending(self)) {
		Py_DECREF(c.list);
		return raise_status(self, st);
	}
	return c.list;
}

static PyObject *Ctx_vtop(CtxObject *self, PyObject *args)
{
	unsigned long long va;
	struct vmmap_vtop v;
	struct vmmap_range r;
	PyObject *levels, *flags;
	vmmap_status st;
	int i;

	if (!PyArg_ParseTuple(args, "K", &va) || ensure_loaded(self) < 0)
		return NULL;
	memset(&v, 0, sizeof(v));
	st = vmmap_vtop(self->ctx, va, &v);
	if (st && st != VMMAP_ERR_NOTMAPPED)
		return raise_status(self, st);
	vmmap_clear_error(self->ctx);
	levels = PyList_New(0);
	if (!levels)
		return NULL;
	for (i = 0; i < v.nlevels; i++) {
		const struct vmmap_vtop_level *l = &v.levels[i];
		PyObject *o = make_seq(vtop_level_type, "(sKIKK)", l->name,
				       (unsigned long long)l->table, l->index,
				       (unsigned long long)l->entry_addr,
				       (unsigned long long)l->entry);

		if (!o || PyList_Append(levels, o) < 0) {
			Py_XDECREF(o);
			Py_DECREF(levels);
			return NULL;
		}
		Py_DECREF(o);
	}
	memset(&r, 0, sizeof(r));
	r.start = r.last = va;
	r.kind = VMMAP_RANGE_MAPPED;
	r.phys = v.paddr;
	r.page_size = v.page_size;
	r.prot = v.prot;
	r.eff = v.eff;
	r.level = v.nlevels - 1;
	flags = st ? PyList_New(0) : flag_list(self, &r);
	if (!flags) {
		Py_DECREF(levels);
		return NULL;
	}
	return make_seq(vtop_type, "(KNKNN)", va, opt_u64(!st, v.paddr),
			(unsigned long long)(st ? 0 : v.page_size), flags,
			levels);
}

static PyObject *Ctx_read_virt(CtxObject *self, PyObject *args)
{
	unsigned long long va;
	Py_ssize_t n;
	PyObject *b;
	vmmap_status st;

	if (!PyArg_ParseTuple(args, "Kn", &va, &n) || ensure_loaded(self) < 0)
		return NULL;
	if (n < 0) {
		PyErr_SetString(PyExc_ValueError, "negative size");
		return NULL;
	}
	b = PyBytes_FromStringAndSize(NULL, n);
	if (!b)
		return NULL;
	st = vmmap_read_virt(self->ctx, va, PyBytes_AS_STRING(b), (size_t)n);
	if (st || pending(self)) {
		Py_DECREF(b);
		return raise_status(self, st ? st : VMMAP_ERR_IO);
	}
	return b;
}

/* ---- options ---- */

/* argv as C strings: argv[0] is the command name, the rest from @seq. */
struct cargv {
	PyObject *items;	/* keeps the str objects (and their UTF-8) */
	char **v;
	int n;
};

static int cargv_make(struct cargv *a, PyObject *seq, const char *prog)
{
	Py_ssize_t i, n;

	a->items = PySequence_Fast(seq, "argv must be a sequence of str");
	if (!a->items)
		return -1;
	n = PySequence_Fast_GET_SIZE(a->items);
	a->v = calloc((size_t)n + 2, sizeof(char *));
	if (!a->v) {
		Py_CLEAR(a->items);
		PyErr_NoMemory();
		return -1;
	}
	a->v[0] = (char *)prog;
	for (i = 0; i < n; i++) {
		const char *s = PyUnicode_AsUTF8(
			PySequence_Fast_GET_ITEM(a->items, i));

		if (!s) {
			free(a->v);
			Py_CLEAR(a->items);
			return -1;
		}
		a->v[i + 1] = (char *)s;
	}
	a->n = (int)n + 1;
	return 0;
}

static void cargv_free(struct cargv *a)
{
	free(a->v);
	Py_CLEAR(a->items);
}

static PyObject *usage_text(const char *prog)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	PyObject *s;

	if (!fp)
		return PyErr_NoMemory();
	vmmap_print_usage(fp, prog);
	fclose(fp);
	s = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "replace");
	free(buf);
	return s;
}

static PyObject *Ctx_run(CtxObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "argv", "prog", NULL };
	PyObject *seq, *res = NULL;
	const char *prog = "vmmap";
	struct cargv a;
	struct vmmap_opts o;
	vmmap_status st;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if (!check_ctx(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kw, "O|s", kwlist, &seq, &prog))
		return NULL;
	if (cargv_make(&a, seq, prog) < 0)
		return NULL;
	st = vmmap_parse_opts(self->ctx, a.n, a.v, &o);
	if (st) {
		raise_status(self, st);
		goto out;
	}
	if (o.help) {
		res = usage_text(prog);
		goto out;
	}
	if ((o.vmcoreinfo || o.symbols || o.arch) && self->loaded) {
		PyErr_SetString(vmmap_error, "--vmcoreinfo, --vmlinux and "
				"--arch must come before the context is loaded");
		goto out;
	}
	if (o.dump && self->have_mem) {
		PyErr_SetString(vmmap_error, "this context already has its "
				"memory source; a DUMP argument is for a new one");
		goto out;
	}
	if (o.dump) {
		PyObject *path = PyUnicode_DecodeFSDefault(o.dump);
		int r = path ? open_dump(self, path) : -1;

		Py_XDECREF(path);
		if (r < 0)
			goto out;
	}
	if (!self->loaded) {
		st = vmmap_apply_opts(self->ctx, &o);
		if (st) {
			raise_status(self, st);
			goto out;
		}
	}
	if (ensure_loaded(self) < 0)
		goto out;
	fp = open_memstream(&buf, &len);
	if (!fp) {
		PyErr_NoMemory();
		goto out;
	}
	st = vmmap_run(self->ctx, &o, fp);
	fclose(fp);
	if ((st && st != VMMAP_ERR_NOTMAPPED) || pending(self))
		raise_status(self, st ? st : VMMAP_ERR_IO);
	else
		res = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "replace");
	vmmap_clear_error(self->ctx);
	free(buf);
out:
	cargv_free(&a);
	return res;
}

/* Run @o (JSON format) on the loaded context; the parsed document. */
static PyObject *run_json(CtxObject *self, struct vmmap_opts *o)
{
	PyObject *text, *json, *res = NULL;
	char *buf = NULL;
	size_t len = 0;
	vmmap_status st;
	FILE *fp;

	if (ensure_loaded(self) < 0)
		return NULL;
	o->format = VMMAP_FMT_JSON;
	fp = open_memstream(&buf, &len);
	if (!fp)
		return PyErr_NoMemory();
	st = vmmap_run(self->ctx, o, fp);
	fclose(fp);
	if (st || pending(self)) {
		free(buf);
		raise_status(self, st ? st : VMMAP_ERR_IO);
		vmmap_clear_error(self->ctx);
		return NULL;
	}
	text = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "replace");
	free(buf);
	json = text ? PyImport_ImportModule("json") : NULL;
	if (json)
		res = PyObject_CallMethod(json, "loads", "O", text);
	Py_XDECREF(json);
	Py_XDECREF(text);
	return res;
}

/* Parse one option as vmmap-dump would, then run it as JSON. */
static PyObject *run_opt(CtxObject *self, const char *opt)
{
	char *argv[] = { "vmmap", (char *)opt, NULL };
	struct vmmap_opts o;
	vmmap_status st;

	st = vmmap_parse_opts(self->ctx, 2, argv, &o);
	if (st) {
		raise_status(self, st);
		vmmap_clear_error(self->ctx);
		return NULL;
	}
	return run_json(self, &o);
}

static PyObject *Ctx_check(CtxObject *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "checks", NULL };
	const char *list = NULL;
	PyObject *opt, *res;

	if (!check_ctx(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kw, "|z", kwlist, &list))
		return NULL;
	opt = list ? PyUnicode_FromFormat("--check=%s", list)
		   : PyUnicode_FromString("--check");
	if (!opt)
		return NULL;
	res = run_opt(self, PyUnicode_AsUTF8(opt));
	Py_DECREF(opt);
	return res;
}

static PyObject *Ctx_diff(CtxObject *self, PyObject *args)
{
	PyObject *path, *opt, *res;

	if (!check_ctx(self) ||
	    !PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &path))
		return NULL;
	opt = PyUnicode_FromFormat("--diff=%s", PyBytes_AS_STRING(path));
	Py_DECREF(path);
	if (!opt)
		return NULL;
	res = run_opt(self, PyUnicode_AsUTF8(opt));
	Py_DECREF(opt);
	return res;
}

/*
 * vtop_many(addresses) -> (paddrs, page_sizes, statuses): addresses any
 * sequence of ints or a buffer of unsigned 64-bit integers (array('Q'),
 * bytes, numpy); paddrs and page_sizes array('Q'), 0 where not mapped;
 * statuses a bytes of vmmap_status codes (0: mapped; vmmap.STATUS names
 * them), each what vtop() says of that address.
 */
static PyObject *Ctx_vtop_many(CtxObject *self, PyObject *args)
{
	PyObject *arg, *mod = NULL, *pa = NULL, *ps = NULL,
		 *stb = NULL, *res = NULL;
	vmmap_addr_t *va = NULL;
	struct vmmap_xlat *x = NULL;
	Py_buffer view;
	bool have_view = false;
	size_t n = 0, i;
	vmmap_status st;

	if (!check_ctx(self) || !PyArg_ParseTuple(args, "O", &arg) ||
	    ensure_loaded(self) < 0)
		return NULL;
	if (PyObject_CheckBuffer(arg) && !PyUnicode_Check(arg)) {
		if (PyObject_GetBuffer(arg, &view, PyBUF_C_CONTIGUOUS |
				       PyBUF_FORMAT) < 0)
			return NULL;
		have_view = true;
		if (view.itemsize != 8 && !(view.format &&
					   !strcmp(view.format, "B"))) {
			PyErr_SetString(PyExc_TypeError, "vtop_many(): a buffer "
					"of unsigned 64-bit integers");
			goto out;
		}
		if (view.len % 8) {
			PyErr_SetString(PyExc_ValueError, "vtop_many(): the "
					"buffer is not a whole number of "
					"64-bit integers");
			goto out;
		}
		n = (size_t)view.len / 8;
		va = PyMem_Malloc((n ? n : 1) * sizeof(*va));
		if (!va) {
			PyErr_NoMemory();
			goto out;
		}
		memcpy(va, view.buf, n * 8);
	} else {
		PyObject *seq = PySequence_Fast(arg, "vtop_many(): a sequence "
						"of addresses or a buffer");

		if (!seq)
			return NULL;
		n = (size_t)PySequence_Fast_GET_SIZE(seq);
		va = PyMem_Malloc((n ? n : 1) * sizeof(*va));
		if (!va) {
			Py_DECREF(seq);
			PyErr_NoMemory();
			goto out;
		}
		for (i = 0; i < n; i++) {
			va[i] = PyLong_AsUnsignedLongLong(
				PySequence_Fast_GET_ITEM(seq, (Py_ssize_t)i));
			if (PyErr_Occurred()) {
				Py_DECREF(seq);
				goto out;
			}
		}
		Py_DECREF(seq);
	}
	x = PyMem_Malloc((n ? n : 1) * sizeof(*x));
	if (!x) {
		PyErr_NoMemory();
		goto out;
	}
	Py_BEGIN_ALLOW_THREADS
	st = vmmap_vtop_many(self->ctx, va, n, x);
	Py_END_ALLOW_THREADS
	if (st || pending(self)) {
		raise_status(self, st ? st : VMMAP_ERR_IO);
		goto out;
	}
	/* the answers into array('Q')s: their bytes, then frombytes() */
	{
		uint64_t *p = PyMem_Malloc((n ? n : 1) * 8);
		uint64_t *s = PyMem_Malloc((n ? n : 1) * 8);
		char *c = PyMem_Malloc(n ? n : 1);

		if (!p || !s || !c) {
			PyMem_Free(p);
			PyMem_Free(s);
			PyMem_Free(c);
			PyErr_NoMemory();
			goto out;
		}
		for (i = 0; i < n; i++) {
			p[i] = x[i].status ? 0 : x[i].paddr;
			s[i] = x[i].status ? 0 : x[i].page_size;
			c[i] = (char)x[i].status;
		}
		mod = PyImport_ImportModule("array");
		if (mod) {
			pa = PyObject_CallMethod(mod, "array", "s", "Q");
			ps = PyObject_CallMethod(mod, "array", "s", "Q");
		}
		if (pa && ps) {
			PyObject *b1 = PyBytes_FromStringAndSize((char *)p,
							(Py_ssize_t)n * 8);
			PyObject *b2 = PyBytes_FromStringAndSize((char *)s,
							(Py_ssize_t)n * 8);
			PyObject *r1 = b1 ? PyObject_CallMethod(pa, "frombytes",
							       "O", b1) : NULL;
			PyObject *r2 = b2 ? PyObject_CallMethod(ps, "frombytes",
							       "O", b2) : NULL;

			Py_XDECREF(b1);
			Py_XDECREF(b2);
			if (r1 && r2)
				stb = PyBytes_FromStringAndSize(c,
								(Py_ssize_t)n);
			Py_XDECREF(r1);
			Py_XDECREF(r2);
		}
		PyMem_Free(p);
		PyMem_Free(s);
		PyMem_Free(c);
	}
	if (stb)
		res = PyTuple_Pack(3, pa, ps, stb);
out:
	Py_XDECREF(mod);
	Py_XDECREF(pa);
	Py_XDECREF(ps);
	Py_XDECREF(stb);
	if (have_view)
		PyBuffer_Release(&view);
	PyMem_Free(va);
	PyMem_Free(x);
	return res;
}

/* One ptov query as vmmap-dump's text: an int, a (first, last) pair or
 * a string ("A-B", "A+SIZE"). */
static PyObject *ptov_item(PyObject *it)
{
	unsigned long long a, b;
	char buf[48];

	if (PyUnicode_Check(it))
		return Py_NewRef(it);
	if (PyTuple_Check(it)) {
		if (!PyArg_ParseTuple(it, "KK", &a, &b))
			return NULL;
		snprintf(buf, sizeof(buf), "0x%llx-0x%llx", a, b);
		return PyUnicode_FromString(buf);
	}
	a = PyLong_AsUnsignedLongLong(it);
	if (PyErr_Occurred())
		return NULL;
	snprintf(buf, sizeof(buf), "0x%llx", a);
	return PyUnicode_FromString(buf);
}

static PyObject *Ctx_ptov(CtxObject *self, PyObject *args)
{
	PyObject *arg, *parts, *sep, *list, *opt, *res;
	Py_ssize_t i, n;

	if (!check_ctx(self) || !PyArg_ParseTuple(args, "O", &arg))
		return NULL;
	parts = PyList_New(0);
	if (!parts)
		return NULL;
	n = PyList_Check(arg) ? PyList_GET_SIZE(arg) : 1;
	for (i = 0; i < n; i++) {
		PyObject *s = ptov_item(PyList_Check(arg)
					? PyList_GET_ITEM(arg, i) : arg);

		if (!s || PyList_Append(parts, s) < 0) {
			Py_XDECREF(s);
			Py_DECREF(parts);
			return NULL;
		}
		Py_DECREF(s);
	}
	sep = PyUnicode_FromString(",");
	list = sep ? PyUnicode_Join(sep, parts) : NULL;
	Py_XDECREF(sep);
	Py_DECREF(parts);
	opt = list ? PyUnicode_FromFormat("--ptov=%U", list) : NULL;
	Py_XDECREF(list);
	if (!opt)
		return NULL;
	res = run_opt(self, PyUnicode_AsUTF8(opt));
	Py_DECREF(opt);
	return res;
}

/* Run @o on the loaded context: what it prints, as a str. */
static PyObject *run_text(CtxObject *self, const struct vmmap_opts *o)
{
	PyObject *res;
	char *buf = NULL;
	size_t len = 0;
	vmmap_status st;
	FILE *fp;

	if (ensure_loaded(self) < 0)
		return NULL;
	fp = open_memstream(&buf, &len);
	if (!fp)
		return PyErr_NoMemory();
	st = vmmap_run(self->ctx, o, fp);
	fclose(fp);
	if (st || pending(self)) {
		free(buf);
		raise_status(self, st ? st : VMMAP_ERR_IO);
		vmmap_clear_error(self->ctx);
		return NULL;
	}
	res = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "replace");
	free(buf);
	return res;
}

/* svg() and html(): vmmap-dump --format=@format with the options the
 * keywords say, parsed as vmmap-dump parses them. */
static PyObject *run_picture(CtxObject *self, PyObject *args, PyObject *kw,
			     const char *format)
{
	static char *kwlist[] = { "first", "last", "region", "all", "raw",
				  NULL };
	unsigned long long first = 0, last = VMMAP_ADDR_MAX;
	const char *region = NULL;
	int all = 0, raw = 0;
	char fopt[32], range[64], *ropt = NULL;
	char *argv[8];
	int argc = 0;
	struct vmmap_opts o;
	PyObject *res = NULL;

	if (!check_ctx(self) ||
	    !PyArg_ParseTupleAndKeywords(args, kw, "|KK$zpp", kwlist, &first,
					 &last, &region, &all, &raw))
		return NULL;
	snprintf(fopt, sizeof(fopt), "--format=%s", format);
	argv[argc++] = "vmmap";
	argv[argc++] = fopt;
	if (first || last != VMMAP_ADDR_MAX) {
		snprintf(range, sizeof(range), "--range=0x%llx-0x%llx", first,
			 last);
		argv[argc++] = range;
	}
	if (region) {
		ropt = malloc(strlen(region) + sizeof("--region="));
		if (!ropt)
			return PyErr_NoMemory();
		sprintf(ropt, "--region=%s", region);
		argv[argc++] = ropt;
	}
	if (all)
		argv[argc++] = "--all";
	if (raw)
		argv[argc++] = "--raw";
	argv[argc] = NULL;
	if (vmmap_parse_opts(self->ctx, argc, argv, &o)) {
		raise_status(self, VMMAP_ERR_ARG);
		vmmap_clear_error(self->ctx);
	} else {
		res = run_text(self, &o);
	}
	free(ropt);
	return res;
}

static PyObject *Ctx_svg(CtxObject *self, PyObject *args, PyObject *kw)
{
	return run_picture(self, args, kw, "svg");
}

static PyObject *Ctx_html(CtxObject *self, PyObject *args, PyObject *kw)
{
	return run_picture(self, args, kw, "html");
}

/* ---- what the kernel's own structures say ---- */

/* Append @o (a new reference, NULL: the error is set) to @l. */
static int append_new(PyObject *l, PyObject *o)
{
	int r;

	if (!o)
		return -1;
	r = PyList_Append(l, o);
	Py_DECREF(o);
	return r;
}

static PyObject *object_dict(const struct vmmap_object *o)
{
	return Py_BuildValue("{s:K,s:K,s:s,s:s,s:z,s:K,s:K,s:L,s:z,s:z,s:K}",
			     "start", (unsigned long long)o->start,
			     "last", (unsigned long long)o->last,
			     "kind", o->kind, "name", o->name,
			     "caller", o->caller,
			     "phys", (unsigned long long)o->phys,
			     "pages", (unsigned long long)o->pages,
			     "pid", (long long)o->pid, "module", o->module,
			     "section", o->section,
			     "addr", (unsigned long long)o->addr);
}

static PyObject *Ctx_objects(CtxObject *self, PyObject *unused)
{
	const struct vmmap_object *v;
	PyObject *l;
	size_t n, i;
	vmmap_status st;

	(void)unused;
	if (ensure_loaded(self) < 0)
		return NULL;
	st = vmmap_objects(self->ctx, &v, &n);
	if (st)
		return raise_status(self, st);
	if (!(l = PyList_New(0)))
		return NULL;
	for (i = 0; i < n; i++)
		if (append_new(l, object_dict(&v[i])) < 0) {
			Py_DECREF(l);
			return NULL;
		}
	return l;
}

static PyObject *Ctx_object_of(CtxObject *self, PyObject *args)
{
	const struct vmmap_object *v, *o;
	unsigned long long a;
	size_t n;
	vmmap_status st;

	if (!PyArg_ParseTuple(args, "K", &a) || ensure_loaded(self) < 0)
		return NULL;
	st = vmmap_objects(self->ctx, &v, &n);
	if (st)
		return raise_status(self, st);
	o = vmmap_object_of(self->ctx, a);
	if (!o)
		Py_RETURN_NONE;
	return object_dict(o);
}

static PyObject *Ctx_object_notes(CtxObject *self, PyObject *unused)
{
	PyObject *l;
	size_t i;

	(void)unused;
	if (!check_ctx(self) || !(l = PyList_New(0)))
		return NULL;
	for (i = 0; i < vmmap_object_note_count(self->ctx); i++)
		if (append_new(l, PyUnicode_FromString(
				vmmap_object_note(self->ctx, i))) < 0) {
			Py_DECREF(l);
			return NULL;
		}
	return l;
}

static PyObject *Ctx_vmallocinfo(CtxObject *self, PyObject *unused)
{
	char *buf = NULL;
	size_t len = 0;
	PyObject *res;
	vmmap_status st;
	FILE *fp;

	(void)unused;
	if (ensure_loaded(self) < 0)
		return NULL;
	fp = open_memstream(&buf, &len);
	if (!fp)
		return PyErr_NoMemory();
	st = vmmap_vmallocinfo(self->ctx, fp);
	fclose(fp);
	if (st) {
		free(buf);
		return raise_status(self, st);
	}
	res = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "replace");
	free(buf);
	return res;
}

static PyObject *Ctx_modules(CtxObject *self, PyObject *unused)
{
	const struct vmmap_module *m;
	PyObject *l;
	size_t n, i;
	vmmap_status st;

	(void)unused;
	if (ensure_loaded(self) < 0)
		return NULL;
	st = vmmap_modules(self->ctx, &m, &n);
	if (st)
		return raise_status(self, st);
	if (!(l = PyList_New(0)))
		return NULL;
	for (i = 0; i < n; i++) {
		PyObject *refcnt = m[i].refcnt_known
				   ? PyLong_FromLongLong(m[i].refcnt)
				   : (Py_INCREF(Py_None), Py_None);

		if (!refcnt) {
			Py_DECREF(l);
			return NULL;
		}
		if (append_new(l, Py_BuildValue("{s:s,s:K,s:K,s:s,s:K,s:N,s:s,s:s}",
				"name", m[i].name,
				"addr", (unsigned long long)m[i].addr,
				"size", (unsigned long long)m[i].size,
				"state", m[i].state,
				"module", (unsigned long long)m[i].module,
				"refcnt", refcnt, "deps", m[i].deps,
				"flags", m[i].flags)) < 0) {
			Py_DECREF(l);
			return NULL;
		}
	}
	return l;
}

static PyObject *Ctx_tasks(CtxObject *self, PyObject *unused)
{
	const struct vmmap_task *t;
	PyObject *l;
	size_t n, i;
	vmmap_status st;

	(void)unused;
	if (ensure_loaded(self) < 0)
		return NULL;
	st = vmmap_tasks(self->ctx, &t, &n);
	if (st)
		return raise_status(self, st);
	if (!(l = PyList_New(0)))
		return NULL;
	for (i = 0; i < n; i++)
		if (append_new(l, Py_BuildValue(
				"{s:L,s:L,s:s,s:K,s:K,s:K,s:K,s:O,s:N}",
				"pid", (long long)t[i].pid,
				"tgid", (long long)t[i].tgid,
				"comm", t[i].comm,
				"task", (unsigned long long)t[i].task,
				"mm", (unsigned long long)t[i].mm,
				"stack", (unsigned long long)t[i].stack,
				"stack_size", (unsigned long long)t[i].stack_size,
				"kthread", t[i].kthread ? Py_True : Py_False,
				"idle_cpu", t[i].idle_cpu >= 0
				? PyLong_FromLong(t[i].idle_cpu)
				: (Py_INCREF(Py_None), Py_None))) < 0) {
			Py_DECREF(l);
			return NULL;
		}
	return l;
}

static PyObject *Ctx_vmas(CtxObject *self, PyObject *args)
{
	const struct vmmap_vma *v;
	unsigned long long mm = 0;
	PyObject *l;
	size_t n, i;
	vmmap_status st;

	if (!PyArg_ParseTuple(args, "|K", &mm) || ensure_loaded(self) < 0)
		return NULL;
	if (!mm)
		mm = vmmap_selected_mm(self->ctx);
	if (!mm) {
		PyErr_SetString(PyExc_ValueError, "vmas(mm): no mm given and "
				"none selected");
		return NULL;
	}
	st = vmmap_vmas(self->ctx, mm, &v, &n);
	if (st)
		return raise_status(self, st);
	if (!(l = PyList_New(0)))
		return NULL;
	for (i = 0; i < n; i++)
		if (append_new(l, Py_BuildValue(
				"{s:K,s:K,s:K,s:s,s:K,s:I,s:I,s:K,s:s,s:K}",
				"start", (unsigned long long)v[i].start,
				"last", (unsigned long long)v[i].last,
				"flags", (unsigned long long)v[i].flags,
				"perms", v[i].perms,
				"offset", (unsigned long long)v[i].offset,
				"dev_major", v[i].dev_major,
				"dev_minor", v[i].dev_minor,
				"inode", (unsigned long long)v[i].inode,
				"name", v[i].name,
				"vma", (unsigned long long)v[i].vma)) < 0) {
			Py_DECREF(l);
			return NULL;
		}
	return l;
}

static PyObject *Ctx_select_mm(CtxObject *self, PyObject *args)
{
	unsigned long long mm = 0;
	vmmap_status st;

	if (!PyArg_ParseTuple(args, "|K", &mm) || ensure_loaded(self) < 0)
		return NULL;
	st = vmmap_select_mm(self->ctx, mm);
	if (st)
		return raise_status(self, st);
	Py_RETURN_NONE;
}

static PyObject *Ctx_select_pid(CtxObject *self, PyObject *args)
{
	long long pid;
	vmmap_status st;

	if (!PyArg_ParseTuple(args, "L", &pid) || ensure_loaded(self) < 0)
		return NULL;
	st = vmmap_select_pid(self->ctx, pid);
	if (st)
		return raise_status(self, st);
	return PyLong_FromUnsignedLongLong(vmmap_selected_mm(self->ctx));
}

static PyObject *Ctx_selected_mm(CtxObject *self, PyObject *unused)
{
	(void)unused;
	if (!check_ctx(self))
		return NULL;
	return PyLong_FromUnsignedLongLong(vmmap_selected_mm(self->ctx));
}

static PyObject *Ctx_symbolize(CtxObject *self, PyObject *args)
{
	unsigned long long a;
	char buf[512];
	vmmap_status st;

	if (!PyArg_ParseTuple(args, "K", &a) || ensure_loaded(self) < 0)
		return NULL;
	st = vmmap_symbolize(self->ctx, a, buf, sizeof(buf));
	if (st)
		return raise_status(self, st);
	return PyUnicode_FromString(buf);
}

static PyObject *Ctx_type_member(CtxObject *self, PyObject *args)
{
	const char *type, *path;
	uint64_t off, size;
	vmmap_status st;

	if (!PyArg_ParseTuple(args, "ss", &type, &path) ||
	    ensure_loaded(self) < 0)
		return NULL;
	st = vmmap_type_member(self->ctx, type, path, &off, &size);
	if (st)
		return raise_status(self, st);
	return Py_BuildValue("(KK)", (unsigned long long)off,
			     (unsigned long long)size);
}

static PyObject *Ctx_types_source(CtxObject *self, PyObject *unused)
{
	const char *s;

	(void)unused;
	if (ensure_loaded(self) < 0)
		return NULL;
	s = vmmap_types_source(self->ctx);
	if (!s)
		return raise_status(self, VMMAP_ERR_NOINFO);
	return PyUnicode_FromString(s);
}

static PyMethodDef Ctx_methods[] = {
	{ "open_dump", (PyCFunction)Ctx_open_dump, METH_O,
	  "open_dump(path): use a dump file as the memory source" },
	{ "set_read_phys", (PyCFunction)Ctx_set_read_phys, METH_O,
	  "set_read_phys(fn): fn(paddr, size) -> bytes (or None: not in the "
	  "source; OSError: read error) is the memory source" },
	{ "set_arch", (PyCFunction)Ctx_set_arch, METH_O,
	  "set_arch(name): 'x86_64', 'aarch64', ..." },
	{ "set_vmcoreinfo", (PyCFunction)Ctx_set_vmcoreinfo, METH_O,
	  "set_vmcoreinfo(text): add VMCOREINFO 'KEY=value' lines" },
	{ "load_symbols", (PyCFunction)Ctx_load_symbols, METH_O,
	  "load_symbols(path): symbols from a vmlinux or System.map" },
	{ "set_reg", (PyCFunction)Ctx_set_reg, METH_VARARGS,
	  "set_reg(name, value): a CPU register ('cr3', 'cr4', 'ttbr1_el1', "
	  "'tcr_el1')" },
	{ "set_symbol", (PyCFunction)Ctx_set_symbol, METH_VARARGS,
	  "set_symbol(name, addr): a kernel symbol's run-time address" },
	{ "set_value", (PyCFunction)Ctx_set_value, METH_VARARGS,
	  "set_value(name, value): a layout value known elsewhere (checked)" },
	{ "find_vmcoreinfo", (PyCFunction)(void (*)(void))Ctx_find_vmcoreinfo,
	  METH_VARARGS | METH_KEYWORDS,
	  "find_vmcoreinfo(first=0, end=4 GiB) -> bool: scan physical "
	  "memory for the kernel's VMCOREINFO note (reads every page: slow "
	  "over a remote link)" },
	{ "symbol", (PyCFunction)Ctx_symbol, METH_VARARGS,
	  "symbol(name) -> int or None: a layout symbol's run-time address "
	  "as given (set_symbol, load_symbols) or in VMCOREINFO" },
	{ "vmcoreinfo_get", (PyCFunction)Ctx_vmcoreinfo_get, METH_VARARGS,
	  "vmcoreinfo_get(key) -> str or None" },
	{ "load", (PyCFunction)Ctx_load, METH_NOARGS,
	  "load(): resolve mode, root and layout (queries do it when needed)" },
	{ "layout", (PyCFunction)Ctx_layout, METH_NOARGS,
	  "layout() -> {name: int}: the layout parameters" },
	{ "params", (PyCFunction)Ctx_params, METH_NOARGS,
	  "params() -> [Param(name, value, source)]" },
	{ "warnings", (PyCFunction)Ctx_warnings, METH_NOARGS,
	  "warnings() -> [str]: what loading found doubtful" },
	{ "regions", (PyCFunction)Ctx_regions, METH_NOARGS,
	  "regions() -> [Region]: the documented layout" },
	{ "region_of", (PyCFunction)Ctx_region_of, METH_VARARGS,
	  "region_of(addr) -> Region" },
	{ "ranges", (PyCFunction)(void (*)(void))Ctx_ranges,
	  METH_VARARGS | METH_KEYWORDS,
	  "ranges(first=0, last=2**64-1, *, raw=False, holes=True, "
	  "split=True) -> [Range]" },
	{ "vtop", (PyCFunction)Ctx_vtop, METH_VARARGS,
	  "vtop(addr) -> Vtop (paddr None when not mapped)" },
	{ "read_virt", (PyCFunction)Ctx_read_virt, METH_VARARGS,
	  "read_virt(addr, size) -> bytes, through the walked tables" },
	{ "check", (PyCFunction)(void (*)(void))Ctx_check,
	  METH_VARARGS | METH_KEYWORDS,
	  "check(checks=None) -> dict: the findings of --check (checks: "
	  "'wx,wx-alias,user' or a part; None: all), as its JSON" },
	{ "ptov", (PyCFunction)Ctx_ptov, METH_VARARGS,
	  "ptov(paddr) -> dict: every kernel virtual address of a physical "
	  "address (int), range ((first, last), 'A-B' or 'A+SIZE') or a "
	  "list of them, as --ptov's JSON" },
	{ "vtop_many", (PyCFunction)Ctx_vtop_many, METH_VARARGS,
	  "vtop_many(addresses) -> (paddrs, page_sizes, statuses): many "
	  "translations in one batch; addresses any sequence of ints or a "
	  "buffer of uint64 (array('Q')); paddrs/page_sizes array('Q') (0 "
	  "where not mapped), statuses bytes of status codes (0 mapped; "
	  "vmmap.STATUS[code] names the others), each what vtop() says" },
	{ "diff", (PyCFunction)Ctx_diff, METH_VARARGS,
	  "diff(other) -> dict: the differences from another dump, a map "
	  "saved with --format=json or a ptdump text, as --diff's JSON" },
	{ "objects", (PyCFunction)Ctx_objects, METH_NOARGS,
	  "objects() -> [dict]: the kernel's objects (vmap areas, module "
	  "sections, task stacks, per-CPU areas): start, last, kind, name, "
	  "caller, phys, pages, pid, module, section, addr" },
	{ "object_of", (PyCFunction)Ctx_object_of, METH_VARARGS,
	  "object_of(addr) -> dict or None: the innermost object holding addr" },
	{ "object_notes", (PyCFunction)Ctx_object_notes, METH_NOARGS,
	  "object_notes() -> [str]: which objects could not be read, and why" },
	{ "vmallocinfo", (PyCFunction)Ctx_vmallocinfo, METH_NOARGS,
	  "vmallocinfo() -> str: the kernel's /proc/vmallocinfo" },
	{ "modules", (PyCFunction)Ctx_modules, METH_NOARGS,
	  "modules() -> [dict]: name, addr, size, state, module, refcnt "
	  "(None when unknown), deps (/proc/modules' users: 'vfat,', '-'), "
	  "flags (its taints: '(E)', '')" },
	{ "tasks", (PyCFunction)Ctx_tasks, METH_NOARGS,
	  "tasks() -> [dict]: pid, tgid, comm, task, mm, stack, stack_size, "
	  "kthread, idle_cpu" },
	{ "vmas", (PyCFunction)Ctx_vmas, METH_VARARGS,
	  "vmas(mm=selected) -> [dict]: the VMAs of an mm_struct as "
	  "/proc/PID/maps shows them" },
	{ "select_mm", (PyCFunction)Ctx_select_mm, METH_VARARGS,
	  "select_mm(mm=0): walk the user address space of this mm_struct "
	  "(ranges(), vtop(), regions() = its VMAs, run()); 0: the kernel's" },
	{ "select_pid", (PyCFunction)Ctx_select_pid, METH_VARARGS,
	  "select_pid(pid) -> mm: select_mm() of that task's mm" },
	{ "selected_mm", (PyCFunction)Ctx_selected_mm, METH_NOARGS,
	  "selected_mm() -> int: the mm selected, 0 for the kernel's" },
	{ "symbolize", (PyCFunction)Ctx_symbolize, METH_VARARGS,
	  "symbolize(addr) -> str: as the kernel's %pS prints it" },
	{ "type_member", (PyCFunction)Ctx_type_member, METH_VARARGS,
	  "type_member(type, member) -> (offset, size) from the kernel's "
	  "BTF (or the vmlinux's types)" },
	{ "types_source", (PyCFunction)Ctx_types_source, METH_NOARGS,
	  "types_source() -> str: where the kernel's types come from" },
	{ "svg", (PyCFunction)(void (*)(void))Ctx_svg,
	  METH_VARARGS | METH_KEYWORDS,
	  "svg(first=0, last=2**64-1, *, region=None, all=False, raw=False) "
	  "-> str: the map drawn, as vmmap-dump --format=svg (one box per "
	  "region, the mapped ranges as bands)" },
	{ "html", (PyCFunction)(void (*)(void))Ctx_html,
	  METH_VARARGS | METH_KEYWORDS,
	  "html(first=0, last=2**64-1, *, region=None, all=False, raw=False) "
	  "-> str: the same picture in one offline HTML page with a detail "
	  "panel, as vmmap-dump --format=html" },
	{ "run", (PyCFunction)(void (*)(void))Ctx_run,
	  METH_VARARGS | METH_KEYWORDS,
	  "run(argv, prog='vmmap') -> str: what vmmap-dump prints for these "
	  "options (argv without the program name)" },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef Ctx_getset[] = {
	{ "arch", (getter)Ctx_get_arch, NULL, "architecture name", NULL },
	{ "loaded", (getter)Ctx_get_loaded, NULL, "loaded yet", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyTypeObject CtxType = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "vmmap.Context",
	.tp_basicsize = sizeof(CtxObject),
	.tp_dealloc = (destructor)Ctx_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Context(dump=None, *, read_phys=None, arch=None, "
		  "vmcoreinfo=None, vmlinux=None, symbols=None, values=None, "
		  "regs=None)\n\n"
		  "A kernel whose virtual memory map vmmap rebuilds.  Memory "
		  "comes from a dump file or a read_phys(paddr, size) callable; "
		  "symbols, values and regs are {name: int} dicts.  Loads "
		  "lazily on the first query.",
	.tp_methods = Ctx_methods,
	.tp_getset = Ctx_getset,
	.tp_init = (initproc)Ctx_init,
	.tp_new = PyType_GenericNew,
};

/* ---- module functions ---- */

static PyObject *mod_open(PyObject *mod, PyObject *args, PyObject *kw)
{
	PyObject *ctx;

	(void)mod;
	ctx = PyObject_Call((PyObject *)&CtxType, args, kw);
	if (ctx && ensure_loaded((CtxObject *)ctx) < 0)
		Py_CLEAR(ctx);
	return ctx;
}

static PyObject *opt_str(const char *s)
{
	if (!s)
		Py_RETURN_NONE;
	return PyUnicode_FromString(s);
}

static PyObject *mod_parse_opts(PyObject *mod, PyObject *args)
{
	static const char *const fmts[] = { "table", "ptdump", "json", "svg",
					    "html" };
	struct vmmap_ctx *ctx;
	struct vmmap_opts o;
	struct cargv a;
	PyObject *seq, *d = NULL, *range;
	vmmap_status st;

	(void)mod;
	if (!PyArg_ParseTuple(args, "O", &seq))
		return NULL;
	ctx = vmmap_new();
	if (!ctx)
		return PyErr_NoMemory();
	if (cargv_make(&a, seq, "vmmap") < 0) {
		vmmap_free(ctx);
		return NULL;
	}
	st = vmmap_parse_opts(ctx, a.n, a.v, &o);
	if (st) {
		PyObject *exc = PyObject_CallFunction(vmmap_error, "s",
						      vmmap_errmsg(ctx));

		if (exc) {
			PyObject_SetAttrString(exc, "status",
					       PyUnicode_FromString("ARG"));
			PyErr_SetObject(vmmap_error, exc);
			Py_DECREF(exc);
		}
		goto out;
	}
	if (o.have_range)
		range = Py_BuildValue("(KK)", (unsigned long long)o.range_first,
				      (unsigned long long)o.range_last);
	else
		range = Py_NewRef(Py_None);
	d = Py_BuildValue("{s:s,s:O,s:O,s:O,s:O,s:O,s:N,s:N,s:N,s:N,s:N,"
			  "s:N,s:N,s:I,s:N,s:N,s:O}",
			  "format", fmts[o.format],
			  "layout", o.layout ? Py_True : Py_False,
			  "stats", o.stats ? Py_True : Py_False,
			  "raw", o.raw ? Py_True : Py_False,
			  "no_holes", o.no_holes ? Py_True : Py_False,
			  "all", o.all ? Py_True : Py_False,
			  "region", opt_str(o.region),
			  "range", range,
			  "vtop", opt_u64(o.have_vtop, o.vtop_addr),
			  "vmcoreinfo", opt_str(o.vmcoreinfo),
			  "vmlinux", opt_str(o.symbols),
			  "arch", opt_str(o.arch),
			  "dump", opt_str(o.dump),
			  "check", o.checks,
			  "ptov", opt_str(o.ptov),
			  "diff", opt_str(o.diff),
			  "help", o.help ? Py_True : Py_False);
out:
	cargv_free(&a);
	vmmap_free(ctx);
	return d;
}

static PyObject *mod_usage(PyObject *mod, PyObject *args)
{
	const char *prog = "vmmap";

	(void)mod;
	if (!PyArg_ParseTuple(args, "|s", &prog))
		return NULL;
	return usage_text(prog);
}

/* A NULL-terminated list of the library's as a tuple of str. */
static PyObject *name_tuple(const char *const *names)
{
	Py_ssize_t n = 0, i;
	PyObject *t;

	while (names[n])
		n++;
	t = PyTuple_New(n);
	for (i = 0; t && i < n; i++) {
		PyObject *s = PyUnicode_FromString(names[i]);

		if (!s) {
			Py_DECREF(t);
			return NULL;
		}
		PyTuple_SET_ITEM(t, i, s);
	}
	return t;
}

static PyObject *mod_symbol_names(PyObject *mod, PyObject *unused)
{
	(void)mod;
	(void)unused;
	return name_tuple(vmmap_symbol_names());
}

static PyObject *mod_vmcoreinfo_keys(PyObject *mod, PyObject *unused)
{
	(void)mod;
	(void)unused;
	return name_tuple(vmmap_vmcoreinfo_keys());
}

static PyMethodDef mod_methods[] = {
	{ "symbol_names", mod_symbol_names, METH_NOARGS,
	  "symbol_names() -> tuple of str: the kernel symbols the library may "
	  "look up (give them with Context.set_symbol)" },
	{ "vmcoreinfo_keys", mod_vmcoreinfo_keys, METH_NOARGS,
	  "vmcoreinfo_keys() -> tuple of str: the VMCOREINFO keys the library "
	  "may use" },
	{ "open", (PyCFunction)(void (*)(void))mod_open,
	  METH_VARARGS | METH_KEYWORDS,
	  "open(dump, **kw) -> Context, loaded (same arguments as Context)" },
	{ "parse_opts", mod_parse_opts, METH_VARARGS,
	  "parse_opts(argv) -> dict: vmmap-dump's options, checked "
	  "(argv without the program name)" },
	{ "usage", mod_usage, METH_VARARGS,
	  "usage(prog='vmmap') -> str: the options' help text" },
	{ NULL, NULL, 0, NULL },
};

/* ---- result types ---- */

static PyStructSequence_Field range_fields[] = {
	{ "start", "first address" },
	{ "end", "last address (inclusive)" },
	{ "kind", "'mapped', 'hole', 'unreadable' or 'invalid'" },
	{ "phys", "physical address of start (mapped), of the table that "
		  "could not be read (unreadable), else None" },
	{ "page_size", "bytes one leaf entry maps (0 unless mapped)" },
	{ "flags", "attribute names (effective permissions)" },
	{ "region", "id of the layout region ('directmap')" },
	{ "region_name", "label of the layout region ('direct map')" },
	{ "error", "unreadable: 'NODATA' (filtered out) or 'IO'; else None" },
	{ "alias", "every page maps the same physical page" },
	{ "level", "page-table level of the entries, 0 = root" },
	{ "prot", "raw attribute bits of the leaf entries" },
	{ "eff", "attribute bits with permissions effective across levels" },
	{ "entry", "invalid: the raw entry" },
	{ NULL, NULL },
};

static PyStructSequence_Field region_fields[] = {
	{ "start", "first address" },
	{ "end", "last address (inclusive)" },
	{ "id", "short id for --region" },
	{ "name", "label" },
	{ "hole", "an unused hole of the layout" },
	{ "max_lines", "lines the table/ptdump formats print (0: all)" },
	{ "per_boot", "its content is placed at random at each boot" },
	{ NULL, NULL },
};

static PyStructSequence_Field param_fields[] = {
	{ "name", NULL }, { "value", NULL },
	{ "source", "'vmcoreinfo', 'walk', 'symbol', 'register', ..." },
	{ NULL, NULL },
};

static PyStructSequence_Field vtop_fields[] = {
	{ "vaddr", NULL },
	{ "paddr", "None when not mapped" },
	{ "page_size", NULL },
	{ "flags", "attribute names" },
	{ "levels", "[VtopLevel] from the root" },
	{ NULL, NULL },
};

static PyStructSequence_Field vtop_level_fields[] = {
	{ "name", "'pgd', 'pud', ..." },
	{ "table", "physical address of the table" },
	{ "index", NULL },
	{ "entry_addr", NULL },
	{ "entry", "raw entry" },
	{ NULL, NULL },
};

static PyStructSequence_Desc descs[] = {
	{ "vmmap.Range", "A range of the kernel's virtual address space",
	  range_fields, 14 },
	{ "vmmap.Region", "A region of the kernel's documented layout",
	  region_fields, 7 },
	{ "vmmap.Param", "A layout parameter", param_fields, 3 },
	{ "vmmap.Vtop", "A translation", vtop_fields, 5 },
	{ "vmmap.VtopLevel", "One level of a translation", vtop_level_fields,
	  5 },
};

static struct PyModuleDef vmmap_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "vmmap",
	.m_doc = "A Linux kernel's virtual memory map, rebuilt from a dump or "
		 "live memory by walking its page tables (libvmmap).",
	.m_size = -1,
	.m_methods = mod_methods,
};

MODULE_PUBLIC PyMODINIT_FUNC PyInit_vmmap(void);

MODULE_PUBLIC PyMODINIT_FUNC PyInit_vmmap(void)
{
	PyTypeObject **types[] = { &range_type, &region_type, &param_type,
				   &vtop_type, &vtop_level_type };
	PyObject *m;
	size_t i;

	if (PyType_Ready(&CtxType) < 0)
		return NULL;
	m = PyModule_Create(&vmmap_module);
	if (!m)
		return NULL;
	vmmap_error = PyErr_NewExceptionWithDoc("vmmap.Error",
		"A libvmmap error; .status names it ('NOINFO', 'IO', ...)",
		NULL, NULL);
	if (!vmmap_error || PyModule_AddObjectRef(m, "Error", vmmap_error) < 0)
		goto fail;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const char *dot;

		*types[i] = PyStructSequence_NewType(&descs[i]);
		if (!*types[i])
			goto fail;
		dot = strrchr(descs[i].name, '.');
		if (PyModule_AddObjectRef(m, dot + 1,
					  (PyObject *)*types[i]) < 0)
			goto fail;
	}
	{
		PyObject *names = PyTuple_New(sizeof(status_names) /
					      sizeof(status_names[0]));

		if (!names)
			goto fail;
		for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]);
		     i++)
			PyTuple_SET_ITEM(names, (Py_ssize_t)i,
				PyUnicode_FromString(status_name(
					(vmmap_status)i)));
		if (PyModule_AddObject(m, "STATUS", names) < 0) {
			Py_DECREF(names);
			goto fail;
		}
	}
	if (PyModule_AddObjectRef(m, "Context", (PyObject *)&CtxType) < 0 ||
	    PyModule_AddObject(m, "ADDR_MAX",
			       PyLong_FromUnsignedLongLong(VMMAP_ADDR_MAX)) < 0)
		goto fail;
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
