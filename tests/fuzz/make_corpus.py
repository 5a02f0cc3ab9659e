#!/usr/bin/env python3
"""Writes the IDX reader's seed corpus: small valid files and each kind of
damage the reader must reject (raw and gzipped)."""
import gzip, os, struct, sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

def idx(dims, payload, type_code=0x08):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload

cases = {
    "labels_ok": idx([5], bytes([5, 0, 4, 1, 9])),
    "images_ok": idx([2, 28, 28], bytes(range(256)) * 6 + bytes(32)),
    "bad_magic": b"\x12\x34" + idx([3], b"\x01\x02\x03")[2:],
    "bad_type": idx([3], b"\x01\x02\x03", 0x0D),
    "truncated": idx([2, 28, 28], bytes(100)),
    "trailing": idx([3], bytes(8)),
    "zero_dim": idx([0], b""),
    "huge_dims": idx([0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF], b"\x01"),
    "wrong_rank": idx([1, 2, 2], bytes(4)),
    "short_header": idx([2, 28, 28], b"")[:9],
    "empty": b"",
}
for name, data in list(cases.items()):
    cases[name + ".gz"] = gzip.compress(data, mtime=0)
cases["gzip_truncated"] = gzip.compress(cases["images_ok"], mtime=0)[:-12]
bad = bytearray(gzip.compress(cases["images_ok"], mtime=0))
bad[len(bad) // 2] ^= 0xFF
cases["gzip_corrupt"] = bytes(bad)
for name, data in cases.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(cases)} seed files in {out}")
