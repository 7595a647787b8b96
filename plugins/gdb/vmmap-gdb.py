# vmmap-gdb.py - the GDB command `vmmap`: a Linux kernel's virtual memory map.
#
#   (gdb) source /usr/local/share/vmmap/vmmap-gdb.py     # or from ~/.gdbinit
#   (gdb) vmmap vmcore                    # a dump file, read by libvmmap
#   (gdb) core-file vmcore; vmmap         # the core GDB has open
#   (gdb) target remote :1234; vmmap      # QEMU's gdbstub, physical memory
#
# Built on the Python module "vmmap" (plugins/gdb/vmmapmodule.c); see
# plugins/gdb/README.md.  vmmap 0.1.0.

import os
import re
import sys
import time

import gdb

PYEXECDIR = '/usr/local/lib/python3.11/dist-packages'
PROG = 'vmmap'


def _import_module():
    """The vmmap module: on sys.path, next to this script (build tree:
    .libs/), $VMMAP_PYTHONPATH, or where `make install` put it."""
    try:
        import vmmap
        return vmmap
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(globals().get('__file__', '.')))
    dirs = [os.environ.get('VMMAP_PYTHONPATH'), here,
            os.path.join(here, '.libs'), PYEXECDIR]
    for d in dirs:
        if d and d not in sys.path and os.path.isdir(d):
            sys.path.insert(0, d)
            try:
                import vmmap
                return vmmap
            except ImportError:
                sys.path.remove(d)
    raise ImportError('vmmap: the Python module "vmmap" is not in %s'
                      % ', '.join(d for d in dirs if d))


vmmap = _import_module()

# Options of the GDB command only; the rest are vmmap-dump's, handled by
# the library (vmmap.parse_opts / Context.run).
GDB_OPTIONS = {
    '--source': 'memory: auto (default), file, core, remote',
    '--scan-vmcoreinfo': 'live, no vmlinux in GDB: find VMCOREINFO by\n'
                         'reading all physical memory (slow remotely)',
    '--time': 'print the time taken and the memory read',
}
SOURCES = ('auto', 'file', 'core', 'remote')

# x86_64's kernel text mapping (__START_KERNEL_map, 1 GiB with KASLR) and
# the link address of _text (__START_KERNEL, CONFIG_PHYSICAL_START 16 MiB):
# arch/x86/include/asm/page_64_types.h, v6.1.
X86_START_KERNEL_MAP = 0xffffffff80000000
X86_KTEXT_LAST = 0xffffffffbfffffff

class Error(Exception):
    pass


def _split_gdb_options(argv):
    """Take the GDB-only options out of argv; return (their dict, rest)."""
    own = {'source': 'auto', 'scan': False, 'time': False}
    rest = []
    it = iter(argv)
    for a in it:
        if a == '--source' or a.startswith('--source='):
            v = a.split('=', 1)[1] if '=' in a else next(it, None)
            if v not in SOURCES:
                raise Error('--source wants one of %s' % ', '.join(SOURCES))
            own['source'] = v
        elif a == '--scan-vmcoreinfo':
            own['scan'] = True
        elif a == '--time':
            own['time'] = True
        elif a == '--':
            rest.append(a)
            rest.extend(it)
        else:
            rest.append(a)
    return own, rest


# ---- what GDB knows ------------------------------------------------------

def _connection_type():
    conn = getattr(gdb.selected_inferior(), 'connection', None)
    return conn.type if conn is not None else None


def _core_path():
    """The file of the core GDB has open, or None."""
    pspace = gdb.selected_inferior().progspace
    path = getattr(pspace, 'core_filename', None)   # GDB 14+
    if path:
        return path
    out = gdb.execute('info target', to_string=True)
    marker = 'Local core dump file:'
    if marker not in out:
        return None
    line = out.split(marker, 1)[1].strip().splitlines()[0]
    # "`/path/vmcore', file type elf64-x86-64."
    if line.startswith('`') and "', file type" in line:
        return line[1:line.rindex("', file type")]
    return None


def _gdb_arch():
    try:
        name = gdb.selected_inferior().architecture().name()
    except (gdb.error, AttributeError):
        try:
            name = gdb.selected_frame().architecture().name()
        except gdb.error:
            return None
    if 'x86-64' in name or name == 'x86_64':
        return 'x86_64'
    if name.startswith('aarch64'):
        return 'aarch64'
    return None


def _register(*names):
    """The first of @names the target has, as an int, or None."""
    for n in names:
        try:
            v = gdb.selected_frame().read_register(n)
            return int(v) & (2 ** 64 - 1)
        except (gdb.error, ValueError):
            continue
    return None


