#!/usr/bin/env python3
"""CPython's repr() of str, bytes, float, int and complex values, for ReproTensor's PythonRepr.

    .venv/bin/python Scripts/make_python_repr_vectors.py

Output: Golden/python/repr.json. Needs no third-party package; the pinned venv's CPython (3.11)
is the oracle. Each vector holds the input in a form Swift rebuilds exactly and `repr(value)`:

- `strings`: `{"codepoints": [int], "repr": str}`: quotes (the quote choice), backslashes, every
  C0 control, DEL, C1 controls, Latin-1, non-printable BMP and astral code points (U+00A0
  no-break space, U+00AD soft hyphen, U+2028, U+200B, U+FEFF, U+E000 private use, U+10FFFF),
  printable non-ASCII (é, ß, 中文, emoji).
- `bytes`: `{"bytes": [int], "repr": str}`: every byte value alone, plus mixed-quote strings.
- `floats`: `{"bits": "<16 hex digits of the IEEE double>", "repr": str}`: 0.1, 1e16, 1e15,
  2**53, 1e-4, 1e-5, nan, inf, -inf, -0.0, subnormals, the largest double, float32 values
  widened, 400 doubles from random bit patterns, 100 uniform in ±1e6 and 100 float32
  normals widened (fixed seed).
- `ints`: `{"twos_complement_le": [int], "repr": str}`: pickle's LONG1 encoding
  (`pickle.encode_long`) of big and small values, the int64 limits and beyond.
- `complexes`: `{"real": bits, "imag": bits, "repr": str}`.

The script is deterministic: running it again rewrites the same bytes.
"""
import json
import math
import os
import pickle
import random
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Golden", "python", "repr.json")


def bits(x):
    return struct.pack(">d", x).hex()


def strings():
    texts = [
        "", "abc", "it's", 'say "hi"', "both ' and \"", "back\\slash", "\\'", "tab\there",
        "new\nline", "cr\rlf\n", "nul\x00", "del\x7f", "bell\x07", "esc\x1b[0m",
        "latin: caf\u00e9 \u00df \u00ff", "nbsp\u00a0", "shy\u00ad", "c1\x80\x85\x9f",
        "\u4e2d\u6587", "emoji \U0001F600", "line sep\u2028", "para sep\u2029", "zwsp\u200b",
        "bom\ufeff", "private\ue000", "max\U0010ffff", "combining e\u0301", "arabic \u0627",
        "module.0.weight", "layer1.0.bn1.running_mean", "'", '"', "'\"", "\u3000ideographic space",
    ]
    texts += [chr(c) for c in range(0, 0x100)]
    return [{"codepoints": [ord(ch) for ch in t], "repr": repr(t)} for t in texts]


def bytes_vectors():
    values = [bytes([b]) for b in range(256)]
    values += [b"", b"it's", b'say "hi"', b"both ' and \"", b"\\x00", b"PK\x03\x04", b"\x80\xff abc"]
    return [{"bytes": list(v), "repr": repr(v)} for v in values]


def floats():
    xs = [
        0.0, -0.0, 0.1, 0.2, 0.3, 1.0, -1.0, 1.5, 1e16, 1e15, 9007199254740992.0,
        9007199254740993.0, 1e17, 123456789.0, 123456789012345678.0, 1e22, 1e23, 1e-4, 1e-5,
        0.0001, 0.00012345, 1e-7, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
        float("nan"), float("inf"), float("-inf"), -float("nan"), 3.141592653589793, 2.0 ** 63,
        2.0 ** -30, 100.0, 1234567890123456.0, 0.5, 1 / 3, 2 / 3, 65504.0, 6.103515625e-05,
        float(struct.unpack("<f", struct.pack("<f", 0.1))[0]), 1e-06, 0.001, 10.0, 1e100,
    ]
    rng = random.Random(20260612)
    for _ in range(400):
        xs.append(struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0])
    for _ in range(100):
        xs.append(rng.uniform(-1e6, 1e6))
    for _ in range(100):
        xs.append(float(struct.unpack("<f", struct.pack("<f", rng.gauss(0, 1)))[0]))
    return [{"bits": bits(x), "repr": repr(x)} for x in xs]


def ints():
    values = [0, 1, -1, 127, 128, -128, -129, 255, 256, 2**31 - 1, -2**31, 2**63 - 1, -2**63,
              2**63, -2**63 - 1, 2**64, 10**18, 10**19, 10**30, -10**30, 2**100 + 12345,
              -(2**200) + 1, 999_999_999, 1_000_000_000, 10**27 + 1]
    rng = random.Random(7)
    for n in (8, 64, 65, 96, 128, 256, 512):
        for _ in range(5):
            values.append(rng.getrandbits(n) * rng.choice((1, -1)))
    return [{"twos_complement_le": list(pickle.encode_long(v)), "repr": repr(v)} for v in values]


def complexes():
    pairs = [(0.0, 0.0), (-0.0, 0.0), (0.0, -0.0), (-0.0, -0.0), (1.0, 2.0), (1.5, -2.5),
             (0.0, 1.0), (float("nan"), float("inf")), (float("inf"), float("-nan")),
             (1e16, 1e-5), (0.1, 0.2), (-1.0, 0.0), (2.0, float("nan"))]
    return [{"real": bits(r), "imag": bits(i), "repr": repr(complex(r, i))} for r, i in pairs]


def main():
    doc = {
        "python": sys.version.split()[0],
        "unicode": __import__("unicodedata").unidata_version,
        "strings": strings(),
        "bytes": bytes_vectors(),
        "floats": floats(),
        "ints": ints(),
        "complexes": complexes(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), ensure_ascii=True)
        f.write("\n")
    counts = {k: len(v) for k, v in doc.items() if isinstance(v, list)}
    print(f"{counts} -> {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
