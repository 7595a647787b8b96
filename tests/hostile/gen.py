"""gen.py - the inputs of tests/hostile/run, built at test time.

Nothing here is committed as data: synthetic dumps are written from the
page tables described below, damaged dumps are patched copies of the
corpus (testdata/vmcores), which is only ever read.

  elf_core()        an ELF core file (any machine, class, byte order) of
                    physical memory given page by page, with notes
  X86               synthetic x86_64 page tables (4-level, no KASLR) with
                    a direct map, vmalloc, vmemmap and kernel text, which
                    vmmap-dump maps without a warning; hostile variants
                    change the root
  flatten()         makedumpfile's flattened format of any file
  kdump_*()         patched copies of a kdump-compressed file
"""
import os
import shutil
import struct

PAGE = 4096

# ---- files -------------------------------------------------------------


def copy(src, dst, size=None):
    """Copy SRC to DST (the first SIZE bytes only, if given)."""
    with open(src, 'rb') as fi, open(dst, 'wb') as fo:
        if size is None:
            shutil.copyfileobj(fi, fo, 1 << 20)
            return
        left = size
        while left:
            b = fi.read(min(left, 1 << 20))
            if not b:
                break
            fo.write(b)
            left -= len(b)


def patch(path, off, data):
    with open(path, 'r+b') as f:
        f.seek(off)
        f.write(data)


def read_at(path, off, size):
    with open(path, 'rb') as f:
        f.seek(off)
        return f.read(size)


# ---- ELF cores ---------------------------------------------------------

EM_386, EM_ARM, EM_S390, EM_X86_64, EM_AARCH64, EM_RISCV = 3, 40, 22, 62, 183, 243
PT_LOAD, PT_NOTE = 1, 4
ET_CORE = 4


def note(name, ntype, desc, end='<'):
    """One ELF note (4-byte aligned name and descriptor)."""
    n = name.encode() + b'\0'
    pad = lambda b: b + b'\0' * (-len(b) % 4)
    return struct.pack(end + 'III', len(n), len(desc), ntype) + pad(n) + pad(desc)


def vmcoreinfo_note(text, end='<'):
    if isinstance(text, str):
        text = text.encode()
    return note('VMCOREINFO', 0, text, end)


def segments_of(pages):
    """{page address: bytes} -> [(paddr, data)] of contiguous pages."""
    segs = []
    for addr in sorted(pages):
        data = pages[addr]
        if segs and segs[-1][0] + len(segs[-1][1]) == addr:
            segs[-1] = (segs[-1][0], segs[-1][1] + data)
        else:
            segs.append((addr, data))
    return segs


def elf_core(path, machine, segs, notes=b'', bits=64, end='<', align=PAGE):
    """Write an ELF core: SEGS is [(paddr, data)] (or [(paddr, data,
    memsz)]), NOTES the bytes of one PT_NOTE segment (none if empty); the
    data of each PT_LOAD at a file offset aligned to ALIGN."""
    phdrs = []
    if notes:
        phdrs.append(('note', notes))
    for s in segs:
        phdrs.append(('load', s))
    if bits == 64:
        ehsize, phentsize = 64, 56
    else:
        ehsize, phentsize = 52, 32
    off = ehsize + phentsize * len(phdrs)
    body = []
    ph = []
    for kind, what in phdrs:
        if kind == 'note':
            ph.append((PT_NOTE, off, 0, 0, len(what), 0, 0, 1))
            body.append((off, what))
            off += len(what)
        else:
            paddr, data = what[0], what[1]
            memsz = what[2] if len(what) > 2 else len(data)
            off = (off + align - 1) & ~(align - 1)
            vaddr = paddr  # kdump's vaddr is informative only
            ph.append((PT_LOAD, off, vaddr, paddr, len(data), memsz, 7, PAGE))
            body.append((off, data))
            off += len(data)
    ident = b'\x7fELF' + bytes([2 if bits == 64 else 1,
                                1 if end == '<' else 2, 1, 0]) + b'\0' * 8
    n = len(ph)
    if bits == 64:
        eh = ident + struct.pack(end + 'HHIQQQIHHHHHH', ET_CORE, machine, 1,
                                 0, ehsize, 0, 0, ehsize, phentsize, n,
                                 0, 0, 0)
    else:
        eh = ident + struct.pack(end + 'HHIIIIIHHHHHH', ET_CORE, machine, 1,
                                 0, ehsize, 0, 0, ehsize, phentsize, n,
                                 0, 0, 0)
    with open(path, 'wb') as f:
        f.write(eh)
        for (t, o, va, pa, fs, ms, fl, al) in ph:
            if bits == 64:
                f.write(struct.pack(end + 'IIQQQQQQ', t, fl, o, va, pa, fs,
                                    ms, al))
            else:
                f.write(struct.pack(end + 'IIIIIIII', t, o, va & 0xffffffff,
                                    pa, fs, ms, fl, al))
        for o, data in body:
            f.seek(o)
            f.write(data)


