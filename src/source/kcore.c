/*
 * kcore.c - the running kernel through /proc/kcore as the memory source.
 *
 * /proc/kcore is an ELF core (fs/proc/kcore.c) whose PT_LOAD segments are
 * kernel-virtual ranges: the kernel image (KCORE_TEXT), the direct map of
 * each System RAM range (KCORE_RAM), vmalloc, vmemmap, remapped pages.
 * Physical reads go through the segments that carry a physical address:
 *
 *  - since v4.11 (464920104bf7 "/proc/kcore: update physical address for
 *    kcore ram and text") KCORE_RAM and KCORE_TEXT segments have p_paddr =
 *    __pa() of their start; the others are left 0;
 *  - since v4.19 (the rewrite of elf_kcore_store_hdr(), "proc/kcore: ...")
 *    the others have p_paddr = (elf_addr_t)-1.
 *
 * Page tables are RAM, so that is all the walker needs; any other physical
 * address is VMMAP_ERR_NODATA.  Before v4.11 every p_paddr is 0 and
 * nothing can be read physically: said so by name.
 *
 * VMCOREINFO: the kernel's own note is a PT_NOTE of kcore since v4.19
 * (23c85094fe18 "proc/kcore: add vmcoreinfo note to /proc/kcore"); older
 * kernels give its physical address and size in /sys/kernel/vmcoreinfo
 * (kernel/ksysfs.c, "%lx %x"), and we read the note from RAM.
 *
 * The ELF headers are read with libelf, as drgn does for kcore: the file's
 * size is the size of the kernel's address space, so nothing is mapped.
 */
#include "config.h"
#include "source/source.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

#define KCORE_PATH "/proc/kcore"
#define SYS_VMCOREINFO "/sys/kernel/vmcoreinfo"
#define SYS_LOCKDOWN "/sys/kernel/security/lockdown"
#define CAP_SYS_RAWIO_BIT 17

struct kcore_seg {
	uint64_t vaddr, paddr, size, offset;
	bool has_paddr;
};

struct kcore {
	int fd;
	char *path;
	struct kcore_seg *segs;	/* in file order; few (one per RAM range) */
	size_t nsegs;
	size_t last;		/* segment of the last physical hit */
};

static void kcore_release(void *data)
{
	struct kcore *k = data;

	if (!k)
		return;
	if (k->fd >= 0)
		close(k->fd);
	free(k->segs);
	free(k->path);
	free(k);
}

static bool seg_has_phys(const struct kcore_seg *s, uint64_t paddr)
{
	return s->has_paddr && paddr >= s->paddr && paddr - s->paddr < s->size;
}

/* The segment mapping @paddr.  The kernel image (KCORE_TEXT) lies inside a
 * RAM segment's range too: either gives the same bytes. */
static const struct kcore_seg *seg_by_phys(struct kcore *k, uint64_t paddr)
{
	size_t i;

	if (k->last < k->nsegs && seg_has_phys(&k->segs[k->last], paddr))
		return &k->segs[k->last];
	for (i = 0; i < k->nsegs; i++)
		if (seg_has_phys(&k->segs[i], paddr)) {
			k->last = i;
			return &k->segs[i];
		}
	return NULL;
}

static const struct kcore_seg *seg_by_virt(const struct kcore *k,
					   uint64_t vaddr)
{
	size_t i;

	for (i = 0; i < k->nsegs; i++)
		if (vaddr >= k->segs[i].vaddr &&
		    vaddr - k->segs[i].vaddr < k->segs[i].size)
			return &k->segs[i];
	return NULL;
}

static vmmap_status kcore_pread(struct vmmap_ctx *ctx, const struct kcore *k,
				void *buf, size_t len, uint64_t off,
				const char *what, uint64_t addr)
{
	ssize_t n;

	do
		n = pread(k->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return VMMAP_OK;
	return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s 0x%" PRIx64
			       " at offset 0x%" PRIx64 ": %s", k->path, what,
			       addr, off, n < 0 ? strerror(errno)
						: "short read");
}

