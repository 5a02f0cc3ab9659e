#!/usr/bin/env python3
"""Writes Fashion-MNIST as an image folder of 70,000 PNG files, for the
image-folder benchmarks: OUT/train/<class>/NNNNN.png and
OUT/test/<class>/NNNNN.png, from Debian's dataset-fashion-mnist (or the IDX
files in --idx-dir). The PNGs are 8-bit grey, written with zlib (the
standard library's), so that no package beyond python3 is needed.

    scripts/fashion-png.py OUT [--idx-dir DIR]
"""
import argparse
import os
import struct
import zlib

from idx_files import find_idx, read_idx

CLASSES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]


def png(width, height, pixels):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    rows = b"".join(b"\0" + pixels[y * width:(y + 1) * width] for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--idx-dir", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    for split, prefix in (("train", "train"), ("test", "t10k")):
        (n, h, w), images = read_idx(find_idx(args.idx_dir, prefix + "-images-idx3-ubyte"))
        _, labels = read_idx(find_idx(args.idx_dir, prefix + "-labels-idx1-ubyte"))
        for name in CLASSES:
            os.makedirs(os.path.join(args.out, split, name), exist_ok=True)
        for i in range(n):
            path = os.path.join(args.out, split, CLASSES[labels[i]], f"{i:05d}.png")
            with open(path, "wb") as f:
                f.write(png(w, h, images[i * h * w:(i + 1) * h * w]))
        print(f"fashion-png: {n} {split} images in {os.path.join(args.out, split)}")


if __name__ == "__main__":
    main()
