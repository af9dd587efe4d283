#!/usr/bin/env python3
"""Zip-container oracles for ReproFormat's ZipArchive / TorchZipWriter tests.

Writes into Golden/pytorch/zip/:
  *.pt                 small files written by real torch.save (torch 2.13)
  *.zip                archives written by Python's zipfile (deflated, zip64 extras, data
                       descriptors) and one zip64 archive assembled by hand (zip64 extras in the
                       central directory, every 32-bit field saturated)
  oracles.json         for every file: record names (archive folder stripped), sizes, sha256,
                       and for torch files the serialization_id and the save options used
  zip64_skeleton.json  (with --big) a real torch.save of a 2**32+16-byte uint8 tensor of zeros,
                       stored without its payload (all bytes before and after the zero run),
                       so tests can rebuild the 4 GiB file as a sparse file (needs ~4.3 GB of
                       free disk and ~5 GB of memory while it runs)

Run:  /work/venv/bin/python Scripts/make_zip_oracles.py [--big]
"""
import hashlib
import io
import json
import os
import struct
import sys
import tempfile
import zipfile
import zlib

import torch
import torch.utils.serialization  # noqa: F401  (config.save.storage_alignment)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Golden", "pytorch", "zip")


def raw_record(path, name):
    """A stored record's bytes, taken from the file without CRC check."""
    raw = open(path, "rb").read()
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    nlen, xlen = struct.unpack_from("<HH", raw, info.header_offset + 26)
    start = info.header_offset + 30 + nlen + xlen
    return raw[start:start + info.file_size]


def records_of(path):
    """Records in central-directory order, read with Python's zipfile (an independent reader)."""
    out = []
    raw = open(path, "rb").read()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.compress_type == zipfile.ZIP_STORED:  # raw bytes: no_crc.pt has CRC 0
                nlen, xlen = struct.unpack_from("<HH", raw, info.header_offset + 26)
                start = info.header_offset + 30 + nlen + xlen
                data = raw[start:start + info.file_size]
            else:
                data = z.read(info.filename)
            out.append({"name": info.filename, "size": len(data),
                        "sha256": hashlib.sha256(data).hexdigest()})
    return out


def torch_file(name, obj, *, alignment=64, crc32=True, byteorder=True, via_buffer=False):
    path = os.path.join(OUT, name)
    torch.utils.serialization.config.save.storage_alignment = alignment
    torch.serialization.set_crc32_options(crc32)
    try:
        if via_buffer:                              # archive folder becomes "archive"
            buf = io.BytesIO()
            torch.save(obj, buf, _disable_byteorder_record=not byteorder)
            with open(path, "wb") as f:
                f.write(buf.getvalue())
        else:
            torch.save(obj, path, _disable_byteorder_record=not byteorder)
    finally:
        torch.utils.serialization.config.save.storage_alignment = 64
        torch.serialization.set_crc32_options(True)
    recs = records_of(path)
    archive = recs[0]["name"].split("/", 1)[0]
    sid = raw_record(path, archive + "/.data/serialization_id").decode()
    return {"file": name, "kind": "torch", "archive": archive, "alignment": alignment,
            "crc32": crc32, "records": recs, "serialization_id": sid,
            "file_size": os.path.getsize(path),
            "file_sha256": hashlib.sha256(open(path, "rb").read()).hexdigest()}


class _Unseekable(io.RawIOBase):
    """A write-only stream without tell/seek: zipfile then writes data descriptors (bit 3)."""

    def __init__(self, f):
        self.f = f

    def writable(self):
        return True

    def write(self, b):
        return self.f.write(b)


def python_zip(name, files, *, method, force_zip64=False, unseekable=False):
    path = os.path.join(OUT, name)
    with open(path, "wb") as raw:
        target = _Unseekable(raw) if unseekable else raw
        with zipfile.ZipFile(target, "w", compression=method) as z:
            for rec, data in files:
                info = zipfile.ZipInfo(rec, date_time=(2024, 1, 2, 3, 4, 6))
                info.compress_type = method
                with z.open(info, "w", force_zip64=force_zip64) as w:
                    w.write(data)
    return {"file": name, "kind": "zipfile", "records": records_of(path),
            "file_size": os.path.getsize(path)}


