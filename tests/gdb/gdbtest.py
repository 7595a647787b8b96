"""gdbtest.py - what the tests/gdb scripts share.

Paths come from the automake test environment (top_srcdir, top_builddir);
run by hand, they default to this checkout and the current directory.
Exit 77 (automake's "skipped") always comes with a printed reason.
"""

import importlib.machinery
import importlib.util
import inspect
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SRCDIR = os.path.abspath(os.environ.get(
    'top_srcdir', os.path.join(os.path.dirname(__file__), '..', '..')))
BUILDDIR = os.path.abspath(os.environ.get('top_builddir', '.'))
VMCORES = os.path.join(SRCDIR, 'testdata', 'vmcores')
SCRIPT = os.path.join(BUILDDIR, 'plugins', 'gdb', 'vmmap-gdb.py')
MODDIR = os.path.join(BUILDDIR, 'plugins', 'gdb', '.libs')
VMMAP_DUMP = os.path.join(BUILDDIR, 'cli', 'vmmap-dump')
CACHE = os.environ.get('VMMAP_CORPUS_CACHE', '/var/cache/vmmap-corpus')
GDB = os.environ.get('GDB', 'gdb')


def log(*a):
    print(*a, flush=True)


def skip(why):
    log('SKIP:', why)
    sys.exit(77)


def fail(why):
    log('FAIL:', why)
    sys.exit(1)


def need_basics():
    if shutil.which(GDB) is None:
        skip('no gdb (apt-get install gdb)')
    if not os.path.exists(SCRIPT):
        skip('%s not built (configured with --disable-gdb or no python3 '
             'development files: apt-get install python3-dev)' % SCRIPT)
    if not os.path.isdir(MODDIR) or not any(
            f.startswith('vmmap') and f.endswith('.so') for f in os.listdir(MODDIR)):
        skip('the vmmap Python module is not built in %s' % MODDIR)
    if not os.path.exists(VMMAP_DUMP):
        skip('%s not built' % VMMAP_DUMP)


def corpus(name):
    """The directory of a corpus dump and its MANIFEST as a dict of lists."""
    d = os.path.join(VMCORES, name)
    mf = os.path.join(d, 'MANIFEST')
    if not os.path.exists(mf):
        return d, None
    m = {}
    for line in open(mf):
        k, _, v = line.rstrip('\n').partition(': ')
        m.setdefault(k, []).append(v)
    return d, m


def dump_file(d, m, tmp):
    """A dump file of the corpus entry, unpacked into @tmp if compressed."""
    for f in m.get('files', [''])[0].split():
        p = os.path.join(d, f)
        if not os.path.exists(p):
            continue
        if f.endswith('.xz'):
            out = os.path.join(tmp, f[:-3])
            with open(out, 'wb') as fo:
                subprocess.run(['xz', '-dc', p], stdout=fo, check=True,
                               timeout=300)
            return out
        return p
    return None


def run_gdb(cmds, timeout=300, args=()):
    """gdb -batch -nx with -ex @cmds; returns (rc, stdout, stderr)."""
    argv = [GDB, '-batch', '-nx', '-iex', 'set pagination off']
    argv += list(args)
    for c in cmds:
        argv += ['-ex', c]
    env = dict(os.environ, VMMAP_PYTHONPATH=MODDIR)
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=timeout, env=env)
    return r.returncode, r.stdout.decode(errors='replace'), \
        r.stderr.decode(errors='replace')