def elf_file_offset(path, paddr):
    """Where the byte of physical address PADDR is in the ELF64 (little-
    endian) core PATH."""
    with open(path, 'rb') as f:
        h = f.read(64)
        phoff = struct.unpack_from('<Q', h, 32)[0]
        n = struct.unpack_from('<H', h, 56)[0]
        f.seek(phoff)
        for _ in range(n):
            t, _fl, off, _va, pa, fs, _ms, _al = struct.unpack(
                '<IIQQQQQQ', f.read(56))
            if t == PT_LOAD and pa <= paddr < pa + fs:
                return off + paddr - pa
    raise ValueError('%s: physical 0x%x is not in the file' % (path, paddr))


# ---- synthetic x86_64 --------------------------------------------------

def x86_index(va, level):
    """Index of VA at LEVEL (0 = pgd ... 3 = pte), 4-level paging."""
    return (va >> (39 - 9 * level)) & 511


class X86:
    """Synthetic x86_64 kernel page tables, 4-level, KASLR offset 0,
    phys_base 0, init_top_pgt at physical 0x2000000.  Every table is a page
    of the dump; RAM is [0, ram) in the dump's PT_LOAD segments (only the
    pages written are in the file: the rest reads as not in the dump)."""

    ROOT = 0x2000000
    PRESENT, RW, PSE, GLB = 0x1, 0x2, 0x80, 0x100
    NX = 1 << 63
    TABLE = 0x63        # present RW accessed dirty
    LEAF = 0x163        # + global
    DIRECT = 0xffff888000000000
    VMALLOC = 0xffffc90000000000
    VMEMMAP = 0xffffea0000000000
    KTEXT = 0xffffffff81000000

    def __init__(self):
        self.tables = {}
        self.next = self.ROOT + PAGE
        self.vmci = {
            'OSRELEASE': '6.1.0-hostile',
            'PAGESIZE': '4096',
            'SYMBOL(init_top_pgt)': 'ffffffff82000000',
            'NUMBER(phys_base)': '0',
            'KERNELOFFSET': '0',
            'NUMBER(pgtable_l5_enabled)': '0',
            'NUMBER(KERNEL_IMAGE_SIZE)': '1073741824',
        }
        self.tables[self.ROOT] = {}
        self.ram_end = 0x4000000        # 64 MiB of RAM
        self.data_pages = {}            # extra pages of the file

    def table(self, addr=None):
        if addr is None:
            addr = self.next
            self.next += PAGE
        self.tables.setdefault(addr, {})
        return addr

    def set(self, table, idx, value):
        self.tables[table][idx] = value

    def walk_to(self, va, level):
        """The table at LEVEL (1..3) on the way to VA, made if missing."""
        t = self.ROOT
        for lv in range(level):
            i = x86_index(va, lv)
            e = self.tables[t].get(i)
            if e is None:
                n = self.table()
                self.tables[t][i] = n | self.TABLE
                t = n
            else:
                t = e & 0x000ffffffffff000
        return t

    def map_1g(self, va, pa, flags=LEAF | PSE | NX):
        self.set(self.walk_to(va, 1), x86_index(va, 1), pa | flags)

    def map_2m(self, va, pa, flags=LEAF | PSE | NX):
        self.set(self.walk_to(va, 2), x86_index(va, 2), pa | flags)

    def map_4k(self, va, pa, flags=LEAF | NX):
        self.set(self.walk_to(va, 3), x86_index(va, 3), pa | flags)

    def standard(self):
        """A small sane kernel: 1 GiB direct map, a vmalloc page, a
        vmemmap 2 MiB page, kernel text at _text (2 MiB pages)."""
        self.map_1g(self.DIRECT, 0)
        self.map_4k(self.VMALLOC, 0x3000000)
        self.map_2m(self.VMEMMAP, 0x3200000)
        self.map_2m(self.KTEXT, 0x1000000, self.LEAF | self.PSE)
        self.map_2m(self.KTEXT + 0x200000, 0x1200000,
                    self.LEAF | self.PSE | self.NX)
        return self

    def vmcoreinfo(self, drop=(), **extra):
        d = dict(self.vmci)
        d.update(extra)
        return ''.join('%s=%s\n' % (k, v) for k, v in d.items()
                       if k not in drop)

    def pages(self):
        p = dict(self.data_pages)
        for addr, ents in self.tables.items():
            b = bytearray(PAGE)
            for i, v in ents.items():
                struct.pack_into('<Q', b, 8 * i, v)
            p[addr] = bytes(b)
        return p

    def write(self, path, vmcoreinfo=None, note=True, machine=EM_X86_64,
              ram_marker=True):
        """An ELF core of the tables; RAM's end is marked by a last page
        at ram_end - 4096 so the dump's memory ends there."""
        pages = self.pages()
        if ram_marker:
            pages.setdefault(self.ram_end - PAGE, b'\0' * PAGE)
        notes = vmcoreinfo_note(self.vmcoreinfo() if vmcoreinfo is None
                                else vmcoreinfo) if note else b''
        elf_core(path, machine, segments_of(pages), notes)