class KernelSymbols:
    """Link-time addresses of the kernel symbols vmmap uses, from the
    vmlinux GDB has loaded: read by libvmmap from its .symtab (fast), else
    looked up through GDB (slow with full DWARF)."""

    def __init__(self):
        self.path = gdb.current_progspace().filename
        self.elf = None
        if self.path:
            try:
                self.elf = vmmap.Context(vmlinux=self.path)
            except vmmap.Error:
                self.elf = None

    def __bool__(self):
        return self.get('init_top_pgt') is not None or \
            self.get('swapper_pg_dir') is not None

    def get(self, name):
        if self.elf is not None:
            return self.elf.symbol(name)
        try:
            v = gdb.parse_and_eval('(unsigned long)&\'%s\'' % name)
            return int(v) & (2 ** 64 - 1)
        except gdb.error:
            return None

    def relocated(self, kaslr):
        """{name: run-time address} of the symbols the library may look up
        (vmmap.symbol_names(), from its architecture descriptors) that
        GDB's vmlinux has."""
        out = {}
        for name in vmmap.symbol_names():
            a = self.get(name)
            if a is not None:
                out[name] = (a + kaslr) & (2 ** 64 - 1)
        return out


# ---- live memory through QEMU's gdbstub ----------------------------------

class GdbStubMemory:
    """read_phys for the library: GDB's memory reads, which QEMU's stub
    serves from guest-physical memory while Qqemu.PhyMemMode is 1.  The
    library asks for whole page-table pages and caches them."""

    def __init__(self):
        self.inferior = gdb.selected_inferior()
        self.reads = 0
        self.bytes = 0
        # The target is stopped for the whole command: the contexts it
        # makes (bootstrap, final) share what was read.
        self.cache = {}

    def __call__(self, paddr, size):
        key = (paddr, size)
        data = self.cache.get(key)
        if data is None:
            self.reads += 1
            self.bytes += size
            try:
                data = bytes(self.inferior.read_memory(paddr, size))
            except gdb.MemoryError as e:
                raise OSError(str(e))
            if size <= 65536:
                self.cache[key] = data
        return data


class PhysMode:
    """`with PhysMode():` guest-physical memory on QEMU's stub, restored to
    virtual (the stub's default) on the way out, errors included."""

    def __enter__(self):
        out = gdb.execute('maintenance packet Qqemu.PhyMemMode:1',
                          to_string=True)
        if '"OK"' not in out:
            raise Error('the remote stub does not switch to physical memory '
                        '(Qqemu.PhyMemMode; is it QEMU?): %s'
                        % out.strip().splitlines()[-1])
        return self

    def __exit__(self, *exc):
        gdb.execute('maintenance packet Qqemu.PhyMemMode:0', to_string=True)
        return False


def _aarch64_cpu_regs():
    """TTBR1_EL1/TCR_EL1 of the selected vCPU, and whether it is in the
    kernel (PSTATE.EL, bits [3:2] of GDB's cpsr, not 0)."""
    regs = {'ttbr1_el1': _register('TTBR1_EL1', 'ttbr1_el1'),
            'tcr_el1': _register('TCR_EL1', 'tcr_el1')}
    cpsr = _register('cpsr')
    return regs, cpsr is None or (cpsr >> 2) & 3 != 0


def _aarch64_regs():
    """The registers of a vCPU at EL1.  At EL0 with KPTI, TTBR1_EL1 holds
    tramp_pg_dir, which maps only the entry trampoline (tramp_unmap_kernel,
    arch/arm64/kernel/entry.S, v6.1): take another vCPU's, QEMU's
    threads being the vCPUs, and stay on the thread the user had."""
    regs, in_kernel = _aarch64_cpu_regs()
    if in_kernel:
        return regs
    sel = gdb.selected_thread()
    try:
        for t in gdb.selected_inferior().threads():
            if t.num == sel.num:
                continue
            t.switch()
            other, in_kernel = _aarch64_cpu_regs()
            if in_kernel and other['ttbr1_el1'] is not None:
                return other
    finally:
        sel.switch()
    return regs


def _live_regs(arch):
    if arch == 'x86_64':
        regs = {'cr3': _register('cr3'), 'cr4': _register('cr4')}
        if regs['cr3'] is None:
            raise Error('the remote target has no $cr3 register: is it '
                        'QEMU\'s gdbstub of an x86_64 guest?')
    elif arch == 'aarch64':
        regs = _aarch64_regs()
        if regs['ttbr1_el1'] is None:
            raise Error('the remote target has no TTBR1_EL1 register '
                        '(QEMU exposes it from version 5.1)')
    else:
        raise Error('live targets: x86_64 and aarch64 only (use --arch)')
    return {k: v for k, v in regs.items() if v is not None}


