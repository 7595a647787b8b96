#!/usr/bin/python3
"""Make the fuzzers' seed corpora from the synthetic page tables of
tests/synth/*.pt (see tests/vmmap-synth.c for their language):

  seeds/tables/NAME    the input of fuzz/tables.c (see its header)
  seeds/dump/NAME.elf  a minimal ELF vmcore: a VMCOREINFO note and one
                       PT_LOAD per table page
  seeds/dump/NAME.kdump, NAME.flat
                       kdump-compressed (zlib pages; big-endian for s390x,
                       the 32-bit header for arm) and its flattened form,
                       for the .pt files whose memory is low enough for a
                       small bitmap

usage: mkseeds.py SYNTH_DIR OUT_DIR
"""
import os
import random
import struct
import sys
import zlib

# byte 0 of tables.c's input names these; the others by an "arch" line
ARCHES = ['x86_64', 'aarch64', 's390x', 'arm']
# e_machine, ELF class 64?, big-endian (the header and notes: ppc64le's
# are little-endian like its data, its tables big-endian)
ELF = {'x86_64': (62, True, False), 'aarch64': (183, True, False),
       's390x': (22, True, True), 'arm': (40, False, False),
       'riscv64': (243, True, False), 'ppc64le': (21, True, False)}


def parse(path):
    pt = {'arch': None, 'vmci': [], 'text': [], 'tables': [], 'esize': 8,
          'be': False}
    cur = None
    for line in open(path):
        line = line.split('#')[0].split()
        if not line:
            continue
        w = line[0]
        if w == 'arch':
            pt['arch'] = line[1]
        elif w == 'vmcoreinfo':
            pt['vmci'].append(line[1])
        elif w == 'reg':
            pt['text'].append('reg %s %s' % (line[1], line[2]))
        elif w == 'symbol':
            pt['text'].append('sym %s %s' % (line[1], line[2]))
        elif w == 'vtop':
            pt['text'].append('vtop %s' % line[1])
        elif w == 'entry-size':
            pt['esize'] = int(line[1])
        elif w == 'big-endian':
            pt['be'] = True
        elif w == 'table':
            size = int(line[2], 0) if len(line) > 2 else 4096
            cur = [int(line[1], 0), bytearray(size)]
            pt['tables'].append(cur)
        elif w[0].isdigit():
            lo, _, hi = w.partition('-')
            lo = int(lo, 0)
            hi = int(hi, 0) if hi else lo
            step = int(line[2][1:], 0) if len(line) > 2 and \
                line[2].startswith('+') else 0
            v0 = int(line[1], 0)
            fmt = ('>' if pt['be'] else '<') + \
                ('Q' if pt['esize'] == 8 else 'I')
            for i in range(lo, hi + 1):
                v = (v0 + (i - lo) * step) & ((1 << (8 * pt['esize'])) - 1)
                struct.pack_into(fmt, cur[1], i * pt['esize'], v)
    return pt


def tables_seed(pt):
    arch = [] if pt['arch'] in ARCHES else ['arch ' + pt['arch']]
    text = '\n'.join(arch + pt['vmci'] + pt['text']).encode()
    out = bytearray([(ARCHES.index(pt['arch']) if not arch else 0) | 4])
    out += struct.pack('<H', len(text)) + text
    for addr, data in pt['tables']:
        data = bytes(data).rstrip(b'\0')     # the rest reads as zeros
        out += struct.pack('<QI', addr, len(data)) + data
    return bytes(out)


def pages(pt):
    """Physical memory by 4 KiB page."""
    pg = {}
    for addr, data in pt['tables']:
        for off in range(len(data)):
            a = addr + off
            p = pg.setdefault(a >> 12, bytearray(4096))
            p[a & 0xfff] = data[off]
    return pg


def note(name, ntype, desc, be):
    e = '>' if be else '<'
    name = name + b'\0'

    def pad(b):
        return b + b'\0' * (-len(b) % 4)
    return struct.pack(e + 'III', len(name), len(desc), ntype) + \
        pad(name) + pad(desc)