# ---- makedumpfile's flattened format -----------------------------------

def flatten(src, dst, chunk=1 << 20, records=None):
    """makedumpfile -F of the file SRC: a 4096-byte header ("makedumpfile",
    type 1 at offset 16, version 1 at 24, big-endian int64s), then
    (offset, size, data) records, then the end record (offset -1).
    RECORDS, if given, is [(offset, size)] of SRC in the order to write."""
    size = os.path.getsize(src)
    if records is None:
        records = [(o, min(chunk, size - o)) for o in range(0, size, chunk)]
    with open(src, 'rb') as fi, open(dst, 'wb') as fo:
        hdr = bytearray(PAGE)
        hdr[0:16] = b'makedumpfile\0\0\0\0'
        struct.pack_into('>qq', hdr, 16, 1, 1)
        fo.write(hdr)
        for off, n in records:
            fi.seek(off)
            fo.write(struct.pack('>qq', off, n))
            fo.write(fi.read(n))
        fo.write(struct.pack('>qq', -1, -1))


# ---- kdump-compressed files --------------------------------------------

def kdump_layout(path):
    """Header fields of a plain 64-bit little-endian kdump file (the
    corpus's makedumpfile -c -d 31 file)."""
    with open(path, 'rb') as f:
        h = f.read(464)
        block, sub, bmp = struct.unpack_from('<III', h, 428)
        max_mapnr = struct.unpack_from('<I', h, 440)[0]
        f.seek(block + 96)
        m64 = struct.unpack('<Q', f.read(8))[0]
        if m64:
            max_mapnr = m64
        half = bmp * block // 2
        f.seek((1 + sub) * block + half)
        bitmap2 = f.read((max_mapnr + 7) // 8)
    ndumped = sum(bin(b).count('1') for b in bitmap2)
    return dict(block=block, sub=sub, bmp=bmp, max_mapnr=max_mapnr,
                bitmap1=(1 + sub) * block, bitmap2=(1 + sub) * block + half,
                desc_off=(1 + sub + bmp) * block, ndumped=ndumped,
                bitmap2_bytes=bitmap2)


def kdump_desc(path, lay, i):
    """(offset, size, flags, page_flags) of the I-th page descriptor."""
    return struct.unpack('<QIIQ', read_at(path, lay['desc_off'] + 24 * i, 24))
