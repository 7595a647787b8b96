#!/usr/bin/python3
"""pyscan - the approach of the GDB page-table plugins, for comparison: a
Python walk of an x86_64 kernel's 4-level page tables, each table read
through libkdumpfile's Python binding (python3-libkdumpfile), leaves
counted and merged into ranges as vmmap does (same attributes, physical
addresses in step).  Prints the time, leaves and ranges.

usage: pyscan.py DUMP
"""
import struct
import sys
import time

import kdumpfile

P, RW, US, PS, NX = 1, 2, 4, 0x80, 1 << 63
ADDR = 0x000ffffffffff000
START_KERNEL_MAP = 0xffffffff80000000


def vmcoreinfo(k):
    v = k.attr['linux.vmcoreinfo']
    out = {}
    for kind in ('SYMBOL', 'NUMBER'):
        for key in v[kind].keys():
            out['%s(%s)' % (kind, key)] = int(v[kind][key])
    return out


def main():
    k = kdumpfile.kdumpfile(sys.argv[1])
    k.attr['addrxlat.ostype'] = 'linux'
    vi = vmcoreinfo(k)
    if vi.get('NUMBER(pgtable_l5_enabled)', 0):
        print('pyscan: 4-level paging only')
        return 2
    root = (vi['SYMBOL(init_top_pgt)'] - START_KERNEL_MAP +
            vi['NUMBER(phys_base)']) & (2**64 - 1)
    t0 = time.process_time()
    leaves = 0
    ranges = []
    cur = None          # [start, end, phys, attrs]

    def read(pa):
        return struct.unpack('<512Q', k.read(kdumpfile.KDUMP_MACHPHYSADDR,
                                             pa, 4096))

    def emit(va, size, pa, attrs):
        nonlocal cur, leaves
        leaves += 1
        if cur and cur[1] == va and cur[3] == attrs and \
                cur[2] + (cur[1] - cur[0]) == pa:
            cur[1] = va + size
            return
        if cur:
            ranges.append(cur)
        cur = [va, va + size, pa, attrs]

    def walk(pa, level, base, eff):
        try:
            t = read(pa)
        except Exception:
            return
        shift = 12 + 9 * (3 - level)
        for i, e in enumerate(t):
            if not e & P:
                continue
            va = base + (i << shift)
            if level == 0 and i >= 256:
                va |= 0xffff000000000000
            a = (eff[0] & e & RW, eff[1] & e & US, eff[2] | (e & NX))
            if level == 3 or (level in (1, 2) and e & PS):
                emit(va, 1 << shift, e & ADDR & ~((1 << shift) - 1), a)
            elif level < 3:
                walk(e & ADDR, level + 1, va, a)

    walk(root, 0, 0, (RW, US, 0))
    if cur:
        ranges.append(cur)
    t = time.process_time() - t0
    print('%s: Python over libkdumpfile: %.3f s CPU, %d leaves, %d ranges'
          % (sys.argv[1], t, leaves, len(ranges)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