def vmmap_dump(args, timeout=300):
    r = subprocess.run([VMMAP_DUMP] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return r.returncode, r.stdout.decode(errors='replace'), \
        r.stderr.decode(errors='replace')


def diff(a, b, na='a', nb='b', limit=20):
    """A short unified diff of two texts ('' if equal)."""
    import difflib
    if a == b:
        return ''
    d = list(difflib.unified_diff(a.splitlines(), b.splitlines(), na, nb,
                                  lineterm='', n=1))
    more = '\n... (%d more lines)' % (len(d) - limit) if len(d) > limit else ''
    return '\n'.join(d[:limit]) + more


# ---- a guest of the corpus under QEMU --------------------------------------

def load_mkvmcore():
    """testdata/mkvmcore as a module: its initramfs builder and targets."""
    path = os.path.join(SRCDIR, 'testdata', 'mkvmcore')
    loader = importlib.machinery.SourceFileLoader('mkvmcore', path)
    spec = importlib.util.spec_from_loader('mkvmcore', loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    mod.VERBOSE = False
    return mod


def exact_deb(pkgspec):
    """The .deb of "name:arch=version" in the cache, downloaded with
    apt-get if missing; None if the archive no longer has that version."""
    name_arch, _, ver = pkgspec.partition('=')
    name, _, arch = name_arch.partition(':')
    d = os.path.join(CACHE, 'debs')
    fn = '%s_%s_%s.deb' % (name, ver.replace(':', '%3a'), arch)
    path = os.path.join(d, fn)
    if os.path.exists(path):
        return path
    os.makedirs(d, exist_ok=True)
    r = subprocess.run(['apt-get', 'download', pkgspec], cwd=d,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=900)
    if r.returncode != 0 or not os.path.exists(path):
        log('apt-get download %s: %s' % (pkgspec,
                                          r.stdout.decode(errors='replace').strip()))
        return None
    return path


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Guest:
    """The corpus guest @name booted under QEMU (TCG) with a gdbstub on
    127.0.0.1 and QMP on a unix socket; always killed by close()."""

    def __init__(self, name, tmp):
        self.name, self.tmp, self.proc = name, tmp, None
        d, m = corpus(name)
        if m is None:
            skip('no corpus entry %s (testdata/mkvmcore %s)' % (name, name))
        self.manifest = m
        mk = load_mkvmcore()
        self.target = mk.TARGETS[name]
        qemu = self.target['qemu']
        if shutil.which(qemu) is None:
            skip('no %s (apt-get install %s)' % (qemu, self.target['qemu_pkg']))
        kdeb = exact_deb(m['kernel_package'][0])
        bdeb = exact_deb(m['busybox_package'][0])
        if kdeb is None or bdeb is None:
            skip('%s is gone from the archive' % (
                m['kernel_package'][0] if kdeb is None else m['busybox_package'][0]))
        self.kroot = mk.extract(kdeb)
        bbroot = mk.extract(bdeb)
        self.release = m['kernel_release'][0]
        self.vmlinuz = os.path.join(self.kroot, 'boot', 'vmlinuz-' + self.release)
        self.initrd = os.path.join(tmp, 'initramfs.cpio.gz')
        # Later parameters of the generator's builder (files the guest
        # uses for its truth) are not needed here.
        extra = list(inspect.signature(mk.build_initramfs).parameters)[5:]
        mk.build_initramfs(self.target, self.kroot, self.release, bbroot,
                           self.initrd, *[None] * len(extra))
        self.console = os.path.join(tmp, 'console.log')
        self.qmp_path = os.path.join(tmp, 'qmp.sock')
        self.port = free_port()

    def boot(self, timeout=300):
        t = self.target
        append = 'console=%s loglevel=3 panic=-1 oops=panic init_on_free=1' % t['console']
        cmd = [t['qemu']] + t['machine'] + [
            '-m', t['mem'], '-smp', str(t['smp']), '-display', 'none',
            '-monitor', 'none', '-serial', 'file:' + self.console,
            '-no-reboot', '-net', 'none',
            '-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path,
            '-gdb', 'tcp:127.0.0.1:%d' % self.port,
            '-kernel', self.vmlinuz, '-initrd', self.initrd, '-append', append]
        if t.get('vmcoreinfo_dev'):
            cmd += ['-device', 'vmcoreinfo']
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=open(os.path.join(self.tmp, 'qemu.out'), 'wb'),
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        t0 = time.time()
        while time.time() - t0 < timeout:
            if self.proc.poll() is not None:
                fail('QEMU exited (%s): %s' % (self.proc.returncode, open(
                    os.path.join(self.tmp, 'qemu.out'), errors='replace').read()))
            try:
                if b'@@VMMAP-READY@@' in open(self.console, 'rb').read():
                    return time.time() - t0
            except FileNotFoundError:
                pass
            time.sleep(0.5)
        tail = open(self.console, 'rb').read()[-2000:].decode(errors='replace') \
            if os.path.exists(self.console) else ''
        fail('guest not ready within %ds; console tail:\n%s' % (timeout, tail))

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def qmp_dump(sock_path, out_path, fmt='elf', timeout=300):
    """dump-guest-memory of a (stopped) VM through QMP; for GDB's `python`
    while the gdbstub holds the VM, so the dump is of the same moment."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(sock_path)
    f = s.makefile('rwb')

    def cmd(name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        f.write(json.dumps(msg).encode() + b'\n')
        f.flush()
        while True:
            line = f.readline()
            if not line:
                raise EOFError('QMP closed')
            r = json.loads(line)
            if 'return' in r:
                return r['return']
            if 'error' in r:
                raise RuntimeError('QMP %s: %s' % (name, r['error']))
    f.readline()
    cmd('qmp_capabilities')
    args = dict(paging=False, protocol='file:' + out_path)
    if fmt != 'elf':
        args['format'] = fmt
    cmd('dump-guest-memory', **args)
    s.close()


def strip_gdb_noise(text):
    """GDB's own lines before the command's output (core loading)."""
    keep = []
    for line in text.splitlines(True):
        if re.match(r'^(\[New LWP \d+\]|\[Current thread is|#0 |Core was generated)', line):
            continue
        keep.append(line)
    return ''.join(keep)
