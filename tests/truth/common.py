"""Shared pieces of the real-dump tests: the corpus's files, vmmap's JSON,
and a checker that counts.

Every assertion in these tests compares vmmap with something vmmap did not
produce: what the guest printed about itself before it was dumped (truth/),
or what crash and libaddrxlat said about the same dump (oracle/).
"""
import bisect
import json
import lzma
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
PAGE = 4096


class Checker:
    """Counts checks; prints one line per check and a closing summary."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, cond, what, detail=''):
        if cond:
            self.passed += 1
            print('ok   %s: %s' % (self.name, what))
        else:
            self.failed += 1
            print('FAIL %s: %s%s' % (self.name, what,
                                     (' -- ' + detail) if detail else ''))
        return cond

    def equal(self, got, want, what):
        def show(v):
            return hex(v) if isinstance(v, int) else repr(v)
        return self.check(got == want, what,
                          'vmmap %s, expected %s' % (show(got), show(want)))


def summary(checkers):
    p = sum(c.passed for c in checkers)
    f = sum(c.failed for c in checkers)
    print('%d passed, %d failed' % (p, f))
    return 1 if f else 0


def read_manifest(d):
    m = {}
    path = os.path.join(d, 'MANIFEST')
    with open(path) as f:
        for line in f:
            if ':' in line:
                k, v = line.split(':', 1)
                m.setdefault(k.strip(), []).append(v.strip())
    return {k: (v[0] if len(v) == 1 else v) for k, v in m.items()}


def truth_path(d, name):
    return os.path.join(d, 'truth', name)


def read_truth(d, name):
    p = truth_path(d, name)
    if not os.path.exists(p):
        return None
    with open(p, errors='replace') as f:
        return f.read()


def parse_vars(d):
    """truth/vars: name=0xvalue lines, read by the guest from /proc/kcore."""
    out = {}
    for line in (read_truth(d, 'vars') or '').splitlines():
        if '=' in line:
            k, v = line.split('=', 1)
            try:
                out[k.strip()] = int(v.strip(), 16)
            except ValueError:
                pass
    return out


def kfence_pool(d, page=4096):
    """The KFENCE pool the guest ran with: (start, end) from its
    __kfence_pool (truth/vars) and its object count (truth/kfence-objects:
    kfence-#0 .. #N-1; the pool is (N + 1) * 2 pages, include/linux/kfence.h
    v5.12 to v7.2), or None.  KFENCE keeps its guard pages, and the pages
    of freed objects, not present in the kernel's own tables
    (kfence_protect_page(): x86_64 clears _PAGE_PRESENT and inverts the
    PFN, arm64 clears PTE_VALID), so the direct map has holes there that
    the kernel's DirectMap counters still count and that a linear
    translation (libaddrxlat's of the direct map) does not see."""
    text = read_truth(d, 'kfence-objects')
    pool = parse_vars(d).get('__kfence_pool')
    if not text or not pool:
        return None
    n = len(re.findall(r'^kfence-#\d+', text, re.M))
    return (pool, pool + (n + 1) * 2 * page) if n else None


def parse_kallsyms(d):
    out = {}
    for line in (read_truth(d, 'kallsyms') or '').splitlines():
        parts = line.split()
        if len(parts) >= 3:
            out.setdefault(parts[2], int(parts[0], 16))
    return out


def parse_meminfo(d):
    out = {}
    for line in (read_truth(d, 'meminfo') or '').splitlines():
        m = re.match(r'(\w+):\s+(\d+)\s*kB', line)
        if m:
            out[m.group(1)] = int(m.group(2)) * 1024
    return out


def parse_vmallocinfo(d):
    """(start, end_exclusive, pages or None, phys or None, caller) per line."""
    out = []
    for line in (read_truth(d, 'vmallocinfo') or '').splitlines():
        m = re.match(r'0x([0-9a-f]+)-0x([0-9a-f]+)\s+(\d+)\s+(\S*)(.*)', line)
        if not m:
            continue
        rest = m.group(5)
        pages = re.search(r'pages=(\d+)', rest)
        phys = re.search(r'phys=0x([0-9a-f]+)', rest)
        out.append((int(m.group(1), 16), int(m.group(2), 16),
                    int(pages.group(1)) if pages else None,
                    int(phys.group(1), 16) if phys else None,
                    m.group(4) + rest))
    return out


def parse_modules(d):
    """(name, size, address) of /proc/modules."""
    out = []
    for line in (read_truth(d, 'modules') or '').splitlines():
        # "name size refs deps state address [(taints)]"
        parts = line.split()
        addr = [p for p in parts[5:] if p.startswith('0x')]
        if len(parts) >= 6 and addr:
            out.append((parts[0], int(parts[1]), int(addr[0], 16)))
    return out


def parse_iomem_ram(d):
    """Top-level System RAM ranges of /proc/iomem as (first, last)."""
    out = []
    for line in (read_truth(d, 'iomem') or '').splitlines():
        if line.startswith(' '):
            continue
        m = re.match(r'([0-9a-f]+)-([0-9a-f]+) : System RAM', line)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return out


def is_extract(path):
    """An extract of vmmap's (testdata/matrix): what vmmap read, no more."""
    return 'extract' in os.path.basename(path)


def dump_files(d):
    """The dump files of a corpus entry (or the extract of a matrix entry),
    uncompressed into a temp dir when needed.  Returns [(label, path)] and
    the temp dir to remove."""
    tmp = None
    out = []
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if name.startswith('vmcore') and name.endswith('.xz'):
            if tmp is None:
                tmp = tempfile.mkdtemp(prefix='vmmap-truth-')
            q = os.path.join(tmp, name[:-3])
            with lzma.open(p) as src, open(q, 'wb') as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            out.append((name, q))
        elif re.match(r'vmcore(\.[a-z0-9-]+)?$', name):
            out.append((name, p))
    return out, tmp


class VmmapMap:
    """vmmap-dump --format=json of one dump, with lookups."""

    def __init__(self, exe, dump, extra=()):
        self.exe = exe
        self.dump = dump
        r = subprocess.run([exe, '--format=json'] + list(extra) + [dump],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=300)
        self.stderr = r.stderr.decode(errors='replace')
        self.rc = r.returncode
        if r.returncode:
            raise RuntimeError('vmmap-dump failed (%d): %s' %
                               (r.returncode, self.stderr.strip()))
        self.json = json.loads(r.stdout)
        self.layout = {k: int(v, 16) for k, v in self.json['layout'].items()}
        self.ranges = []
        for x in self.json['ranges']:
            self.ranges.append(dict(
                start=int(x['start'], 16), end=int(x['end'], 16),
                kind=x['kind'],
                phys=int(x['phys'], 16) if x['phys'] is not None else None,
                page_size=x['page_size'], flags=x['flags'],
                region=x['region'], alias=x.get('alias', False)))
        self.starts = [x['start'] for x in self.ranges]

    def find(self, va):
        i = bisect.bisect_right(self.starts, va) - 1
        if i >= 0 and self.ranges[i]['start'] <= va <= self.ranges[i]['end']:
            return self.ranges[i]
        return None

    def translate(self, va):
        """Physical address of @va by the map, or None if not mapped."""
        r = self.find(va)
        if not r or r['kind'] != 'mapped':
            return None
        if r['alias']:
            return r['phys'] + (va % r['page_size'])
        return r['phys'] + (va - r['start'])

    def mapped(self, kind='mapped'):
        return [r for r in self.ranges if r['kind'] == kind]

    def region_bytes(self, region):
        """{page_size: bytes} mapped in @region."""
        out = {}
        for r in self.ranges:
            if r['kind'] == 'mapped' and r['region'] == region:
                out[r['page_size']] = out.get(r['page_size'], 0) + \
                    r['end'] - r['start'] + 1
        return out

    def vtop(self, va):
        """vmmap-dump --vtop, as JSON."""
        r = subprocess.run([self.exe, '--format=json', '--vtop', hex(va),
                            self.dump], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        return json.loads(r.stdout) if r.stdout else None


def sample_mapped(vm, n, seed=1):
    """@n addresses spread over every mapped range, weighted towards variety:
    each range gets at least one, the rest in proportion to log size."""
    rng = random.Random(seed)
    rs = vm.mapped()
    out = []
    for r in rs:
        out.append(r['start'])
        out.append(r['end'] & ~7)
    while len(out) < n and rs:
        r = rng.choice(rs)
        out.append(rng.randrange(r['start'], r['end'] + 1) & ~7)
    return out[:max(n, 0)]


def run_addrxlat_oracle(oracle_exe, dump, addrs, root=None):
    """libaddrxlat's translations ({va: pa or None}) through the corpus's
    C oracle program (python3-libkdumpfile 0.5.1 cannot walk tables).
    @root: the page-table root's physical address, for layouts this
    libaddrxlat does not know (it walks the tables itself)."""
    argv = [oracle_exe, dump] + (['%x' % root] if root is not None else [])
    r = subprocess.run(argv, input=''.join(
        '0x%x\n' % a for a in addrs).encode(), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, timeout=600)
    if r.returncode:
        raise RuntimeError('addrxlat-oracle: ' + r.stderr.decode().strip())
    out = {}
    for line in r.stdout.decode().splitlines():
        if line.startswith('#') or not line.strip():
            continue
        parts = line.split()
        va = int(parts[0], 16)
        out[va] = None if parts[1] == '-' else int(parts[1], 16)
    return out


def env_paths():
    top_builddir = os.environ.get('top_builddir') or os.getcwd()
    top_srcdir = os.environ.get('top_srcdir') or os.path.join(
        os.path.dirname(__file__), '..', '..')
    return top_srcdir, top_builddir


def main_for(arch, check_entry):
    """Run @check_entry(dir, checker_list) over corpus entries of @arch."""
    top_srcdir, _ = env_paths()
    # the full dumps, and the version matrix's extracts (testdata/mkmatrix)
    corpus = os.path.join(top_srcdir, 'testdata', 'vmcores')
    dirs = []
    for top in (corpus, os.path.join(top_srcdir, 'testdata', 'matrix')):
        if os.path.isdir(top):
            dirs += [os.path.join(top, x) for x in sorted(os.listdir(top))
                     if os.path.isdir(os.path.join(top, x))]
    dirs = [d for d in dirs if os.path.exists(os.path.join(d, 'MANIFEST'))
            and read_manifest(d).get('arch') == arch]
    if len(sys.argv) > 1:
        dirs = sys.argv[1:]
    if not dirs:
        print('SKIP: no %s dumps in %s' % (arch, corpus))
        return SKIP
    checkers = []
    for d in dirs:
        check_entry(d, checkers)
    return summary(checkers)


# ---- checks shared by the architectures' checkers --------------------------

# Callers of the vmalloc areas that hold modules: module_alloc() until
# v6.12, execmem_alloc() since (mm/execmem.c), load_module() in between.
MODULE_CALLERS = ('load_module', 'module_alloc', 'execmem')


def has_kallsyms(d):
    """Does the guest's VMCOREINFO locate its kallsyms tables (v6.0+)?"""
    try:
        return 'SYMBOL(kallsyms_names)=' in read_truth(d, 'vmcoreinfo-note')
    except OSError:
        return False


def release_version(d):
    """(major, minor) of the guest's uname -r, or None."""
    try:
        rel = read_truth(d, 'uname').strip()
    except OSError:
        return None
    m = re.match(r'(\d+)\.(\d+)', rel)
    return (int(m.group(1)), int(m.group(2))) if m else None


def check_modules_mapped(c, vm, d, page=PAGE, regions=('modules',),
                         area_regions=None):
    """/proc/modules gives each module's text address and total size.
    Until v6.3 that is one module_alloc() allocation, every page mapped.
    v6.4 (commit ac3b43283923 "module: replace module_layout with
    module_memory") allocates text, data, rodata, ... separately, so
    [addr, addr + size) spans several vmalloc areas with guard pages
    between them: then the first page of each module, and every page of
    the module allocations vmallocinfo lists, must be mapped."""
    def mapped_in(va, where=regions):
        r = vm.find(va)
        return r is not None and r['kind'] == 'mapped' and \
            r['region'] in where

    mods = parse_modules(d)
    c.check(len(mods) > 0, 'modules are loaded')
    kv = release_version(d)
    split = kv is None or kv >= (6, 4)
    bad = []
    for name, size, addr in mods:
        end = addr + page if split else addr + size
        for va in range(addr & ~(page - 1), end, page):
            if not mapped_in(va):
                bad.append('%s page %x' % (name, va))
                break
    c.check(not bad, '%s of %d modules is mapped in %s (v%s)' % (
        'the first page' if split else 'every page', len(mods),
        '/'.join(regions), '%d.%d' % kv if kv else '?'), ', '.join(bad))
    areas = [(st, en, n) for st, en, n, _, w in parse_vmallocinfo(d)
             if n is not None and w.strip().startswith(MODULE_CALLERS)]
    # Since v6.14 (2e45474ab14f "execmem: add support for cache of large
    # ROX pages") module text may come from an execmem cache area shared
    # by several modules: each module's address lies in a module area,
    # not necessarily at its start.
    homeless = [name for name, _, a in mods
                if not any(st <= a < en for st, en, _ in areas)]
    c.check(len(areas) > 0 and not homeless,
            'each module\'s address lies in one of the %d module '
            'allocations of vmallocinfo' % len(areas), ', '.join(homeless))
    where = area_regions or regions
    bad = ['%x' % va for st, _, n in areas
           for va in range(st, st + n * page, page)
           if not mapped_in(va, where)]
    c.check(not bad, 'every page of the %d module allocations of '
            'vmallocinfo is mapped in %s' % (len(areas), '/'.join(where)),
            ', '.join(bad[:5]))
