/*
 * tasks.c - every task of the kernel: the processes on init_task's tasks
 * list, each one's threads on its signal->thread_head list (through
 * task_struct.thread_node, v3.14 to v7.2: for_each_process_thread()), and
 * each CPU's idle task (runqueues.idle, which no list holds; CPU 0's is
 * init_task itself).  For each: PID, TGID, comm, the task_struct.stack
 * (THREAD_SIZE bytes, vmapped with CONFIG_VMAP_STACK) and the mm.
 *
 * Per-CPU variables: CPU n's copy of the variable at symbol S lies at
 * S + __per_cpu_offset[n] (include/asm-generic/percpu.h per_cpu_offset(),
 * x86's own array in arch/x86/kernel/setup_percpu.c); the CPUs are those
 * of __cpu_possible_mask (v4.5+).
 */
#include "config.h"
#include "kernel/kernel.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* include/linux/sched.h, v5.10 to v7.2 */
#define PF_KTHREAD 0x00200000
#define MAX_TASKS (1u << 22)

enum {
	F_TASKS, F_PID, F_TGID, F_COMM, F_STACK, F_MM, F_FLAGS, F_SIGNAL,
	F_THREAD_NODE, F_THREAD_HEAD, NF
};

static const char *const fields[NF] = {
	[F_TASKS] = "task_struct.tasks",
	[F_PID] = "task_struct.pid",
	[F_TGID] = "task_struct.tgid",
	[F_COMM] = "task_struct.comm",
	[F_STACK] = "task_struct.stack",
	[F_MM] = "task_struct.mm",
	[F_FLAGS] = "task_struct.flags",
	[F_SIGNAL] = "task_struct.signal",
	[F_THREAD_NODE] = "task_struct.thread_node",
	[F_THREAD_HEAD] = "signal_struct.thread_head",
};

vmmap_status kpercpu_offsets(struct vmmap_ctx *ctx, uint64_t **offs_ret,
			     bool **possible_ret, size_t *n_ret)
{
	struct kmember bits;
	vmmap_addr_t arr, mask;
	uint64_t *offs;
	bool *poss;
	size_t n, i;
	unsigned ptr = kr_ptr_size(ctx);
	vmmap_status st;

	if ((st = ks_need(ctx, "__per_cpu_offset", &arr)) ||
	    (st = ks_need(ctx, "__cpu_possible_mask", &mask)) ||
	    (st = kt_member(ctx, "cpumask", "bits", &bits)))
		return st;
	/* NR_CPUS: the bits of a cpumask */
	n = bits.size * 8;
	if (!n || n > 8192)
		return vmmap_set_error(ctx, VMMAP_ERR_INVALID, "struct cpumask "
				       "is %" PRIu64 " bytes", bits.size);
	offs = calloc(n, sizeof(*offs));
	poss = calloc(n, sizeof(*poss));
	if (!offs || !poss) {
		free(offs);
		free(poss);
		return set_nomem(ctx);
	}
	for (i = 0; i < n && !st; i += 8 * ptr) {
		uint64_t word;
		size_t b;

		st = kr_ptr(ctx, mask + bits.off + i / 8, &word);
		for (b = 0; !st && b < 8 * ptr && i + b < n; b++)
			poss[i + b] = word >> b & 1;
	}
	for (i = 0; i < n && !st; i++)
		if (poss[i])
			st = kr_ptr(ctx, arr + i * ptr, &offs[i]);
	if (st) {
		free(offs);
		free(poss);
		return vmmap_set_error(ctx, st, "the per-CPU offsets");
	}
	*offs_ret = offs;
	*possible_ret = poss;
	*n_ret = n;
	return VMMAP_OK;
}

struct tw {
	struct vmmap_ctx *ctx;
	struct kern *k;
	struct kmember f[NF];
	size_t cap;
};

