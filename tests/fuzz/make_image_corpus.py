#!/usr/bin/env python3
"""Writes the image decoder's seed corpus: small valid PNGs (every colour
type and bit depth, palette with tRNS, interlaced) and JPEGs (grey and
colour, baseline and progressive), written here with the standard library
only, and each kind of damage the decoder must refuse."""
import os
import struct
import sys
import zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

# ---- PNG ----------------------------------------------------------------------

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

def pack_row(samples, depth):
    """Packs one row of samples (already interleaved) at `depth` bits each."""
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    bits = "".join(format(s, "0%db" % depth) for s in samples)
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))

# Adam7: (first x, first y, step x, step y) of each of the seven passes.
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

def png(width, height, colour_type, depth, pixel, palette=None, trns=None, interlaced=False):
    """pixel(x, y) gives the samples of one pixel, as a tuple."""
    def rows(xs, ys):
        return b"".join(b"\0" + pack_row([s for x in xs for s in pixel(x, y)], depth) for y in ys)
    if interlaced:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            xs, ys = range(x0, width, dx), range(y0, height, dy)
            if len(xs) and len(ys):
                raw += rows(xs, ys)
    else:
        raw = rows(range(width), range(height))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0,
                                                              1 if interlaced else 0))
    if palette:
        data += chunk(b"PLTE", b"".join(bytes(c) for c in palette))
    if trns is not None:
        data += chunk(b"tRNS", trns)
    return data + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

def top(depth):
    return (1 << depth) - 1

cases = {}
for depth in (1, 2, 4, 8, 16):
    cases["grey%d.png" % depth] = png(9, 5, 0, depth, lambda x, y, d=depth: ((x * 3 + y) % (top(d) + 1),))
    if depth <= 8:
        colours = [(i * 40 % 256, 255 - i * 30 % 256, i * 90 % 256) for i in range(1 << depth)]
        index = lambda x, y, d=depth: ((x + y) % (1 << d),)
        cases["palette%d.png" % depth] = png(9, 5, 3, depth, index, colours)
        cases["palette%d_trns.png" % depth] = png(9, 5, 3, depth, index, colours, bytes([0, 128]))
for depth in (8, 16):
    m = top(depth)
    cases["grey_alpha%d.png" % depth] = png(6, 4, 4, depth, lambda x, y, m=m: (x * m // 6, y * m // 4))
    cases["rgb%d.png" % depth] = png(6, 4, 2, depth, lambda x, y, m=m: (x * m // 6, y * m // 4, m // 2))
    cases["rgba%d.png" % depth] = png(6, 4, 6, depth, lambda x, y, m=m: (x * m // 6, y * m // 4, m // 3, (x + y) * m // 9))
cases["grey_trns.png"] = png(4, 4, 0, 8, lambda x, y: (x * 60,), trns=struct.pack(">H", 60))
cases["rgb_trns.png"] = png(4, 4, 2, 8, lambda x, y: (x * 60, y * 60, 0), trns=struct.pack(">HHH", 60, 60, 0))
cases["grey_palette.png"] = png(4, 2, 3, 8, lambda x, y: (x,), [(v, v, v) for v in (0, 90, 180, 255)])
cases["interlaced.png"] = png(11, 9, 2, 8, lambda x, y: (x * 20, y * 25, 7), interlaced=True)
cases["interlaced_grey2.png"] = png(11, 9, 0, 2, lambda x, y: ((x + y) % 4,), interlaced=True)

# ---- JPEG ---------------------------------------------------------------------
# Every 8x8 block is one flat colour, so that only the DC coefficient is
# coded: Annex K's DC table, and an AC table that holds only end-of-block.

DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
DC_VALUES = list(range(12))

def huffman_codes(bits, values):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[values[k]] = (code, length)
            code, k = code + 1, k + 1
        code <<= 1
    return codes

def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

def jpeg(width, height, components, block_value, progressive=False):
    """block_value(bx, by, c): the level (0-255) of component c in block (bx, by)."""
    dc = huffman_codes(DC_BITS, DC_VALUES)
    ids = range(1, components + 1)
    head = b"\xFF\xD8" + segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    head += segment(0xDB, b"\0" + bytes([1] * 64))  # every quantiser 1
    head += segment(0xC2 if progressive else 0xC0, struct.pack(">BHHB", 8, height, width, components) +
                    b"".join(bytes([i, 0x11, 0]) for i in ids))
    head += segment(0xC4, b"\x00" + bytes(DC_BITS) + bytes(DC_VALUES) + b"\x10" + bytes([1] + [0] * 15) + b"\x00")
    head += segment(0xDA, bytes([components]) + b"".join(bytes([i, 0]) for i in ids) +
                    (b"\0\0\0" if progressive else b"\0\x3F\0"))
    bits, previous = "", [0] * components
    for by in range((height + 7) // 8):
        for bx in range((width + 7) // 8):
            for c in range(components):
                level = 8 * (block_value(bx, by, c) - 128)  # the DC of a flat block
                diff, previous[c] = level - previous[c], level
                size = abs(diff).bit_length()
                code, length = dc[size]
                bits += format(code, "0%db" % length)
                if size:
                    bits += format(diff if diff > 0 else diff + (1 << size) - 1, "0%db" % size)
                if not progressive:
                    bits += "0"  # end of block: the AC table's one code
    bits += "1" * (-len(bits) % 8)
    data = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)).replace(b"\xFF", b"\xFF\x00")
    return head + data + b"\xFF\xD9"

cases["grey.jpg"] = jpeg(24, 16, 1, lambda bx, by, c: 30 + bx * 60 + by * 40)
cases["colour.jpg"] = jpeg(20, 12, 3, lambda bx, by, c: (bx * 80 + by * 50 + c * 70) % 256)
cases["progressive.jpg"] = jpeg(24, 16, 3, lambda bx, by, c: (bx * 70 + c * 50) % 256, progressive=True)
cases["cmyk.jpg"] = jpeg(8, 8, 4, lambda bx, by, c: 100 + c * 20)

# ---- damage -------------------------------------------------------------------

def with_ihdr(data, width, height):
    ihdr = struct.pack(">II", width, height) + data[24:29]
    return data[:8] + chunk(b"IHDR", ihdr) + data[33:]

def with_sof(data, width, height):
    at = data.index(b"\xFF\xC0") + 5
    return data[:at] + struct.pack(">HH", height, width) + data[at + 4:]

good_png, good_jpeg = cases["rgb8.png"], cases["colour.jpg"]
cases["truncated.png"] = good_png[:len(good_png) // 2]
cases["truncated.jpg"] = good_jpeg[:len(good_jpeg) // 2]
cases["huge.png"] = with_ihdr(good_png, 100000, 100000)
cases["zero.png"] = with_ihdr(good_png, 0, 4)
cases["huge.jpg"] = with_sof(good_jpeg, 65000, 65000)
bad_crc = bytearray(good_png)
bad_crc[-13] ^= 0xFF  # the IDAT chunk's CRC, just before IEND
cases["bad_crc.png"] = bytes(bad_crc)
cases["not_zlib.png"] = good_png[:33] + chunk(b"IDAT", b"not zlib data") + chunk(b"IEND", b"")
cases["signature_only.png"] = good_png[:8]
cases["soi_only.jpg"] = b"\xFF\xD8\xFF"
cases["text.png"] = b"hello, not an image\n"
cases["empty"] = b""
for name, data in cases.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(cases)} seed files in {out}")