def hand_zip64(name, files):
    """Stored records whose central entries put size, compressed size and local header offset
    in a zip64 extra field (32-bit fields = 0xFFFFFFFF), with a zip64 end record and an EOCD
    whose counts/offsets are saturated: the layout of a > 4 GiB archive, in a few hundred bytes."""
    out, central = bytearray(), bytearray()
    for rec, data in files:
        n = rec.encode()
        crc = zlib.crc32(data)
        ofs = len(out)
        local_extra = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0x0800, 0, 0, 0x21, crc,
                           0xFFFFFFFF, 0xFFFFFFFF, len(n), len(local_extra)) + n + local_extra
        out += data
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), ofs)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0x0800, 0, 0, 0x21, crc,
                               0xFFFFFFFF, 0xFFFFFFFF, len(n), len(extra), 0, 0, 0, 0,
                               0xFFFFFFFF) + n + extra
    cd_ofs, cd_size, k = len(out), len(central), len(files)
    out += central
    z64 = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, k, k, cd_size, cd_ofs)
    out += struct.pack("<IIQI", 0x07064B50, 0, z64, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(out)
    return {"file": name, "kind": "hand", "records": records_of(path), "file_size": len(out)}


def big_skeleton():
    """torch.save({'big': zeros(2**32+16, uint8), 'small': arange(4.)}) -> non-zero ranges."""
    with tempfile.TemporaryDirectory(dir=os.environ.get("BIG_TMP", "/tmp")) as d:
        path = os.path.join(d, "big.pt")
        big = torch.zeros(2**32 + 16, dtype=torch.uint8)
        torch.save({"big": big, "small": torch.arange(4.0)}, path)
        del big
        size = os.path.getsize(path)
        with zipfile.ZipFile(path) as z:
            big_info = [i for i in z.infolist() if i.file_size > 1 << 20][0]
        with open(path, "rb") as f:
            f.seek(big_info.header_offset + 26)
            nlen, xlen = struct.unpack("<HH", f.read(4))
            start = big_info.header_offset + 30 + nlen + xlen       # the zero payload
            end = start + big_info.file_size
            f.seek(0)
            head = f.read(start)
            f.seek(end)
            tail = f.read()
        segments = [(0, head), (end, tail)]
        with zipfile.ZipFile(path) as z:
            infos = [{"name": i.filename, "size": i.file_size, "crc32": i.CRC,
                      "header_offset": i.header_offset} for i in z.infolist()]
            small = {i.filename: hashlib.sha256(z.read(i.filename)).hexdigest()
                     for i in z.infolist() if i.file_size < 1 << 20}
        return {"file_size": size, "records": infos, "small_sha256": small,
                "segments": [{"offset": o, "hex": b.hex()} for o, b in segments],
                "torch": torch.__version__}


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3))
    many = {f"t{i}": torch.arange(i + 1, dtype=torch.float32) for i in range(40)}
    quirk = {"empty": torch.empty(0),
             "pk": torch.tensor([0x50, 0x4B, 0x07, 0x08, 1, 2, 3, 4], dtype=torch.uint8),
             "x": torch.arange(3.0, dtype=torch.float64)}
    entries = [
        torch_file("mlp_state_dict.pt", mlp.state_dict()),
        torch_file("empty_and_pk_payload.pt", quirk),
        torch_file("forty_tensors.pt", many),
        torch_file("align4096.pt", {"w": torch.ones(3, 2)}, alignment=4096),
        torch_file("no_crc.pt", {"w": torch.arange(6).reshape(2, 3)}, crc32=False),
        torch_file("byteorder_last.pt", {"b": torch.tensor([True, False])}, byteorder=False),
        torch_file("buffer_archive.pt", [torch.tensor(1.5, dtype=torch.bfloat16)], via_buffer=True),
    ]
    rnd = bytes((i * 7919 + (i >> 3) * 31) & 0xFF for i in range(5000))
    text = b"".join(b"line %d of a compressible record\n" % i for i in range(400))
    files = [("deflated/data.pkl", text), ("deflated/data/0", rnd), ("deflated/empty", b""),
             ("deflated/version", b"3\n")]
    entries.append(python_zip("zipfile_deflated.zip", files, method=zipfile.ZIP_DEFLATED))
    entries.append(python_zip("zipfile_stored_descriptors.zip",
                              [(n.replace("deflated/", "streamed/"), d) for n, d in files],
                              method=zipfile.ZIP_STORED, unseekable=True))
    entries.append(python_zip("zipfile_deflated_descriptors.zip",
                              [(n.replace("deflated/", "dd/"), d) for n, d in files],
                              method=zipfile.ZIP_DEFLATED, unseekable=True))
    entries.append(python_zip("zipfile_force_zip64.zip",
                              [(n.replace("deflated/", "z64/"), d) for n, d in files],
                              method=zipfile.ZIP_STORED, force_zip64=True))
    entries.append(hand_zip64("hand_zip64_central.zip",
                              [("h/data.pkl", text[:300]), ("h/data/0", rnd[:777]),
                               ("h/empty", b""), ("h/version", b"3\n")]))
    with open(os.path.join(OUT, "oracles.json"), "w") as f:
        json.dump({"torch": torch.__version__, "files": entries}, f, indent=1)
    if "--big" in sys.argv:
        with open(os.path.join(OUT, "zip64_skeleton.json"), "w") as f:
            json.dump(big_skeleton(), f, indent=1)
    print("wrote", len(entries), "files to", OUT)


if __name__ == "__main__":
    main()