static vmmap_status add_task(struct tw *w, vmmap_addr_t task, int idle_cpu)
{
	struct vmmap_ctx *ctx = w->ctx;
	const struct kmember *f = w->f;
	struct ktask t;
	uint64_t v;
	vmmap_status st;

	memset(&t, 0, sizeof(t));
	t.task = task;
	t.idle_cpu = idle_cpu;
	if ((st = kr_member(ctx, task, &f[F_PID], &v)))
		goto bad;
	t.pid = (int64_t)(int32_t)v;
	if ((st = kr_member(ctx, task, &f[F_TGID], &v)))
		goto bad;
	t.tgid = (int64_t)(int32_t)v;
	if ((st = kr_member(ctx, task, &f[F_STACK], &t.stack)) ||
	    (st = kr_member(ctx, task, &f[F_MM], &t.mm)) ||
	    (st = kr_member(ctx, task, &f[F_FLAGS], &v)))
		goto bad;
	t.kthread = v & PF_KTHREAD;
	if (t.kthread)
		t.mm = 0;	/* a kthread may borrow one (kthread_use_mm) */
	if ((st = kr_read(ctx, task + f[F_COMM].off, t.comm,
			  f[F_COMM].size < sizeof(t.comm) ? f[F_COMM].size
			  : sizeof(t.comm) - 1)))
		goto bad;
	if (w->k->ntasks == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 256;
		struct ktask *nv = realloc(w->k->tasks, cap * sizeof(*nv));

		if (!nv)
			return set_nomem(ctx);
		w->k->tasks = nv;
		w->cap = cap;
	}
	w->k->tasks[w->k->ntasks++] = t;
	return VMMAP_OK;
bad:
	return vmmap_set_error(ctx, st, "task_struct at 0x%" PRIx64, task);
}

/* The threads of the process @leader (itself included). */
static vmmap_status add_threads(struct tw *w, vmmap_addr_t leader, size_t *n)
{
	struct vmmap_ctx *ctx = w->ctx;
	const struct kmember *f = w->f;
	vmmap_addr_t sig, head, node;
	vmmap_status st;

	if ((st = kr_member(ctx, leader, &f[F_SIGNAL], &sig)))
		return vmmap_set_error(ctx, st, "task_struct at 0x%" PRIx64,
				       leader);
	if (!sig)	/* an exiting task, its signal_struct gone */
		return add_task(w, leader, -1);
	head = sig + f[F_THREAD_HEAD].off;
	st = kr_ptr(ctx, head, &node);
	while (!st && node != head) {
		if (!node || ++*n > MAX_TASKS)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"the thread list of task 0x%" PRIx64 " is "
				"broken", leader);
		st = add_task(w, node - f[F_THREAD_NODE].off, -1);
		if (!st)
			st = kr_ptr(ctx, node, &node);
	}
	return st;
}

/* Each CPU's idle task but CPU 0's (init_task, on the list). */
static vmmap_status add_idle(struct tw *w, vmmap_addr_t init_task)
{
	struct vmmap_ctx *ctx = w->ctx;
	struct kmember idle;
	vmmap_addr_t rq;
	uint64_t *offs;
	bool *poss;
	size_t n, i;
	vmmap_status st;

	if ((st = ks_need(ctx, "runqueues", &rq)) ||
	    (st = kt_member(ctx, "rq", "idle", &idle)) ||
	    (st = kpercpu_offsets(ctx, &offs, &poss, &n)))
		return st;
	for (i = 0; i < n && !st; i++) {
		vmmap_addr_t t;

		if (!poss[i])
			continue;
		st = kr_ptr(ctx, rq + offs[i] + idle.off, &t);
		if (!st && t && t != init_task)
			st = add_task(w, t, (int)i);
		else if (!st && t == init_task && w->k->ntasks)
			w->k->tasks[0].idle_cpu = (int)i;
	}
	free(offs);
	free(poss);
	return st;
}