def _kaslr_offset(boot, arch, syms):
    """The KASLR offset of a live kernel: what the library found walking
    from the CPU's registers (on aarch64 from the image mapping the root),
    else, on x86_64, where the kernel text mapping starts: at _text, as
    cleanup_highmap() clears what lies below it (arch/x86/mm/init_64.c,
    v6.1)."""
    p = {q.name: q for q in boot.params()}.get('kaslr_offset')
    if p is not None and p.source != 'default':
        return p.value
    text = syms.get('_text')
    if arch == 'x86_64' and text is not None:
        for r in boot.ranges(X86_START_KERNEL_MAP, X86_KTEXT_LAST, holes=False):
            if r.kind == 'mapped':
                return (r.start - text) & (2 ** 64 - 1)
    return None


def _parse_vmcoreinfo_note(note):
    """The text of an ELF note named VMCOREINFO (Elf64_Nhdr, 4-byte
    aligned name and descriptor), or None."""
    namesz, descsz = (int.from_bytes(note[i:i + 4], 'little') for i in (0, 4))
    off = 12 + ((namesz + 3) & ~3)
    if note[12:12 + namesz].rstrip(b'\0') != b'VMCOREINFO' or \
            off + descsz > len(note):
        return None
    text = note[off:off + descsz].split(b'\0', 1)[0]
    return text.decode('ascii', 'replace') if text.startswith(b'OSRELEASE=') else None


def _live_vmcoreinfo(mem, arch, regs, syms):
    """VMCOREINFO of a running kernel, through the vmlinux's symbols: the
    note vmcoreinfo_note points to (kernel/crash_core.c, v6.1), read at
    its KASLR'd address.  Returns (text or None, KASLR offset or None)."""
    note = syms.get('vmcoreinfo_note')
    try:
        boot = vmmap.Context(read_phys=mem, arch=arch, regs=regs)
        kaslr = _kaslr_offset(boot, arch, syms)
    except vmmap.Error:
        return None, None
    if note is None or kaslr is None:
        return None, kaslr
    try:
        ptr = int.from_bytes(boot.read_virt(note + kaslr, 8), 'little')
        text = _parse_vmcoreinfo_note(boot.read_virt(ptr, 4096))
    except vmmap.Error:
        return None, kaslr
    return text, kaslr


def _live_context(opts, own, mem):
    arch = opts['arch'] or _gdb_arch()
    if arch is None:
        raise Error('cannot tell the target\'s architecture: give --arch')
    regs = _live_regs(arch)
    syms = KernelSymbols()
    text, kaslr = _live_vmcoreinfo(mem, arch, regs, syms) if syms else (None, None)
    ctx = vmmap.Context(read_phys=mem, arch=arch)
    if text is not None:
        ctx.set_vmcoreinfo(text)
    elif own['scan'] and ctx.find_vmcoreinfo():
        text = ctx.vmcoreinfo_get('OSRELEASE') or ''
    off = ctx.vmcoreinfo_get('KERNELOFFSET')
    if off:
        kaslr = int(off, 16)
    for name, v in regs.items():
        # With VMCOREINFO, the root is the kernel's own (init_top_pgt,
        # swapper_pg_dir) as in a dump, not whatever task the CPU was in.
        if text is None or name not in ('cr3', 'ttbr1_el1'):
            ctx.set_reg(name, v)
    # Without VMCOREINFO the library takes the offsets from the tables the
    # registers point to, and warns which.
    if kaslr is not None and opts['vmlinux'] is None and syms:
        for name, a in syms.relocated(kaslr).items():
            ctx.set_symbol(name, a)
    return ctx


# ---- the command ---------------------------------------------------------

def _choose_source(opts, own):
    src = own['source']
    if src != 'auto':
        if src == 'file' and not opts['dump']:
            raise Error('--source=file needs a DUMP argument')
        return src
    if opts['dump']:
        return 'file'
    ctype = _connection_type()
    if ctype == 'core':
        return 'core'
    if ctype in ('remote', 'extended-remote'):
        return 'remote'
    raise Error('no memory to read: name a dump (vmmap DUMP), open one as '
                'the core (core-file VMCORE) or connect to QEMU\'s gdbstub '
                '(target remote :1234)')


def run_command(argv, prog=PROG):
    """Run the command on an argv list; return (stderr text, output)."""
    own, rest = _split_gdb_options(argv)
    opts = vmmap.parse_opts(rest)
    if opts['help']:
        return '', usage(prog)
    src = _choose_source(opts, own)
    t0 = time.monotonic()
    mem = None
    if src == 'file':
        ctx = vmmap.Context()
        out = ctx.run(rest, prog=prog)
    elif src == 'core':
        path = _core_path()
        if path is None:
            raise Error('GDB has no core file open')
        if opts['dump']:
            raise Error('a DUMP argument and --source=core: choose one')
        ctx = vmmap.Context(path)
        syms = KernelSymbols()
        if opts['vmlinux'] is None and syms.elf is not None and syms:
            ctx.load_symbols(syms.path)     # after the dump: KASLR known
        out = ctx.run(rest, prog=prog)
    else:
        if opts['dump']:
            raise Error('a DUMP argument and --source=remote: choose one')
        mem = GdbStubMemory()
        with PhysMode():
            ctx = _live_context(opts, own, mem)
            out = ctx.run(rest, prog=prog)
    warnings = ['%s: warning: %s\n' % (prog, w) for w in ctx.warnings()]
    if own['time']:
        t = '%s: %s map in %.3f s' % (prog, src, time.monotonic() - t0)
        if mem is not None:
            t += ', %d reads, %d bytes over the remote protocol' % (
                mem.reads, mem.bytes)
        warnings.append(t + '\n')
    return ''.join(warnings), out


