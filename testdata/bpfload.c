/*
 * bpfload.c - the guest's BPF program, for the truth of testdata/mkvmcore:
 * loads one JITed program and keeps it, sleeping with its fd open, so that
 * the dumped kernel holds it in its bpf_kallsyms list and /proc/kallsyms
 * shows it as "bpf_prog_<tag>_vmmap_probe [bpf]".
 *
 * Freestanding and static (no libc): built per guest architecture with
 * Debian's gcc or cross gcc, "gcc -static -nostdlib -ffreestanding -O2".
 * The program: a socket filter of two instructions, "r0 = 0; exit"
 * (include/uapi/linux/bpf.h: BPF_ALU64 | BPF_MOV | BPF_K 0xb7, BPF_JMP |
 * BPF_EXIT 0x95; register fields 0, so their nibble order does not
 * matter on a big-endian guest).  union bpf_attr for BPF_PROG_LOAD:
 * prog_type, insn_cnt, insns, license, log_level, log_size, log_buf,
 * kern_version, prog_flags, prog_name[16] at 48 (v4.15+).
 */
typedef unsigned long u64;

#if defined(__x86_64__)
#define NR_BPF		321
#define NR_NANOSLEEP	35
#define NR_EXIT		60
static long sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile ("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c)
			  : "rcx", "r11", "memory");
	return r;
}
#elif defined(__aarch64__)
#define NR_BPF		280
#define NR_NANOSLEEP	101
#define NR_EXIT		93
static long sys3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile ("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2)
			  : "memory");
	return x0;
}
#elif defined(__s390x__)
#define NR_BPF		351
#define NR_NANOSLEEP	162
#define NR_EXIT		1
static long sys3(long n, long a, long b, long c)
{
	register long r1 __asm__("r1") = n;
	register long r2 __asm__("r2") = a;
	register long r3 __asm__("r3") = b;
	register long r4 __asm__("r4") = c;

	__asm__ volatile ("svc 0" : "+r"(r2) : "r"(r1), "r"(r3), "r"(r4)
			  : "memory");
	return r2;
}
#else
#error "no syscalls for this architecture"
#endif

struct prog_load_attr {
	unsigned int prog_type, insn_cnt;
	u64 insns, license;
	unsigned int log_level, log_size;
	u64 log_buf;
	unsigned int kern_version, prog_flags;
	char prog_name[16];
} __attribute__((aligned(8)));

static const unsigned char insns[16] __attribute__((aligned(8))) = {
	0xb7, 0, 0, 0, 0, 0, 0, 0,	/* r0 = 0 */
	0x95, 0, 0, 0, 0, 0, 0, 0,	/* exit */
};
static const char license[] = "GPL";

/* Entered with no return address: x86_64's stack is 8 bytes off the
 * 16 its ABI promises a function, so gcc must realign it. */
#if defined(__x86_64__)
#define ENTRY __attribute__((force_align_arg_pointer, noreturn))
#else
#define ENTRY __attribute__((noreturn))
#endif

void _start(void) ENTRY;
void _start(void)
{
	static struct prog_load_attr a = {
		.prog_type = 1,		/* BPF_PROG_TYPE_SOCKET_FILTER */
		.insn_cnt = 2,
		.prog_name = "vmmap_probe",
	};
	static const long ts[2] = { 100000000, 0 };
	long fd;

	a.insns = (u64)insns;
	a.license = (u64)license;
	fd = sys3(NR_BPF, 5 /* BPF_PROG_LOAD */, (long)&a, sizeof(a));
	if (fd < 0)
		sys3(NR_EXIT, 1, 0, 0);
	for (;;)
		sys3(NR_NANOSLEEP, (long)ts, 0, 0);
}