static vmmap_status kcore_read_phys(struct vmmap_ctx *ctx, void *data,
				    vmmap_addr_t paddr, void *buf, size_t len)
{
	struct kcore *k = data;
	uint8_t *p = buf;

	while (len) {
		const struct kcore_seg *s = seg_by_phys(k, paddr);
		uint64_t in;
		size_t n;
		vmmap_status st;

		if (!s)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
					       "physical 0x%" PRIx64 " is not "
					       "System RAM in %s", paddr,
					       k->path);
		in = paddr - s->paddr;
		n = s->size - in < len ? (size_t)(s->size - in) : len;
		st = kcore_pread(ctx, k, p, n, s->offset + in, "physical",
				 paddr);
		if (st)
			return st;
		p += n;
		paddr += n;
		len -= n;
	}
	return VMMAP_OK;
}

/* What kcore itself can read: unmapped pages of vmalloc read as zeros. */
static vmmap_status kcore_read_virt(struct vmmap_ctx *ctx, void *data,
				    vmmap_addr_t vaddr, void *buf, size_t len)
{
	struct kcore *k = data;
	uint8_t *p = buf;

	while (len) {
		const struct kcore_seg *s = seg_by_virt(k, vaddr);
		uint64_t in;
		size_t n;
		vmmap_status st;

		if (!s)
			return vmmap_set_error(ctx, VMMAP_ERR_NODATA,
					       "virtual 0x%" PRIx64 " is not in "
					       "%s", vaddr, k->path);
		in = vaddr - s->vaddr;
		n = s->size - in < len ? (size_t)(s->size - in) : len;
		st = kcore_pread(ctx, k, p, n, s->offset + in, "virtual",
				 vaddr);
		if (st)
			return st;
		p += n;
		vaddr += n;
		len -= n;
	}
	return VMMAP_OK;
}

static const struct vmmap_mem_ops kcore_ops = {
	.read_phys = kcore_read_phys,
	.read_virt = kcore_read_virt,
	.release = kcore_release,
};

/* ---- why it cannot be opened ------------------------------------------ */

/* The active lockdown mode ("integrity", "confidentiality"), "" if none or
 * unknown (no securityfs, no LSM). */
static void lockdown_mode(char *buf, size_t size)
{
	char line[128], *a, *b;
	FILE *f = fopen(SYS_LOCKDOWN, "re");

	buf[0] = '\0';
	if (!f)
		return;
	/* "none [integrity] confidentiality" */
	if (fgets(line, sizeof(line), f) && (a = strchr(line, '[')) &&
	    (b = strchr(a, ']')) && strncmp(a + 1, "none", 4)) {
		*b = '\0';
		snprintf(buf, size, "%s", a + 1);
	}
	fclose(f);
}

static bool have_cap_sys_rawio(void)
{
	char line[256];
	unsigned long long caps = 0;
	bool found = false;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return true;	/* cannot tell: do not blame it */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1) {
			found = true;
			break;
		}
	fclose(f);
	return !found || (caps >> CAP_SYS_RAWIO_BIT & 1);
}

/*
 * open_kcore() (fs/proc/kcore.c) refuses with EPERM without CAP_SYS_RAWIO
 * or under lockdown: LOCKDOWN_KCORE is in the confidentiality class
 * (include/linux/security.h, "lockdown: Lock down /proc/kcore", v5.4), so
 * integrity mode alone does not forbid it.  The file is 0400 root: others
 * get EACCES from the permission check first.
 */
static vmmap_status open_error(struct vmmap_ctx *ctx, const char *path,
			       int err)
{
	char mode[32];
	struct stat sb;

	switch (err) {
	case ENOENT:
		if (stat("/proc/self", &sb) < 0)
			return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: no such "
					       "file (/proc is not mounted)",
					       path);
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP, "%s: no such "
				       "file: the kernel is built without "
				       "CONFIG_PROC_KCORE, or a container "
				       "hides it", path);
	case EACCES:
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: permission "
				       "denied: only root can read the live "
				       "kernel (kcore is mode 0400 root)",
				       path);
	case EPERM:
		lockdown_mode(mode, sizeof(mode));
		if (mode[0])
			return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP, "%s: "
					       "operation not permitted: the "
					       "kernel is locked down (%s)",
					       path, mode);
		if (!have_cap_sys_rawio())
			return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: "
					       "operation not permitted: the "
					       "process lacks CAP_SYS_RAWIO "
					       "(a container?)", path);
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP, "%s: operation "
				       "not permitted (kernel lockdown, or a "
				       "security module)", path);
	default:
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				       strerror(err));
	}
}

/* Container runtimes mask /proc/kcore by bind-mounting /dev/null (Docker,
 * Podman's default masked paths) or an empty file over it. */