def usage(prog=PROG):
    # vmmap-dump's usage, less what only a program has (exit statuses)
    text = re.sub(r'\s*Exit status:[^.]*\.', '', vmmap.usage(prog))
    own = ''.join('  %-20s %s\n' % (k + ('=SRC' if k == '--source' else ''),
                                     v.replace('\n', '\n' + ' ' * 23))
                  for k, v in GDB_OPTIONS.items())
    return (text.rstrip('\n') + '\n\nGDB only:\n' + own + '\n' + _SOURCES_HELP)


_SOURCES_HELP = """\
Memory comes from, in this order unless --source says: the DUMP named;
the core GDB has open (core-file); QEMU's gdbstub (target remote), read as
guest-physical memory (Qqemu.PhyMemMode), with the page-table root and
paging mode from the CPU registers ($cr3/$cr4, TTBR1_EL1/TCR_EL1) and, when
GDB has the vmlinux, VMCOREINFO and layout from the kernel's symbols.
"""


def _option_names():
    names = set(GDB_OPTIONS)
    for line in vmmap.usage(PROG).splitlines():
        for word in line.replace(',', ' ').split():
            if word.startswith('--') and len(word) > 2:
                names.add(word.split('=')[0] + ('=' if '=' in word else ''))
            elif word.startswith('-') and len(word) == 2 and word[1].isalpha():
                names.add(word)
    names.add('--source=')
    return sorted(names)


class VmmapCommand(gdb.Command):
    # __doc__ is set from the library's usage text before registration.

    def __init__(self, name):
        self.prog = name
        super().__init__(name, gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        try:
            argv = gdb.string_to_argv(arg)
            err, out = run_command(argv, self.prog)
        except (Error, vmmap.Error) as e:
            msg = ' '.join(str(e).split('\n'))
            raise gdb.GdbError('%s: %s' % (self.prog, msg))
        except ValueError as e:
            # "usage" shows up as vmmap.Error; string_to_argv's as ValueError
            raise gdb.GdbError('%s: %s' % (self.prog, e))
        if err:
            gdb.write(err, gdb.STDERR)
        gdb.write(out)

    def complete(self, text, word):
        words = gdb.string_to_argv(text) if text.strip() else []
        prev = words[-1] if words and word == '' and text.endswith(' ') else \
            (words[-2] if len(words) >= 2 else None)
        w = word or ''
        if prev in ('-f', '--format') or w.startswith('--format='):
            vals = ['table', 'ptdump', 'json']
            pre = '--format=' if w.startswith('--format=') else ''
            return [pre + v for v in vals if (pre + v).startswith(w)]
        if prev == '--source' or w.startswith('--source='):
            pre = '--source=' if w.startswith('--source=') else ''
            return [pre + v for v in SOURCES if (pre + v).startswith(w)]
        if prev in ('--vmcoreinfo', '--vmlinux', '--symbols'):
            return gdb.COMPLETE_FILENAME
        if w.startswith('-'):
            return [o for o in _option_names() if o.startswith(w)]
        return gdb.COMPLETE_FILENAME


def _command_exists(name):
    """True if GDB has a command called exactly @name (not a prefix of
    another one): what `complete` offers for it."""
    try:
        out = gdb.execute('complete %s' % name, to_string=True)
    except gdb.error:
        return False
    return name in out.split()


def register():
    """Define `vmmap`, or `kvmmap` when another `vmmap` (pwndbg's, gef's)
    is there already: never replace it silently."""
    name = PROG
    if getattr(gdb, '_vmmap_kernel_command', None) is None and \
            _command_exists(PROG):
        name = 'k' + PROG
        gdb.write('vmmap: a "vmmap" command exists already (pwndbg, gef?): '
                  'the kernel map is "%s"\n' % name)
    elif getattr(gdb, '_vmmap_kernel_command', None):
        name = gdb._vmmap_kernel_command     # sourced again: same name
    VmmapCommand.__doc__ = ('Print the Linux kernel\'s virtual memory map from '
                            'a dump, the core or a live QEMU.\n' + usage(name))
    VmmapCommand(name)
    gdb._vmmap_kernel_command = name
    return name


register()
