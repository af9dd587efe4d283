#!/usr/bin/env python3
"""Write a deeply nested pickle, bare (what torch.load reads as the legacy format) or as the
data.pkl of a torch zip archive, to measure what refusing it costs.

    python3 Scripts/make_deep_pickle.py OUT [--depth 1000000] [--kind tuples|lists|dicts] [--zip]

`tuples`: PROTO 2, MARK x depth, EMPTY_TUPLE, TUPLE x depth (2 bytes a level); `lists`: EMPTY_LIST x
depth, APPEND x (depth - 1); `dicts`: `{0: {0: ...}}` with SETITEM (4 bytes a level). With --zip the
pickle replaces data.pkl in an archive laid out as torch.save writes it (Scripts/torchzip.py, no
torch needed). Python's own unpickler builds all three without recursion (torch.load accepts them);
Repro refuses them at its nesting depth limit (300).

    /usr/bin/time -f '%e s %M KB' .build/debug/repro inspect OUT
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torchzip  # noqa: E402


def deep_pickle(kind: str, depth: int) -> bytes:
    if kind == "tuples":
        return b"\x80\x02" + b"(" * depth + b")" + b"t" * depth + b"."
    if kind == "lists":
        return b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b"."
    if kind == "dicts":
        return b"\x80\x02}" + b"K\x00}" * (depth - 1) + b"s" * (depth - 1) + b"."
    raise ValueError(kind)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--depth", type=int, default=1_000_000)
    p.add_argument("--kind", choices=["tuples", "lists", "dicts"], default="tuples")
    p.add_argument("--zip", action="store_true", help="wrap it as data.pkl of a torch zip archive")
    args = p.parse_args()
    pk = deep_pickle(args.kind, args.depth)
    data = torchzip.write_records([("data.pkl", pk), ("byteorder", b"little"), ("version", b"3\n")],
                                  "archive") if args.zip else pk
    with open(args.out, "wb") as f:
        f.write(data)
    print(f"{args.out}: {len(data)} bytes, {args.kind} nested {args.depth} deep"
          f"{' in a torch zip' if args.zip else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