static vmmap_status check_not_masked(struct vmmap_ctx *ctx, int fd,
				     const char *path)
{
	struct stat sb;
	unsigned char ident[EI_NIDENT];
	ssize_t n;

	if (fstat(fd, &sb) < 0)
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				       strerror(errno));
	if (S_ISCHR(sb.st_mode))
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP, "%s is masked "
				       "(a character device, /dev/null "
				       "bind-mounted over it by a container "
				       "runtime?)", path);
	do
		n = pread(fd, ident, sizeof(ident), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return vmmap_set_error(ctx, VMMAP_ERR_IO, "%s: %s", path,
				       strerror(errno));
	if (n == 0)
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP, "%s is empty: "
				       "masked by a container runtime?", path);
	if (n < SELFMAG || memcmp(ident, ELFMAG, SELFMAG))
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: not an ELF "
				       "file, so not the kernel's kcore", path);
	return VMMAP_OK;
}

/* ---- headers ------------------------------------------------------------ */

static vmmap_status add_seg(struct vmmap_ctx *ctx, struct kcore *k,
			    const GElf_Phdr *ph, size_t cap)
{
	struct kcore_seg *s;

	if (k->nsegs == cap)
		return vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: program "
				       "headers changed while read", k->path);
	s = &k->segs[k->nsegs++];
	s->vaddr = ph->p_vaddr;
	s->paddr = ph->p_paddr;
	s->size = ph->p_filesz < ph->p_memsz ? ph->p_filesz : ph->p_memsz;
	s->offset = ph->p_offset;
	return VMMAP_OK;
}

/* Which p_paddr are physical addresses (see the top of the file). */
static vmmap_status mark_phys(struct vmmap_ctx *ctx, struct kcore *k)
{
	bool v419 = false, any = false;
	size_t i;

	for (i = 0; i < k->nsegs; i++)
		if (k->segs[i].paddr == UINT64_MAX)
			v419 = true;
	for (i = 0; i < k->nsegs; i++) {
		struct kcore_seg *s = &k->segs[i];

		s->has_paddr = s->paddr != UINT64_MAX &&
			       (s->paddr != 0 || v419) &&
			       s->paddr + s->size > s->paddr;
		any |= s->has_paddr;
	}
	if (!any)
		return vmmap_set_error(ctx, VMMAP_ERR_NOTSUP, "%s: no segment "
				       "has a physical address (a kernel "
				       "before 4.11)", k->path);
	return VMMAP_OK;
}

/* A note without KEY=value lines is as good as none: sysfs may still
 * point at the kernel's own. */
static vmmap_status use_note(struct vmmap_ctx *ctx, const char *text,
			     size_t len)
{
	vmmap_status st = vmmap_set_vmcoreinfo(ctx, text, len);

	if (st && st != VMMAP_ERR_NOMEM) {
		vmmap_clear_error(ctx);
		st = VMMAP_OK;
	}
	return st;
}

/* The VMCOREINFO note of one PT_NOTE segment, if it has one. */
static vmmap_status note_vmcoreinfo(struct vmmap_ctx *ctx, Elf *elf,
				    const GElf_Phdr *ph)
{
	Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph->p_offset,
					   ph->p_filesz, ELF_T_NHDR);
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;

	if (!d)
		return VMMAP_OK;	/* unreadable notes: try elsewhere */
	while ((next = gelf_getnote(d, off, &nh, &name_off, &desc_off))) {
		const char *name = (const char *)d->d_buf + name_off;
		const char *desc = (const char *)d->d_buf + desc_off;

		if (nh.n_namesz == sizeof("VMCOREINFO") &&
		    !memcmp(name, "VMCOREINFO", sizeof("VMCOREINFO")))
			return use_note(ctx, desc, strnlen(desc, nh.n_descsz));
		off = next;
	}
	return VMMAP_OK;
}

static vmmap_status read_headers(struct vmmap_ctx *ctx, struct kcore *k,
				 struct arch_clues *clues)
{
	Elf *elf;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t i, phnum;
	vmmap_status st = VMMAP_OK;

