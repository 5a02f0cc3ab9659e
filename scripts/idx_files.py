"""IDX files (MNIST's format, raw or gzipped) for the scripts beside this one."""
import gzip
import os
import struct
import sys


def read_idx(path):
    """The dims and the payload bytes of an IDX file."""
    with (gzip.open(path) if path.endswith(".gz") else open(path, "rb")) as f:
        data = f.read()
    dims = data[3]
    return struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims]), data[4 + 4 * dims:]


def find_idx(directory, stem):
    """directory/stem or directory/stem.gz; exits naming both when neither is there."""
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    sys.exit(f"{stem}[.gz] not found in {directory}")
