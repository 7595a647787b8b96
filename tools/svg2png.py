#!/usr/bin/python3
"""svg2png.py IN.svg OUT.png - a picture of vmmap-dump --format=svg as a
small PNG, for a README or a bug report: headless Chromium renders the SVG
at its own size, and the screenshot is written again with a palette (the
picture has a few hundred colours at most; lossless), else as it was.

Environment: CHROMIUM, the browser to use (default: chromium on PATH).
Also a module: read_png() and write_png() for tests/picture/browser.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib


def read_png(path):
    """(width, height, bytes per pixel, rows) of an 8-bit RGB or RGBA PNG,
    not interlaced: what Chromium's screenshots are."""
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('%s: not a PNG' % path)
    pos, idat, w, h, bpp = 8, b'', 0, 0, 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, inter = struct.unpack('>IIBBBBB', body)
            if depth != 8 or inter or ctype not in (2, 6):
                raise ValueError('%s: PNG colour type %d, depth %d, '
                                 'interlace %d not handled'
                                 % (path, ctype, depth, inter))
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else
                                      b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def _chunk(kind, body):
    return (struct.pack('>I', len(body)) + kind + body +
            struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff))


def write_png(path, w, h, bpp, rows):
    """Write RGB(A) @rows with a palette if they have at most 256 colours
    (the alpha of a screenshot is opaque: dropped), else as RGB(A)."""
    pal, out = {}, []
    for r in rows:
        line = bytearray()
        for x in range(0, len(r), bpp):
            c = pal.setdefault(r[x:x + 3], len(pal))
            if c > 255:
                break
            line.append(c)
        else:
            out.append(b'\0' + bytes(line))
            continue
        break
    if len(pal) <= 256:
        head = struct.pack('>IIBBBBB', w, h, 8, 3, 0, 0, 0)
        plte = b''.join(sorted(pal, key=pal.get))
        body = _chunk(b'PLTE', plte) + _chunk(b'IDAT', zlib.compress(
            b''.join(out), 9))
    else:
        head = struct.pack('>IIBBBBB', w, h, 8, 2 if bpp == 3 else 6, 0,
                           0, 0)
        body = _chunk(b'IDAT', zlib.compress(
            b''.join(b'\0' + r for r in rows), 9))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + _chunk(b'IHDR', head) + body +
                _chunk(b'IEND', b''))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[0])
    src, dst = sys.argv[1:]
    head = open(src, 'rb').read(4096).decode('utf-8', 'replace')
    size = re.search(r'<svg[^>]* width="(\d+)" height="(\d+)"', head)
    if not size:
        sys.exit('%s: no width and height in the <svg> element' % src)
    exe = os.environ.get('CHROMIUM') or shutil.which('chromium')
    if not exe:
        sys.exit('no Chromium (Debian: apt-get install chromium)')
    tmp = tempfile.mkdtemp(prefix='svg2png-')
    try:
        shot = os.path.join(tmp, 'shot.png')
        subprocess.run([exe, '--headless', '--disable-gpu', '--no-sandbox',
                        '--hide-scrollbars', '--no-first-run',
                        '--user-data-dir=' + os.path.join(tmp, 'profile'),
                        '--window-size=%s,%s' % size.groups(),
                        '--screenshot=' + shot,
                        'file://' + os.path.abspath(src)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=300, check=True)
        write_png(dst, *read_png(shot))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('%s: %d KiB' % (dst, os.path.getsize(dst) >> 10))


if __name__ == '__main__':
    main()