def elf_seed(pt):
    machine, is64, be = ELF[pt['arch']]
    e = '>' if be else '<'
    vmci = ('\n'.join(pt['vmci']) + '\n').encode()
    notes = note(b'VMCOREINFO', 0, vmci, be)
    pg = sorted(pages(pt).items())
    phnum = 1 + len(pg)
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    off = ehsize + phnum * phentsize
    phdrs = b''
    # PT_NOTE
    if is64:
        phdrs += struct.pack(e + 'IIQQQQQQ', 4, 0, off, 0, 0, len(notes),
                             len(notes), 4)
    else:
        phdrs += struct.pack(e + 'IIIIIIII', 4, off, 0, 0, len(notes),
                             len(notes), 0, 4)
    data = notes + b'\0' * (-len(notes) % 4096)
    doff = off + len(data)
    for pfn, p in pg:
        pa = pfn << 12
        if is64:
            phdrs += struct.pack(e + 'IIQQQQQQ', 1, 7, doff, pa, pa, 4096,
                                 4096, 4096)
        else:
            phdrs += struct.pack(e + 'IIIIIIII', 1, doff, pa, pa, 4096,
                                 4096, 7, 4096)
        data += bytes(p)
        doff += 4096
    ident = b'\x7fELF' + bytes([2 if is64 else 1, 2 if be else 1, 1]) + \
        b'\0' * 9
    if is64:
        eh = ident + struct.pack(e + 'HHIQQQIHHHHHH', 4, machine, 1, 0,
                                 ehsize, 0, 0, ehsize, phentsize, phnum,
                                 0, 0, 0)
    else:
        eh = ident + struct.pack(e + 'HHIIIIIHHHHHH', 4, machine, 1, 0,
                                 ehsize, 0, 0, ehsize, phentsize, phnum,
                                 0, 0, 0)
    return eh + phdrs + data


def kdump_seed(pt):
    """A kdump-compressed file, block size 4 KiB, zlib pages; None if the
    bitmap would be large."""
    _, is64, be = ELF[pt['arch']]
    e = '>' if be else '<'
    bs = 4096
    pg = pages(pt)
    max_mapnr = max(pg) + 1
    half_blocks = (max_mapnr + 8 * bs - 1) // (8 * bs)
    if half_blocks > 2:
        return None
    h = bytearray(bs)
    h[0:8] = b'KDUMP   '
    struct.pack_into(e + 'I', h, 8, 6)
    uts = [b'Linux', b'fuzz', b'6.1.0-fuzz', b'#1', pt['arch'].encode(),
           b'(none)']
    for i, s in enumerate(uts):
        h[12 + 65 * i:12 + 65 * i + len(s)] = s
    fo = 424 if is64 else 412
    struct.pack_into(e + 'IIIII', h, fo, 0, bs, 1, 2 * half_blocks,
                     min(max_mapnr, 0xffffffff))
    sub = bytearray(bs)
    vmci = ('\n'.join(pt['vmci']) + '\n').encode()
    vmci_off = bs + 128
    sub[128:128 + len(vmci)] = vmci
    if is64:
        struct.pack_into(e + 'QQ', sub, 32, vmci_off, len(vmci))
        struct.pack_into(e + 'Q', sub, 96, max_mapnr)
    else:       # QEMU's packed KdumpSubHeader32
        struct.pack_into(e + 'QI', sub, 20, vmci_off, len(vmci))
        struct.pack_into(e + 'Q', sub, 72, max_mapnr)
    bitmap = bytearray(2 * half_blocks * bs)
    half = half_blocks * bs
    for pfn in pg:
        bitmap[pfn // 8] |= 1 << (pfn % 8)
        bitmap[half + pfn // 8] |= 1 << (pfn % 8)
    desc_off = bs * (2 + 2 * half_blocks)
    descs = b''
    body = b''
    data_off = desc_off + 24 * len(pg)
    for pfn in sorted(pg):
        raw = bytes(pg[pfn])
        z = zlib.compress(raw, 9)
        d, fl = (z, 1) if len(z) < len(raw) else (raw, 0)
        descs += struct.pack(e + 'QIIQ', data_off + len(body), len(d), fl, 0)
        body += d
    return bytes(h + sub + bitmap) + descs + body


def flat_seed(kd, seed):
    hdr = bytearray(4096)
    hdr[0:12] = b'makedumpfile'
    struct.pack_into('>QQ', hdr, 16, 1, 1)
    recs = []
    pos = 0
    rnd = random.Random(seed)
    while pos < len(kd):
        n = min(len(kd) - pos, rnd.choice([512, 4096, 8192]))
        recs.append(struct.pack('>qq', pos, n) + kd[pos:pos + n])
        pos += n
    rnd.shuffle(recs)
    return bytes(hdr) + b''.join(recs) + struct.pack('>qq', -1, 0)


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out + '/tables', exist_ok=True)
    os.makedirs(out + '/dump', exist_ok=True)
    for f in sorted(os.listdir(src)):
        if not f.endswith('.pt'):
            continue
        name = f[:-3]
        pt = parse(os.path.join(src, f))
        open('%s/tables/%s' % (out, name), 'wb').write(tables_seed(pt))
        open('%s/dump/%s.elf' % (out, name), 'wb').write(elf_seed(pt))
        kd = kdump_seed(pt)
        if kd:
            open('%s/dump/%s.kdump' % (out, name), 'wb').write(kd)
            open('%s/dump/%s.flat' % (out, name), 'wb').write(
                flat_seed(kd, name))


main()
