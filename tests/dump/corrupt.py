#!/usr/bin/python3
"""corrupt.py - make damaged copies of a dump for the reader's bad-input tests.

Usage: corrupt.py SRC OUTDIR

SRC is never modified.  Writes OUTDIR/<case> files and prints one line per
case: "<case> <expected readall exit code>" (1: the open must fail, 3: the
open succeeds and reading some page must fail).  The kind of SRC (flattened,
kdump-compressed 64-bit little-endian, ELF) picks the cases.
"""
import os
import shutil
import struct
import sys
import zlib


def copy(src, dst, size=None):
    with open(src, 'rb') as fi, open(dst, 'wb') as fo:
        if size is None:
            shutil.copyfileobj(fi, fo, 1 << 20)
        else:
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


def kdump_layout(path):
    """Header fields of a plain 64-bit little-endian kdump file."""
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
    desc_off = (1 + sub + bmp) * block
    return dict(block=block, desc_off=desc_off, ndumped=ndumped)


def read_desc(path, lay, i):
    with open(path, 'rb') as f:
        f.seek(lay['desc_off'] + 24 * i)
        return struct.unpack('<QIIQ', f.read(24))


def kdump_cases(src, out, cases):
    size = os.path.getsize(src)
    lay = kdump_layout(src)

    def case(name, code, fn=None, trunc=None):
        dst = os.path.join(out, name)
        copy(src, dst, trunc)
        if fn:
            fn(dst)
        cases.append((name, code))

    case('kdump-cut-in-half', 1, trunc=size // 2)
    case('kdump-header-only', 1, trunc=4096)
    case('kdump-bad-version', 1, lambda p: patch(p, 8, b'\xef\xbe\xad\xde'))
    case('kdump-bad-block-size', 1, lambda p: patch(p, 428, struct.pack('<I', 3)))
    case('kdump-bitmap-overflow', 1,
         lambda p: patch(p, 436, struct.pack('<I', 0xffffffff)))
    case('kdump-huge-max-mapnr', 1,
         lambda p: patch(p, lay['block'] + 96, struct.pack('<Q', 1 << 62)))
    last = lay['ndumped'] - 1
    case('kdump-last-desc-beyond-eof', 1,
         lambda p: patch(p, lay['desc_off'] + 24 * last,
                         struct.pack('<Q', size + (1 << 40))))
    mid = lay['ndumped'] // 2
    case('kdump-desc-beyond-eof', 1,
         lambda p: patch(p, lay['desc_off'] + 24 * mid,
                         struct.pack('<Q', size + 4096)))
    case('kdump-desc-huge-size', 1,
         lambda p: patch(p, lay['desc_off'] + 24 * mid + 8,
                         struct.pack('<I', 0xfffffff0)))
    # A zlib page whose stream is valid but too short, and one with junk.
    for i in range(mid, lay['ndumped']):
        off, sz, flags, _ = read_desc(src, lay, i)
        if flags & 1 and sz >= 64:
            short = zlib.compress(b'\0' * 100)

            def fix(p, off=off, i=i, short=short):
                patch(p, off, short)
                patch(p, lay['desc_off'] + 24 * i + 8, struct.pack('<I', len(short)))
            case('kdump-inflates-short', 3, fix)
            case('kdump-corrupt-zlib', 3,
                 lambda p, off=off: patch(p, off, b'\xff' * 16))
            break


def flat_cases(src, out, cases):
    size = os.path.getsize(src)

    def case(name, code, fn=None, trunc=None):
        dst = os.path.join(out, name)
        copy(src, dst, trunc)
        if fn:
            fn(dst)
        cases.append((name, code))

    case('flat-cut-in-half', 1, trunc=size // 2)
    case('flat-header-only', 1, trunc=4096)
    case('flat-no-end-marker', 1, trunc=size - 16)
    case('flat-bad-type', 1, lambda p: patch(p, 16, struct.pack('>q', 7)))
    case('flat-huge-record', 1,
         lambda p: patch(p, 4096 + 8, struct.pack('>q', (1 << 63) - 1)))
    case('flat-negative-offset', 1,
         lambda p: patch(p, 4096, struct.pack('>q', -5)))


def ident_le(src):
    with open(src, 'rb') as f:
        return f.read(6)[5] == 1


def elf_cases(src, out, cases):
    size = os.path.getsize(src)

    def case(name, code, fn=None, trunc=None):
        dst = os.path.join(out, name)
        copy(src, dst, trunc)
        if fn:
            fn(dst)
        cases.append((name, code))

    case('elf-cut-in-half', 1, trunc=size // 2)
    case('elf-not-core', 1, lambda p: patch(p, 16, b'\x02\x00' if ident_le(src) else b'\x00\x02'))
    with open(src, 'rb') as f:
        ident = f.read(6)
    end = '<' if ident[5] == 1 else '>'
    if ident[4] == 2:   # ELFCLASS64: e_phoff at 32
        phoff = lambda p: patch(p, 32, struct.pack(end + 'Q', size + 100))
    else:               # ELFCLASS32: e_phoff at 28
        phoff = lambda p: patch(p, 28, struct.pack(end + 'I', (size + 100) & 0xffffffff))
    case('elf-phdrs-beyond-eof', 1, phoff)


def main():
    src, out = sys.argv[1], sys.argv[2]
    cases = []
    with open(src, 'rb') as f:
        magic = f.read(16)
    if magic.startswith(b'makedumpfile'):
        flat_cases(src, out, cases)
    elif magic.startswith(b'KDUMP   '):
        kdump_cases(src, out, cases)
    elif magic.startswith(b'\x7fELF'):
        elf_cases(src, out, cases)
    # Not dumps at all.
    with open(os.path.join(out, 'garbage'), 'wb') as f:
        f.write(bytes((i * 7 + 3) & 0xff for i in range(65536)))
    cases.append(('garbage', 1))
    open(os.path.join(out, 'empty'), 'wb').close()
    cases.append(('empty', 1))
    for name, code in cases:
        print(name, code)


if __name__ == '__main__':
    main()