	elf_version(EV_CURRENT);
	elf = elf_begin(k->fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    elf_getphdrnum(elf, &phnum) < 0) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: %s", k->path,
				     elf ? elf_errmsg(-1) : "not ELF");
		goto out;
	}
	if (eh.e_type != ET_CORE) {
		st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: not a core "
				     "file (ELF type %u)", k->path, eh.e_type);
		goto out;
	}
	clues->elf_machine = eh.e_machine;
	clues->ptr_bits = gelf_getclass(elf) == ELFCLASS64 ? 64 : 32;
	k->segs = calloc(phnum ? phnum : 1, sizeof(*k->segs));
	if (!k->segs) {
		st = set_nomem(ctx);
		goto out;
	}
	for (i = 0; i < phnum && !st; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph))
			st = vmmap_set_error(ctx, VMMAP_ERR_FORMAT, "%s: "
					     "program header %zu: %s", k->path,
					     i, elf_errmsg(-1));
		else if (ph.p_type == PT_LOAD && ph.p_filesz)
			st = add_seg(ctx, k, &ph, phnum);
		else if (ph.p_type == PT_NOTE && !ctx->vmcoreinfo.n)
			st = note_vmcoreinfo(ctx, elf, &ph);
	}
	if (!st)
		st = mark_phys(ctx, k);
out:
	elf_end(elf);
	return st;
}

/* Before v4.19: the note's physical address from sysfs, read from RAM. */
static vmmap_status sysfs_vmcoreinfo(struct vmmap_ctx *ctx)
{
	unsigned long long paddr;
	unsigned size;
	int n;
	FILE *f = fopen(SYS_VMCOREINFO, "re");

	if (!f)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "no VMCOREINFO "
				       "in /proc/kcore nor %s: %s",
				       SYS_VMCOREINFO, strerror(errno));
	n = fscanf(f, "%llx %x", &paddr, &size);
	fclose(f);
	if (n != 2 || !size || paddr + size < paddr)
		return vmmap_set_error(ctx, VMMAP_ERR_NOINFO, "%s: no "
				       "\"address size\" line", SYS_VMCOREINFO);
	return vmci_scan(ctx, paddr, paddr + size, VMMAP_ADDR_MAX);
}

/* The architecture from e_machine and the release from uname(2), unless
 * the user or VMCOREINFO already said. */
static vmmap_status set_hints(struct vmmap_ctx *ctx,
			      const struct arch_clues *clues)
{
	struct utsname u;
	char buf[32];
	vmmap_status st;

	if (!ctx->arch_hint) {
		st = vmmap_set_arch(ctx, arch_detect(ctx, clues, buf,
						     sizeof(buf)));
		if (st)
			return st;
	}
	if (!ctx->release_hint && uname(&u) == 0) {
		ctx->release_hint = strdup(u.release);
		if (!ctx->release_hint)
			return set_nomem(ctx);
	}
	return VMMAP_OK;
}

bool kcore_is_kcore(const char *path)
{
	struct statfs sf;
	const char *base = strrchr(path, '/');

	if (!strcmp(path, KCORE_PATH))
		return true;
	base = base ? base + 1 : path;
	return !strcmp(base, "kcore") && statfs(path, &sf) == 0 &&
	       sf.f_type == PROC_SUPER_MAGIC;
}

vmmap_status kcore_open(struct vmmap_ctx *ctx, const char *path)
{
	struct kcore *k;
	struct arch_clues clues;
	vmmap_status st;

	if (!path)
		path = KCORE_PATH;
	memset(&clues, 0, sizeof(clues));
	k = calloc(1, sizeof(*k));
	if (!k)
		return set_nomem(ctx);
	k->path = strdup(path);
	if (!k->path) {
		free(k);
		return set_nomem(ctx);
	}
	/* Read-only: nothing here writes to the kernel. */
	k->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (k->fd < 0) {
		st = open_error(ctx, path, errno);
		goto fail;
	}
	st = check_not_masked(ctx, k->fd, path);
	if (!st)
		st = read_headers(ctx, k, &clues);
	if (st)
		goto fail;
	st = vmmap_set_mem(ctx, &kcore_ops, k);
	if (st)
		goto fail;
	/* k belongs to the context now. */
	if (!ctx->vmcoreinfo.n) {
		st = sysfs_vmcoreinfo(ctx);
		/* Without it the layout may still come from the walk or
		 * the user's --vmcoreinfo / --vmlinux. */
		if (st && st != VMMAP_ERR_NOMEM) {
			vmmap_clear_error(ctx);
			st = VMMAP_OK;
		}
		if (st)
			return st;
	}
	return set_hints(ctx, &clues);
fail:
	kcore_release(k);
	return st;
}

__attribute__((visibility("default")))
vmmap_status vmmap_open_kcore(struct vmmap_ctx *ctx, const char *path)
{
	return kcore_open(ctx, path);
}
