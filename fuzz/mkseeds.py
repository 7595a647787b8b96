#!/usr/bin/python3
"""Make the fuzzers' seed corpora from the synthetic page tables of
tests/synth/*.pt (see tests/vmmap-synth.c for their language):

  seeds/tables/NAME    the input of fuzz/tables.c (see its header)
  seeds/dump/NAME.elf  a minimal ELF vmcore: a VMCOREINFO note and the
                       tables' pages as PT_LOADs, runs of one repeated
                       word (empty entries) sharing a block (extents())
  seeds/dump/NAME.kdump, NAME.flat
                       kdump-compressed (zlib pages; big-endian for s390x,
                       the 32-bit header for arm) and its flattened form,
                       for the .pt files whose memory is low enough for a
                       small bitmap
  seeds/vmcoreinfo/NAME.text, NAME.scan
                       the input of fuzz/vmcoreinfo.c: the VMCOREINFO
                       text, and a page of memory holding the note
  seeds/opts/N         the input of fuzz/opts.c: command lines of
                       vmmap-dump (OPTS below), NUL-separated

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


# Memory that repeats one 8-byte word (empty entries: zeros, or s390x's
# invalid bits) for at least RUN bytes is PT_LOADs onto one block of
# that word (at most BLOCK bytes a segment); the rest, PT_LOADs of its
# own bytes.
RUN = 64
BLOCK = 1024


def extents(pt):
    """Physical memory as [paddr, data, word, size]: data for bytes of
    their own, else word, repeated for size bytes."""
    out = []

    def add(pa, data, word, n):
        last = out[-1] if out else None
        if last and last[0] + last[3] == pa and last[2] == word and \
                (data is not None or last[3] + n <= BLOCK):
            if data is not None:
                last[1] += data
            last[3] += n
        else:
            out.append([pa, bytearray(data) if data is not None else None,
                        word, n])
    for pfn, p in sorted(pages(pt).items()):
        pa, i = pfn << 12, 0
        while i < 4096:
            j = i + 8
            while j < 4096 and p[j:j + 8] == p[i:i + 8]:
                j += 8
            if j - i >= RUN:
                for k in range(i, j, BLOCK):
                    add(pa + k, None, bytes(p[i:i + 8]), min(BLOCK, j - k))
            else:
                add(pa + i, bytes(p[i:j]), None, j - i)
            i = j
    return out


def elf_seed(pt):
    """An ELF vmcore: the VMCOREINFO note, then memory as sparse PT_LOADs
    (extents()): small, however large the tables, as the fuzzer wants
    its inputs (libFuzzer copies and hashes them whole), and read by the
    same reader code as a dump's few large segments, a table read across
    several segments the most."""
    machine, is64, be = ELF[pt['arch']]
    e = '>' if be else '<'
    vmci = ('\n'.join(pt['vmci']) + '\n').encode()
    notes = note(b'VMCOREINFO', 0, vmci, be)
    ext = extents(pt)
    phnum = 1 + len(ext)
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
    data = notes
    block_off = {}
    for pa, d, word, n in ext:
        if d is None:
            if word not in block_off:
                block_off[word] = off + len(data)
                data += word * (BLOCK // 8)
            doff = block_off[word]
        else:
            doff = off + len(data)
            data += bytes(d)
        if is64:
            phdrs += struct.pack(e + 'IIQQQQQQ', 1, 7, doff, pa, pa, n, n, 1)
        else:
            phdrs += struct.pack(e + 'IIIIIIII', 1, doff, pa, pa, n, n, 7, 1)
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


def vmcoreinfo_seeds(pt):
    vmci = ('\n'.join(pt['vmci']) + '\n').encode()
    text = b'\0' + vmci
    # memory from physical 0x1001 (byte 1 = 1): the note at 0x2000
    mem = b'\x01\x01' + b'\0' * (0x2000 - 0x1001) + \
        note(b'VMCOREINFO', 0, vmci, pt['be']) + b'\0' * 64
    return text, mem


# Command lines for fuzz/opts.c (argv[1:]).
OPTS = [
    ['vmcore'],
    ['--format=ptdump', '--all', 'vmcore'],
    ['--format', 'json', '--layout', 'vmcore'],
    ['-f', 'svg', '--region=vmalloc', 'vmcore'],
    ['--format=html', '--range=0xffff888000000000+0x1000', 'vmcore'],
    ['-R', '0-0xffffffffffffffff', '--raw', '--no-holes', 'vmcore'],
    ['--vtop=0xffffffff81000000', 'vmcore'],
    ['-v', '-', 'vmcore'],
    ['--vtop=@addrs', '--quiet', 'vmcore'],
    ['--stats', '-s', 'vmcore'],
    ['--check', 'vmcore'],
    ['--check=wx,wx-alias,user', '--format=json', 'vmcore'],
    ['--ptov=0x1000,0x2000-0x3000,0x100000+4096', 'vmcore'],
    ['--diff=other.json', 'vmcore'],
    ['--extract=out.elf', '--force', 'vmcore'],
    ['--vmcoreinfo', 'vmci.txt', '--arch=x86_64', '--symbols=System.map',
     '/proc/kcore'],
    ['--vmlinux=vmlinux', '--arch', 'aarch64', 'vmcore'],
    ['-lsa', 'vmcore'],
    ['--help'],
    ['-h', '--', '-vmcore'],
    ['--layout', '--stats', 'vmcore'],
    ['--check', '--format=ptdump', 'vmcore'],
    ['--range=5-4', 'vmcore'],
    ['--bogus', 'vmcore', 'extra'],
]


def main():
    src, out = sys.argv[1], sys.argv[2]
    for d in ('tables', 'dump', 'vmcoreinfo', 'opts'):
        os.makedirs(out + '/' + d, exist_ok=True)
    for i, argv in enumerate(OPTS):
        open('%s/opts/%02d' % (out, i), 'wb').write(
            b'\0'.join(a.encode() for a in argv))
    for f in sorted(os.listdir(src)):
        if not f.endswith('.pt'):
            continue
        name = f[:-3]
        pt = parse(os.path.join(src, f))
        open('%s/tables/%s' % (out, name), 'wb').write(tables_seed(pt))
        open('%s/dump/%s.elf' % (out, name), 'wb').write(elf_seed(pt))
        text, mem = vmcoreinfo_seeds(pt)
        open('%s/vmcoreinfo/%s.text' % (out, name), 'wb').write(text)
        open('%s/vmcoreinfo/%s.scan' % (out, name), 'wb').write(mem)
        kd = kdump_seed(pt)
        if kd:
            open('%s/dump/%s.kdump' % (out, name), 'wb').write(kd)
            open('%s/dump/%s.flat' % (out, name), 'wb').write(
                flat_seed(kd, name))


main()