static vmmap_status read_tasks(struct vmmap_ctx *ctx, struct kern *k)
{
	struct tw w;
	vmmap_addr_t init, node;
	vmmap_status st;
	size_t n = 0;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.k = k;
	if ((st = kt_members(ctx, fields, NF, w.f)) ||
	    (st = ks_need(ctx, "init_task", &init)))
		return st;
	/* init_task (PID 0, CPU 0's idle task) first, as it heads the list */
	st = add_task(&w, init, 0);
	if (!st)
		st = kr_ptr(ctx, init + w.f[F_TASKS].off, &node);
	while (!st && node != init + w.f[F_TASKS].off) {
		if (!node || ++n > MAX_TASKS)
			return vmmap_set_error(ctx, VMMAP_ERR_INVALID,
				"the task list is broken after %zu entries",
				n);
		st = add_threads(&w, node - w.f[F_TASKS].off, &n);
		if (!st)
			st = kr_ptr(ctx, node, &node);
	}
	if (st)
		return st;
	if (add_idle(&w, init)) {
		add_warning(ctx, "tasks: the idle tasks of CPUs other than "
			    "CPU 0 are left out: %s", vmmap_errmsg(ctx));
		vmmap_clear_error(ctx);
	}
	return VMMAP_OK;
}

/* THREAD_SIZE: what the vmap area holding a task's stack allocates (the
 * kernel's own alloc_thread_stack_node()), else that of the others. */
static void stack_sizes(struct vmmap_ctx *ctx, struct kern *k)
{
	const struct karea *a;
	size_t na = 0, i, j;
	uint64_t common = 0;

	if (kvmalloc_areas(ctx, &a, &na))
		vmmap_clear_error(ctx);
	for (i = 0; i < k->ntasks; i++) {
		struct ktask *t = &k->tasks[i];

		for (j = 0; j < na; j++)
			if (a[j].vm && a[j].addr == t->stack && a[j].nr_pages) {
				t->stack_size = a[j].nr_pages *
						kr_page_size(ctx);
				common = t->stack_size;
				break;
			}
	}
	for (i = 0; i < k->ntasks; i++)
		if (!k->tasks[i].stack_size)
			k->tasks[i].stack_size = common;
}

vmmap_status ktasks(struct vmmap_ctx *ctx, const struct ktask **ret,
		    size_t *n_ret)
{
	struct kern *k = kern_of(ctx);
	vmmap_status st;

	if (!k)
		return set_nomem(ctx);
	if (k->tasks_st)
		return kern_fail_again(ctx, k->tasks_st, k->tasks_err);
	if (!k->tasks_done) {
		st = read_tasks(ctx, k);
		if (st) {
			free(k->tasks);
			k->tasks = NULL;
			k->ntasks = 0;
			st = vmmap_set_error(ctx, st, "the tasks");
			k->tasks_st = kern_keep_fail(ctx, st, &k->tasks_err);
			return st;
		}
		stack_sizes(ctx, k);
		k->tasks_done = true;
	}
	*ret = k->tasks;
	*n_ret = k->ntasks;
	return VMMAP_OK;
}

#define PUBLIC __attribute__((visibility("default")))

PUBLIC vmmap_status vmmap_tasks(struct vmmap_ctx *ctx,
				const struct vmmap_task **tasks_ret,
				size_t *n_ret)
{
	const struct ktask *t;
	struct kern *k;
	vmmap_status st;
	size_t n, i;

	vmmap_clear_error(ctx);
	if (!ctx->loaded)
		return vmmap_set_error(ctx, VMMAP_ERR_ARG,
				       "vmmap_tasks() before vmmap_load()");
	st = ktasks(ctx, &t, &n);
	if (st)
		return st;
	k = ctx->kern;
	if (!k->pub_tasks) {
		k->pub_tasks = calloc(n ? n : 1, sizeof(*k->pub_tasks));
		if (!k->pub_tasks)
			return set_nomem(ctx);
		for (i = 0; i < n; i++) {
			struct vmmap_task *p = &k->pub_tasks[i];

			p->pid = t[i].pid;
			p->tgid = t[i].tgid;
			memcpy(p->comm, t[i].comm, sizeof(p->comm));
			p->task = t[i].task;
			p->mm = t[i].mm;
			p->stack = t[i].stack;
			p->stack_size = t[i].stack_size;
			p->kthread = t[i].kthread;
			p->idle_cpu = t[i].idle_cpu;
		}
	}
	*tasks_ret = k->pub_tasks;
	*n_ret = n;
	return VMMAP_OK;
}
