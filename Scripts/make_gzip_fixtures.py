"""Writes the gzip fixtures of Tests/ApusTests/IO/GzipTests.swift with Python's gzip module.

The uncompressed data comes from a 64-bit LCG that the Swift test recomputes (`GzipFixtureData`),
so only the .gz files are committed. Each file's first deflate block type is checked here.
Run from the repository root: python3 Scripts/make_gzip_fixtures.py
"""
import gzip
import io
import os

OUT = "Tests/ApusTests/Fixtures/gzip"
MASK = (1 << 64) - 1


def lcg(seed):
    x = seed
    while True:
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        yield x


def random_bytes(n, seed):
    g = lcg(seed)
    return bytes(next(g) >> 56 for _ in range(n))


def skewed_bytes(n, seed):
    """Geometric-like symbol frequencies: long Huffman codes (up to 15 bits) for the rare ones."""
    g = lcg(seed)
    out = bytearray()
    for _ in range(n):
        x = next(g)
        lz = 64 - x.bit_length()  # leading zeros of x: 0 with p 1/2, 1 with p 1/4, ...
        out.append((lz * 2 + (x & 1)) & 0xFF)
    return bytes(out)


WORDS = [b"apus", b"swift", b"tensor", b"gradient", b"the", b"a", b"of", b"convolution",
         b"pooling", b"image", b"fashion", b"mnist", b"data", b"loader", b"zip", b"deflate"]


def text_bytes(n_words, seed):
    g = lcg(seed)
    return b" ".join(WORDS[next(g) >> 60] for _ in range(n_words))


def first_block_type(gz):
    """BTYPE of the first deflate block (0 stored, 1 fixed, 2 dynamic); the header has no optional fields here
    except FNAME, which is skipped."""
    flags = gz[3]
    pos = 10
    if flags & 0x08:
        pos = gz.index(0, pos) + 1
    return (gz[pos] >> 1) & 3


def write(name, data, expected_type):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(data)
    assert first_block_type(data) == expected_type, (name, first_block_type(data))
    print(f"{path}: {len(data)} bytes")


os.makedirs(OUT, exist_ok=True)
# stored: 70,000 incompressible bytes at level 0 (several stored blocks of at most 65,535 bytes)
write("stored.gz", gzip.compress(random_bytes(70_000, 1), compresslevel=0, mtime=0), 0)
# fixed Huffman: short repetitive data (zlib picks the fixed code), with overlapping matches
write("fixed.gz", gzip.compress(b"apus swift tensor " * 100 + b"a" * 300, compresslevel=9, mtime=0), 1)
# dynamic Huffman: long text with many matches, and skewed bytes with long codes
write("dynamic_text.gz", gzip.compress(text_bytes(12_000, 3), compresslevel=9, mtime=0), 2)
write("dynamic_skewed.gz", gzip.compress(skewed_bytes(20_000, 4), compresslevel=6, mtime=0), 2)
# header with a file name (FNAME), then a second member appended: gunzip joins them
buf = io.BytesIO()
with gzip.GzipFile(filename="part1.txt", mode="wb", fileobj=buf, mtime=0) as f:
    f.write(text_bytes(500, 5))
two = buf.getvalue() + gzip.compress(text_bytes(300, 6), mtime=0)
write("two_members.gz", two, 2)
