"""Read and write zip archives laid out the way torch.save writes them (shared/docs/torch-format.md a.3-a.7).

Used by the corpus scripts to rewrite records of real torch.save files (swap a `data.pkl`, change a
record) while keeping torch's layout: 64-byte aligned data behind an "FB" padding extra field, local
headers with zero CRC/sizes and flags 0x0808, 16-byte data descriptors, version-0 central entries and
zip64 end records. `write_records(parse(torch_file).records())` reproduces a torch.save file byte for
byte (checked in make_interop_corpus.py). Records must stay below 4 GiB and offsets below 4 GiB.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

ALIGN = 64


@dataclass
class Entry:
    """One record as found in a zip: central-directory fields plus where its parts lie in the file."""
    name: str
    method: int
    flags: int
    crc: int
    csize: int
    usize: int
    local_offset: int          # offset of the local header
    data_offset: int           # offset of the (possibly compressed) data
    central_offset: int        # offset of this entry's central-directory header
    raw: bytes = field(repr=False, default=b"")  # the stored bytes (compressed if method 8)

    def data(self) -> bytes:
        if self.method == 0:
            return self.raw
        if self.method == 8:
            return zlib.decompress(self.raw, -15)
        raise ValueError(f"method {self.method}")


@dataclass
class Layout:
    entries: list
    cd_offset: int
    cd_size: int
    zip64_eocd_offset: int | None
    zip64_locator_offset: int | None
    eocd_offset: int
    size: int

    def records(self) -> list:
        """[(name without folder, bytes)] in archive order."""
        return [(e.name.split("/", 1)[1], e.data()) for e in self.entries]

    def folder(self) -> str:
        return self.entries[0].name.split("/", 1)[0]

    def entry(self, record: str) -> Entry:
        for e in self.entries:
            if e.name.split("/", 1)[1] == record:
                return e
        raise KeyError(record)


def parse(data: bytes) -> Layout:
    """Parse a well-formed zip (as torch or Python's zipfile write it)."""
    eocd = data.rfind(b"PK\x05\x06")
    if eocd < 0:
        raise ValueError("no end of central directory")
    (_, _, _, n, _, cd_size, cd_offset, _) = struct.unpack_from("<IHHHHIIH", data, eocd)
    z64 = loc = None
    if eocd >= 20 and data[eocd - 20:eocd - 16] == b"PK\x06\x07":
        loc = eocd - 20
        (z64,) = struct.unpack_from("<Q", data, loc + 8)
        (_, _, _, _, _, _, n, _, cd_size, cd_offset) = struct.unpack_from("<IQHHIIQQQQ", data, z64)
    entries = []
    p = cd_offset
    for _ in range(n):
        (sig, _, _, flags, method, _, _, crc, csize, usize, nlen, xlen, clen, _, _, _, lho) = \
            struct.unpack_from("<IHHHHHHIIIHHHHHII", data, p)
        assert sig == 0x02014B50, hex(sig)
        name = data[p + 46:p + 46 + nlen].decode()
        extra = data[p + 46 + nlen:p + 46 + nlen + xlen]
        vals = []
        q = 0
        while q + 4 <= len(extra):
            hid, hlen = struct.unpack_from("<HH", extra, q)
            if hid == 1:
                vals = list(struct.unpack_from("<" + "Q" * (hlen // 8), extra, q + 4))
            q += 4 + hlen
        if usize == 0xFFFFFFFF:
            usize = vals.pop(0)
        if csize == 0xFFFFFFFF:
            csize = vals.pop(0)
        if lho == 0xFFFFFFFF:
            lho = vals.pop(0)
        lnlen, lxlen = struct.unpack_from("<HH", data, lho + 26)
        doff = lho + 30 + lnlen + lxlen
        entries.append(Entry(name, method, flags, crc, csize, usize, lho, doff, p,
                             raw=data[doff:doff + csize]))
        p += 46 + nlen + xlen + clen
    return Layout(entries, cd_offset, cd_size, z64, loc, eocd, len(data))


def _padding(cursor: int, name_len: int) -> int:
    start = cursor + 30 + name_len + 4
    return (ALIGN - start % ALIGN) % ALIGN


def write_records(records, folder: str, *, crc_override: dict | None = None) -> bytes:
    """A torch-layout zip of `records` ([(name, bytes)], stored, in order) under `folder/`.

    `crc_override` maps a record name to a CRC written instead of the real one (both places).
    """
    out = bytearray()
    central = []
    for rec, payload in records:
        name = f"{folder}/{rec}".encode()
        cursor = len(out)
        pad = _padding(cursor, len(name))
        flags = 0x0808 if payload else 0x0800
        crc = zlib.crc32(payload) & 0xFFFFFFFF if payload else 0
        if crc_override and rec in crc_override:
            crc = crc_override[rec]
        extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 0, flags, 0, 0, 0, 0, 0, 0, len(name), len(extra))
        out += name + extra + payload
        if payload:
            out += struct.pack("<IIII", 0x08074B50, crc, len(payload), len(payload))
        central.append((name, flags, crc, len(payload), cursor))
    cd_offset = len(out)
    for name, flags, crc, size, off in central:
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 0, flags, 0, 0, 0, crc, size, size,
                           len(name), 0, 0, 0, 0, 0, off)
        out += name
    cd_size = len(out) - cd_offset
    z64 = len(out)
    n = len(central)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 0x002D, 0, 0, n, n, cd_size, cd_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, z64, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                       min(cd_size, 0xFFFFFFFF), min(cd_offset, 0xFFFFFFFF), 0)
    return bytes(out)


def rewrite(data: bytes, changes: dict, *, folder: str | None = None, drop=(), crc_override=None) -> bytes:
    """Re-write a torch zip with some records replaced (`changes`: name -> bytes) or dropped."""
    lay = parse(data)
    recs = [(n, changes.get(n, b)) for n, b in lay.records() if n not in drop]
    return write_records(recs, folder or lay.folder(), crc_override=crc_override)
