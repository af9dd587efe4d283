#!/usr/bin/env python3
"""Make the malformed-input corpus: Golden/malformed/*.{pt,safetensors,bin} + Golden/malformed/MANIFEST.json.

    make venv && .venv/bin/python Scripts/make_malformed_corpus.py [--out DIR] [--no-torch]

Every file is derived deterministically from a small valid file written by torch.save /
safetensors (made here, from fixed seeds), with one thing broken. MANIFEST.json lists, per file, what
was broken, the FormatError code Repro must throw (`code`, or one of `alt_codes` where two readings
are defensible), a short lowercase substring its message must contain (`message_contains`, compared
with the lowercased message), and what real torch.load(weights_only=True) did with it (context, not
the oracle: torch accepts several of these files, e.g. it never checks CRCs).

Files that carry a forbidden global are real pickles: torch.load(weights_only=False) or plain
pickle would call the function (`os.system('echo repro-malformed-corpus')` and the like; harmless
commands). They are checked here with a recording unpickler, never executed.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import pickle
import pickletools
import resource
import signal
import struct
import sys
import tempfile
import zipfile
import zlib

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_interop_corpus as mic  # noqa: E402  (asserts torch 2.13.0; model + legacy helpers)
import torchzip  # noqa: E402

ROOT = os.path.dirname(HERE)
DEFAULT_OUT = os.path.join(ROOT, "Golden", "malformed")
CODES = {"truncated", "badMagic", "badCRC", "unsupported", "corrupt", "forbiddenGlobal", "limitExceeded",
         "loads"}  # "loads": not malformed after all (kept to document the decision), Repro must read it
CMD = "echo repro-malformed-corpus"

FILES = []  # dicts: file, data, broken, code, alt_codes, message_contains, derived_from


def add(name, data, broken, code, contains, derived_from, alt=(), trust=False):
    """`trust`: Repro reads the file with opaque objects allowed (`--trust`, torch's weights_only=False),
    to reach an error behind a global that the weights-only policy refuses first (numpy)."""
    assert code in CODES and all(a in CODES for a in alt), (name, code, alt)
    assert contains == contains.lower() and contains, name
    assert name not in {f["file"] for f in FILES}, name
    entry = {"file": name, "data": bytes(data), "broken": broken, "code": code, "alt_codes": list(alt),
             "message_contains": contains, "derived_from": derived_from}
    if trust:
        entry["trust"] = True
    FILES.append(entry)


# ---------------------------------------------------------------------------------------------------
# valid bases


def torch_bytes(obj, archive_name, **kw):
    with tempfile.TemporaryDirectory() as t:
        p = os.path.join(t, archive_name + ".pt")
        torch.save(obj, p, **kw)
        if not kw.get("_use_new_zipfile_serialization", True):
            mic.fix_legacy_keys(p)
        return open(p, "rb").read()


def single_tensor():
    return {"w": torch.arange(12, dtype=torch.float32).reshape(3, 4)}


BASE_MLP = "seq_mlp: torch.save(manual_seed(0); Sequential(Linear(2,2),ReLU,Linear(2,1)).state_dict())"
BASE_ONE = "one tensor: torch.save({'w': arange(12.).reshape(3,4)})"
BASE_LEGACY = "seq_mlp saved with _use_new_zipfile_serialization=False (keys fixed as in the interop corpus)"
BASE_ST = "safetensors.torch.save_file({'a.weight': f32[2,2], 'a.bias': f32[2], 'steps': i64[3]})"


# ---------------------------------------------------------------------------------------------------
# pickle helpers


def binunicode(s: str) -> bytes:
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def global_op(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def int_op(v: int) -> bytes:
    if 0 <= v < 256:
        return b"K" + bytes([v])
    if 0 <= v < 65536:
        return b"M" + struct.pack("<H", v)
    if -2**31 <= v < 2**31:
        return b"J" + struct.pack("<i", v)
    n = (v.bit_length() + 8) // 8
    return b"\x8a" + bytes([n]) + v.to_bytes(n, "little", signed=True)


def ops_with_pos(pk: bytes):
    ops = list(pickletools.genops(pk))
    out = []
    for i, (op, arg, pos) in enumerate(ops):
        end = ops[i + 1][2] if i + 1 < len(ops) else len(pk)
        out.append((op.name, arg, pos, end))
    return out


def replace_ops(pk: bytes, repl: dict) -> bytes:
    """Rebuild a protocol-2 pickle with some ops (by index) replaced by raw bytes (no offsets to fix)."""
    out = bytearray()
    for i, (_, _, pos, end) in enumerate(ops_with_pos(pk)):
        out += repl.get(i, pk[pos:end])
    return bytes(out)


def int_ops_after_persid(pk: bytes):
    """Indices of [storage_offset, shape..., stride...] int ops of the first tensor, and of the pid numel."""
    ops = ops_with_pos(pk)
    persid = next(i for i, o in enumerate(ops) if o[0] == "BINPERSID")
    ints = [i for i, o in enumerate(ops) if i > persid and o[0] in ("BININT1", "BININT2", "BININT", "LONG1")]
    numel = max(i for i, o in enumerate(ops) if i < persid and o[0] in ("BININT1", "BININT2", "BININT", "LONG1"))
    return ints, numel


class Recorder(pickle.Unpickler):
    """Unpickles without executing: every global becomes a recorder of its calls."""

    def __init__(self, f):
        super().__init__(f)
        self.calls = []

    def find_class(self, module, name):
        full = f"{module}.{name}"
        if full == "collections.OrderedDict":
            import collections
            return collections.OrderedDict

        def call(*a, **k):
            self.calls.append((full, a))
            return None
        return call

    def persistent_load(self, pid):
        return None


def recorded_calls(pk: bytes):
    r = Recorder(io.BytesIO(pk))
    r.load()
    return r.calls


def with_payload(pk: bytes, module: str, name: str, args_ops: bytes, key="payload") -> bytes:
    """Insert `key: module.name(*args)` into the top-level dict of a torch data.pkl, before STOP."""
    assert pk.endswith(b"s.") or pk.endswith(b"u."), pk[-4:]
    return pk[:-1] + binunicode(key) + global_op(module, name) + args_ops + b"R" + b"s" + b"."


# ---------------------------------------------------------------------------------------------------
# safetensors helpers


def st_file(header, data: bytes, *, raw_header: bytes | None = None, n_override: int | None = None) -> bytes:
    h = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    if raw_header is None:
        h += b" " * ((8 - len(h) % 8) % 8)
    n = len(h) if n_override is None else n_override
    return struct.pack("<Q", n) + h + data


# ---------------------------------------------------------------------------------------------------
# the corpus


def build():
    torch.manual_seed(0)
    mlp = torch_bytes(mic.seq_mlp().state_dict(), "malformed")
    one = torch_bytes(single_tensor(), "malformed")
    legacy = torch_bytes(mic.seq_mlp().state_dict(), "malformed", _use_new_zipfile_serialization=False)
    lay = torchzip.parse(mlp)
    pkl = lay.entry("data.pkl")
    d0 = lay.entry("data/0")
    one_lay = torchzip.parse(one)
    one_pk = one_lay.entry("data.pkl").data()
    recs = lay.records()

    # ---- truncation: the zip cut at many points -------------------------------------------------
    cuts = [
        (0, "empty file (0 bytes)"),
        (2, "inside the first local header's signature"),
        (20, "inside the first local header (data.pkl)"),
        (pkl.local_offset + 40, "inside data.pkl's name/padding field"),
        (pkl.data_offset + pkl.csize // 2, "in the middle of the data.pkl bytes"),
        (pkl.data_offset + pkl.csize + 8, "inside data.pkl's data descriptor"),
        (d0.local_offset + 12, "inside the local header of data/0"),
        (d0.data_offset + 4, "inside the data/0 bytes (first storage)"),
        (lay.cd_offset, "right before the central directory (every record complete)"),
        (lay.cd_offset + 30, "inside the first central directory entry"),
        (lay.zip64_eocd_offset - 10, "inside the last central directory entry"),
        (lay.zip64_eocd_offset + 20, "inside the zip64 end of central directory record"),
        (lay.zip64_locator_offset + 10, "inside the zip64 end of central directory locator"),
        (lay.eocd_offset + 10, "inside the end of central directory record"),
        (lay.size - 1, "one byte short (last byte of the end of central directory record)"),
    ]
    for i, (cut, where) in enumerate(cuts):
        add(f"zip_truncated_{i:02d}_at_{cut}.pt", mlp[:cut], f"seq_mlp zip cut to {cut} of {len(mlp)} bytes: {where}",
            "truncated", "truncat", BASE_MLP, alt=("badMagic",) if cut < 4 else ())

    # ---- CRC ---------------------------------------------------------------------------------------
    b = bytearray(mlp)
    b[d0.data_offset + 1] ^= 0x40
    add("zip_bad_crc_data.pt", b, "one bit of data/0 flipped (a float changes); the CRC-32 in the data descriptor and "
        "central directory no longer matches (torch does not check CRCs and loads the changed value)",
        "badCRC", "crc", BASE_MLP)
    b = bytearray(mlp)
    struct.pack_into("<I", b, pkl.central_offset + 16, pkl.crc ^ 0xDEADBEEF)
    add("zip_bad_crc_central.pt", b, "the central-directory CRC-32 of data.pkl changed (data intact)",
        "badCRC", "crc", BASE_MLP, alt=("corrupt",))  # Repro: the data descriptor and directory disagree

    # ---- signatures --------------------------------------------------------------------------------
    b = bytearray(mlp)
    b[3] = 0x05
    add("zip_bad_magic_first_local.pt", b, "first 4 bytes PK\\x03\\x05 instead of PK\\x03\\x04: neither a zip nor the "
        "legacy format's pickled magic number", "badMagic", "magic", BASE_MLP)
    b = bytearray(mlp)
    b[d0.local_offset + 2] = 0x09
    add("zip_bad_magic_local_data0.pt", b, "the local header signature of data/0 broken (PK\\x09\\x04)",
        "badMagic", "local", BASE_MLP)
    b = bytearray(mlp)
    b[d0.central_offset + 3] = 0x09
    add("zip_bad_magic_central.pt", b, "the central directory signature of data/0's entry broken (PK\\x01\\x09)",
        "badMagic", "central", BASE_MLP)
    b = bytearray(mlp)
    b[lay.zip64_eocd_offset + 3] = 0x09
    add("zip_bad_magic_zip64_eocd.pt", b, "the zip64 end of central directory signature broken (the locator points "
        "at PK\\x06\\x09)", "badMagic", "zip64", BASE_MLP)
    b = bytearray(mlp)
    b[lay.eocd_offset + 2] = 0x07
    add("zip_bad_magic_eocd.pt", b, "the end of central directory signature broken (PK\\x07\\x06): no EOCD can be "
        "found", "badMagic", "central", BASE_MLP, alt=("truncated",))
    add("garbage.bin", bytes((i * 131 + 7) % 256 for i in range(512)), "512 bytes of a fixed pseudo-random pattern: "
        "not a zip, not a pickle, not safetensors", "badMagic", "magic", "none", alt=("corrupt",))

    # ---- zip bombs ---------------------------------------------------------------------------------
    zeros = torch.zeros(16 * 1024 * 1024, dtype=torch.uint8)
    zbase = torch_bytes({"z": zeros}, "malformed")
    with zipfile.ZipFile(io.BytesIO(zbase)) as src:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for info in src.infolist():
                zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                zi.compress_type = zipfile.ZIP_DEFLATED if info.filename.endswith("data/0") else zipfile.ZIP_STORED
                z.writestr(zi, src.read(info.filename))
    bomb = out.getvalue()
    add("zip_bomb_ratio.pt", bomb, f"a valid file ({len(bomb)} bytes) whose data/0 record is 16 MiB of zeros deflated "
        f"(~{16 * 1024 * 1024 // len(bomb)}:1): loading it needs far more memory than the file size (torch loads it). "
        "Valid deflate under its 1032:1 maximum ratio, so Repro loads it too (declared sizes beyond that ratio are refused)",
        "loads", "z", "torch.save({'z': zeros(16 MiB, uint8)}), data/0 re-zipped ZIP_DEFLATED")
    small = torch_bytes({"z": torch.zeros(16, dtype=torch.uint8)}, "malformed")
    with zipfile.ZipFile(io.BytesIO(small)) as src:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for info in src.infolist():
                zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                zi.compress_type = zipfile.ZIP_DEFLATED if info.filename.endswith("data/0") else zipfile.ZIP_STORED
                z.writestr(zi, src.read(info.filename))
    b = bytearray(out.getvalue())
    zl = torchzip.parse(bytes(b))
    e = zl.entry("data/0")
    struct.pack_into("<I", b, e.local_offset + 22, 0xFFFFFFF0)
    struct.pack_into("<I", b, e.central_offset + 24, 0xFFFFFFF0)
    add("zip_bomb_declared_size.pt", b, f"deflated data/0 ({e.csize} compressed bytes) declares an uncompressed size "
        "of 4294967280 bytes in its local and central headers (real: 16)", "limitExceeded", "size",
        "torch.save({'z': zeros(16, uint8)}), data/0 ZIP_DEFLATED", alt=("corrupt",))
    b = bytearray(mlp)
    d1 = lay.entry("data/1")
    struct.pack_into("<I", b, d1.central_offset + 42, d0.local_offset)
    add("zip_overlapping_records.pt", b, "the central entry of data/1 points at data/0's local header: two records "
        "share bytes (the overlapping-entries zip bomb shape)", "corrupt", "different record", BASE_MLP)

    # ---- other zip structure ----------------------------------------------------------------------
    b = bytearray(mlp)
    struct.pack_into("<I", b, d0.central_offset + 42, len(mlp) + 1000)
    add("zip_local_offset_beyond_file.pt", b, "data/0's central entry gives a local header offset 1000 bytes past the "
        "end of the file", "corrupt", "offset", BASE_MLP, alt=("truncated",))
    b = bytearray(mlp)
    struct.pack_into("<II", b, d0.central_offset + 20, 0x7FFFFFF0, 0x7FFFFFF0)
    add("zip_record_size_beyond_file.pt", b, "data/0's central entry declares 2147483632 bytes (the file is "
        f"{len(mlp)} bytes)", "corrupt", "data/0", BASE_MLP, alt=("truncated", "limitExceeded"))
    b = bytearray(mlp)
    struct.pack_into("<Q", b, lay.zip64_eocd_offset + 48, len(mlp) + 4096)
    struct.pack_into("<I", b, lay.eocd_offset + 16, len(mlp) + 4096)
    add("zip_cd_offset_beyond_file.pt", b, "the (zip64) end of central directory records put the central directory "
        "4096 bytes past the end of the file", "corrupt", "central", BASE_MLP, alt=("truncated",))
    b = bytearray(mlp)
    struct.pack_into("<H", b, d0.central_offset + 10, 12)
    struct.pack_into("<H", b, d0.local_offset + 8, 12)
    add("zip_method_bzip2.pt", b, "data/0 claims compression method 12 (bzip2) in its local and central headers",
        "unsupported", "method", BASE_MLP)
    b = bytearray(mlp)
    for off in (d0.local_offset + 6, d0.central_offset + 8):
        struct.pack_into("<H", b, off, struct.unpack_from("<H", b, off)[0] | 1)
    add("zip_encrypted_flag.pt", b, "data/0 has general-purpose flag bit 0 (encrypted) set", "unsupported", "encrypt",
        BASE_MLP)
    add("zip_no_version_record.pt", torchzip.rewrite(mlp, {}, drop=("version",)), "the 'version' record is missing "
        "(torch: Expected hasRecord(\"version\") to be true)", "corrupt", "version", BASE_MLP)
    add("zip_version_11.pt", torchzip.rewrite(mlp, {"version": b"11\n"}), "'version' is 11 (torch reads 1...10)",
        "unsupported", "version", BASE_MLP)
    add("zip_byteorder_middle.pt", torchzip.rewrite(mlp, {"byteorder": b"middle"}), "'byteorder' record is 'middle'",
        "corrupt", "byteorder", BASE_MLP, alt=("unsupported",))
    add("zip_no_data_pkl.pt", torchzip.rewrite(mlp, {}, drop=("data.pkl",)), "the data.pkl record is missing",
        "corrupt", "data.pkl", BASE_MLP)
    add("zip_missing_storage_record.pt", torchzip.rewrite(mlp, {}, drop=("data/3",)), "data.pkl references storage "
        "'3' but there is no data/3 record", "corrupt", "data/3", BASE_MLP)
    short = [(n, (v[:-4] if n == "data/0" else v)) for n, v in recs]
    add("zip_storage_record_short.pt", torchzip.write_records(short, lay.folder()),
        "data/0 holds 12 bytes but its persistent id declares 4 float32 elements (16 bytes); CRCs valid",
        "corrupt", "data/0", BASE_MLP, alt=("truncated",))

    # ---- pickle: tensor metadata edits -------------------------------------------------------------
    ints, numel_idx = int_ops_after_persid(one_pk)
    off_i, sh0, sh1, st0, st1 = ints[:5]

    def one_with(repl, name, broken, code, contains, alt=()):
        pk = replace_ops(one_pk, repl)
        add(name, torchzip.rewrite(one, {"data.pkl": pk}), broken, code, contains, BASE_ONE, alt=alt)

    one_with({sh0: int_op(-7)}, "pickle_negative_shape.pt", "tensor 'w' shape (-7, 4) (pickle int edited)",
             "corrupt", "-7")
    one_with({st0: int_op(-5)}, "pickle_negative_stride.pt", "tensor 'w' stride (-5, 1)", "corrupt", "-5")
    one_with({off_i: int_op(-9)}, "pickle_negative_offset.pt", "tensor 'w' storage_offset -9", "corrupt", "-9")
    one_with({off_i: int_op(1000003)}, "pickle_offset_beyond_storage.pt", "tensor 'w' storage_offset 1000003 on a "
             "12-element storage", "corrupt", "1000003", alt=("limitExceeded",))
    one_with({sh0: int_op(5)}, "pickle_shape_beyond_storage.pt", "tensor 'w' shape (5, 4): needs 20 elements of a "
             "12-element storage (storage record shorter than the tensor needs)", "corrupt", "storage",
             alt=("limitExceeded",))
    one_with({sh0: int_op(2**62), sh1: int_op(2**62)}, "pickle_shape_overflow.pt", "tensor 'w' shape (2**62, 2**62): "
             "the element count overflows 64 bits", "corrupt", "4611686018427387904", alt=("limitExceeded",))
    one_with({st0: int_op(2**62)}, "pickle_stride_overflow.pt", "tensor 'w' stride (2**62, 1) with shape (3, 4): the "
             "extent overflows / leaves the storage", "corrupt", "4611686018427387904", alt=("limitExceeded",))
    one_with({numel_idx: int_op(2**60)}, "pickle_storage_numel_2p60.pt", "the persistent id declares a storage of "
             "2**60 float32 elements (data/0 has 48 bytes)", "limitExceeded", "storage", alt=("corrupt",))
    pk = one_pk.replace(global_op("torch", "FloatStorage"), global_op("torch", "FooStorage"))
    add("pickle_unknown_storage_class.pt", torchzip.rewrite(one, {"data.pkl": pk}), "the persistent id names "
        "torch.FooStorage, which is no storage class", "forbiddenGlobal", "foostorage", BASE_ONE,
        alt=("unsupported", "corrupt"))

    # ---- pickle: forbidden globals (real, executable pickles) -------------------------------------
    args_cmd = binunicode(CMD) + b"\x85"
    evil = [
        ("os", "system", args_cmd, "os.system"),
        ("posix", "system", args_cmd, "posix.system"),
        ("nt", "system", args_cmd, "nt.system"),
        ("builtins", "eval", binunicode("__import__('os').system('" + CMD + "')") + b"\x85", "eval"),
        ("__builtin__", "exec", binunicode("import os; os.system('" + CMD + "')") + b"\x85", "exec"),
        ("subprocess", "Popen", b"(" + binunicode("echo") + binunicode("repro-malformed-corpus") + b"l\x85",
         "subprocess.popen"),
    ]
    for module, name, args, contains in evil:
        pk = with_payload(one_pk, module, name, args)
        calls = recorded_calls(pk)
        assert calls and calls[-1][0] == f"{module}.{name}", calls
        add(f"global_{module.strip('_')}_{name.lower()}.pt", torchzip.rewrite(one, {"data.pkl": pk}),
            f"a valid one-tensor file whose data.pkl also sets 'payload' = GLOBAL '{module} {name}' called with "
            f"{calls[-1][1]!r} (REDUCE): plain pickle / torch.load(weights_only=False) would run it",
            "forbiddenGlobal", contains, BASE_ONE)
    body = (b"\x8c\x02os\x94\x8c\x06system\x94\x93\x94" + b"\x8c" + bytes([len(CMD)]) + CMD.encode() + b"\x94\x85\x94R\x94.")
    pk = b"\x80\x04\x95" + struct.pack("<Q", len(body)) + body
    assert recorded_calls(pk)[0][0] == "os.system"
    add("global_os_system_stack_global.pt", torchzip.rewrite(one, {"data.pkl": pk}), "data.pkl is a protocol-4 pickle "
        "(FRAME, SHORT_BINUNICODE, MEMOIZE) that reaches os.system through STACK_GLOBAL and calls it; torch's weights-only "
        "unpickler refuses its first opcode (FRAME, operand 149) before reaching the global, and so does Repro",
        "unsupported", "operand 149", BASE_ONE, alt=("forbiddenGlobal",))
    pk = global_op("torch.nn.modules.linear", "Linear") + b")\x81}b."
    add("global_nn_linear_module.pt", torchzip.rewrite(one, {"data.pkl": b"\x80\x02" + pk}), "data.pkl builds a "
        "torch.nn.modules.linear.Linear with NEWOBJ/BUILD (a whole-module pickle; refused in weights-only mode)",
        "forbiddenGlobal", "linear", BASE_ONE)

    # ---- pickle: structure ----------------------------------------------------------------------------
    def pk_file(name, pk, broken, code, contains, alt=()):
        add(name, torchzip.rewrite(one, {"data.pkl": pk}), broken, code, contains, BASE_ONE, alt=alt)

    pk_file("pickle_stack_underflow.pt", b"\x80\x02R.", "data.pkl is PROTO 2, REDUCE, STOP: REDUCE on an empty stack",
            "corrupt", "stack")
    pk_file("pickle_stop_empty_stack.pt", b"\x80\x02.", "data.pkl is PROTO 2, STOP: nothing to return", "corrupt", "stack")
    pk_file("pickle_no_mark.pt", b"\x80\x02]K\x01e.", "APPENDS without a MARK", "corrupt", "mark")
    pk_file("pickle_bad_opcode.pt", one_pk[:13] + b"\xff" + one_pk[13:], "byte 0xff (no such opcode) inserted at "
            "offset 13 of data.pkl", "corrupt", "opcode")
    pk_file("pickle_memo_miss.pt", b"\x80\x02h\x07.", "BINGET 7 with an empty memo", "corrupt", "memo")
    pk_file("pickle_memo_miss_long.pt", b"\x80\x02}q\x00j\xff\xff\xff\x7f.", "LONG_BINGET 2147483647 (memo holds one "
            "entry)", "corrupt", "memo")
    pk_file("pickle_truncated.pt", one_pk[:len(one_pk) // 2], f"data.pkl cut to {len(one_pk) // 2} of {len(one_pk)} "
            "bytes (valid zip, valid CRC)", "truncated", "data.pkl")
    pk_file("pickle_no_stop.pt", one_pk[:-1], "data.pkl without its final STOP opcode", "truncated", "data.pkl")
    depth = 100000
    pk_file("pickle_deep_lists.pt", b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b".",
            f"{depth} nested lists (EMPTY_LIST x{depth}, APPEND x{depth - 1}): a recursion bomb", "limitExceeded", "depth")
    pk_file("pickle_deep_tuples.pt", b"\x80\x02" + b"(" * depth + b"t" * depth + b".",
            f"{depth} nested tuples (MARK x{depth}, TUPLE x{depth})", "limitExceeded", "depth")
    pk = bytearray(b"\x80\x02}")
    for _ in range(depth - 1):
        pk += b"K\x00}"           # key 0, then the next (inner) dict
    pk += b"s" * (depth - 1) + b"."
    pk_file("pickle_deep_dicts.pt", bytes(pk), f"{depth} nested dicts ({{0: {{0: ...}}}} built with SETITEM)",
            "limitExceeded", "depth")
    pk_file("pickle_binunicode_2p31.pt", b"\x80\x02X\x00\x00\x00\x80abc.", "BINUNICODE declaring 2**31 bytes with 4 "
            "left", "limitExceeded", "length", alt=("truncated",))
    pk_file("pickle_binbytes_2p31.pt", b"\x80\x03B\x00\x00\x00\x80abc.", "BINBYTES (protocol 3) declaring 2**31 bytes "
            "with 4 left; torch's weights-only unpickler has no BINBYTES (operand 66), and neither has Repro's",
            "unsupported", "operand 66", alt=("truncated", "limitExceeded"))
    pk_file("pickle_persid_not_storage.pt", b"\x80\x02(X\x06\x00\x00\x00moduleK\x01tQ.", "BINPERSID with "
            "('module', 1): only ('storage', ...) persistent ids exist in weights files", "corrupt", "storage",
            alt=("unsupported", "forbiddenGlobal"))

    # ---- safetensors --------------------------------------------------------------------------------
    from safetensors.torch import save as st_save
    torch.manual_seed(1)
    st_tensors = {"a.weight": torch.randn(2, 2), "a.bias": torch.randn(2), "steps": torch.arange(3)}
    st = st_save(st_tensors)
    (n,) = struct.unpack_from("<Q", st)
    hdr = json.loads(st[8:8 + n])
    data = st[8 + n:]

    def st_add(name, blob, broken, code, contains, alt=()):
        add(name, blob, broken, code, contains, BASE_ST, alt=alt)

    def edited(fn):
        h = json.loads(json.dumps(hdr))
        fn(h)
        return h

    st_add("st_too_small.safetensors", st[:5], "5 bytes: shorter than the 8-byte header length", "truncated", "header")
    st_add("st_header_len_beyond_file.safetensors", st_file(None, data, raw_header=st[8:8 + n], n_override=len(st)),
           "header length = the file size (header would run past the end)", "truncated", "header", alt=("corrupt",))
    st_add("st_header_len_2p40.safetensors", st_file(None, data, raw_header=st[8:8 + n], n_override=2**40),
           "header length 2**40", "limitExceeded", "header", alt=("truncated",))
    st_add("st_header_len_zero.safetensors", st_file(None, data, raw_header=b"", n_override=0) + st[8:],
           "header length 0 (then the real header bytes follow as 'data')", "corrupt", "header")
    st_add("st_invalid_json.safetensors", st_file(None, data, raw_header=st[8:8 + n // 2] + b" " * (n - n // 2)),
           "header JSON cut in half and padded with spaces", "corrupt", "json", alt=("truncated",))
    st_add("st_non_object_json.safetensors", st_file([1, 2, 3], data), "header is the JSON array [1,2,3]",
           "corrupt", "header")
    st_add("st_invalid_utf8.safetensors", st_file(None, data, raw_header=st[8:8 + n].replace(b"steps", b"st\xffps")),
           "a tensor name in the header holds the byte 0xff (invalid UTF-8)", "corrupt", "utf")

    def overlap(h):
        h["a.weight"]["data_offsets"] = [h["a.weight"]["data_offsets"][0] - 8, h["a.weight"]["data_offsets"][1] - 8]
    st_add("st_overlapping_offsets.safetensors", st_file(edited(overlap), data),
           "a.weight's data_offsets moved 8 bytes back, overlapping the tensor before it", "corrupt", "offset")

    def reversed_range(h):
        b0, e0 = h["a.bias"]["data_offsets"]
        h["a.bias"]["data_offsets"] = [e0, b0]
    st_add("st_offsets_reversed.safetensors", st_file(edited(reversed_range), data),
           "a.bias has data_offsets [end, begin] (end < begin)", "corrupt", "offset")

    def gap(h):
        for k in h:
            if k != "__metadata__":
                h[k]["data_offsets"] = [x + 8 for x in h[k]["data_offsets"]]
    st_add("st_offsets_gap.safetensors", st_file(edited(gap), data + b"\0" * 8),
           "every tensor shifted 8 bytes: the data section starts with 8 unused bytes", "corrupt", "offset")

    def wrong_size(h):
        h["a.weight"]["shape"] = [2, 3]
    st_add("st_wrong_size_for_shape.safetensors", st_file(edited(wrong_size), data),
           "a.weight declares shape [2,3] float32 (24 bytes) over a 16-byte range", "corrupt", "a.weight")

    def unknown_dtype(h):
        h["a.bias"]["dtype"] = "F7"
    st_add("st_unknown_dtype.safetensors", st_file(edited(unknown_dtype), data), "a.bias has dtype 'F7'",
           "unsupported", "f7", alt=("corrupt",))

    def negative_shape(h):
        h["steps"]["shape"] = [-3]
    st_add("st_negative_shape.safetensors", st_file(edited(negative_shape), data), "steps has shape [-3]",
           "corrupt", "steps")

    def overflow_shape(h):
        h["steps"]["shape"] = [2**40, 2**40, 2**40]
    st_add("st_shape_overflow.safetensors", st_file(edited(overflow_shape), data),
           "steps has shape [2**40, 2**40, 2**40]: the byte count overflows", "corrupt", "steps",
           alt=("limitExceeded",))

    def bad_metadata(h):
        h["__metadata__"] = {"format": 1}
    st_add("st_metadata_not_string.safetensors", st_file(edited(bad_metadata), data),
           "__metadata__ value is the integer 1 (must be strings)", "corrupt", "metadata")
    st_add("st_data_truncated.safetensors", st[:-10], "the data section is 10 bytes shorter than the offsets need",
           "truncated", "truncat", alt=("corrupt",))

    # ---- legacy format ----------------------------------------------------------------------------
    b = bytearray(legacy)
    b[4] ^= 0x01
    add("legacy_bad_magic.pt", b, "the legacy magic number (first pickle, LONG1 0x1950a86a20f9469cfc6c) has one bit "
        "flipped", "badMagic", "magic", BASE_LEGACY)
    b = bytearray(legacy)
    assert b[15:21] == b"\x80\x02M\xe9\x03."
    b[18] = 0xE8
    add("legacy_bad_protocol.pt", b, "the legacy protocol version is 1000 instead of 1001", "unsupported", "protocol",
        BASE_LEGACY, alt=("corrupt", "badMagic"))
    ends = []
    p = 0
    for _ in range(5):
        p += list(pickletools.genops(legacy[p:]))[-1][2] + 1
        ends.append(p)
    add("legacy_truncated_after_pickle.pt", legacy[:ends[3]], f"legacy file cut right after the main pickle (offset "
        f"{ends[3]}): the storage key list and the storage bytes are missing", "truncated", "truncat", BASE_LEGACY)
    add("legacy_truncated_in_storage.pt", legacy[:-6], "legacy file missing its last 6 bytes (inside the last storage)",
        "truncated", "truncat", BASE_LEGACY)
    b = bytearray(legacy)
    struct.pack_into("<q", b, ends[4], 2**40)
    add("legacy_storage_numel_huge.pt", b, "the first storage's numel prefix in the data section is 2**40 (the "
        "pickle says 2)", "corrupt", "storage", BASE_LEGACY, alt=("limitExceeded", "truncated"))
    main_pk = legacy[ends[2]:ends[3]]
    pk = main_pk[:-1] + binunicode("payload") + global_op("os", "system") + args_cmd + b"Rs."
    assert main_pk.endswith(b"b.") and recorded_calls(pk)[-1][0] == "os.system"
    add("legacy_global_os_system.pt", legacy[:ends[2]] + pk + legacy[ends[3]:], "legacy file whose main pickle also "
        "sets 'payload' = os.system('" + CMD + "')", "forbiddenGlobal", "os.system", BASE_LEGACY)

    # ---- issue 10: cycles and numpy values ---------------------------------------------------------
    # A reference cycle 100 000 lists long: each list holds the next, the innermost holds the first
    # again (BINGET 0). Cycles are legal (torch loads `d["self"] = d`), but the nesting depth limit
    # still bounds them, and the cyclic node graph must be freed without deep recursion.
    pk = b"\x80\x02]q\x00" + b"]" * (depth - 1) + b"h\x00a" + b"a" * (depth - 1) + b"."
    pk_file("pickle_deep_cycle.pt", pk, f"a cycle of {depth} nested lists (the innermost appends the outermost, "
            "BINGET 0)", "limitExceeded", "depth")
    # A numpy array whose shape says 7 float32 elements over 24 bytes of data.
    import numpy as np
    arr_pk = torchzip.parse(torch_bytes({"stats": {"mean": np.arange(6, dtype=np.float32)}}, "malformed")) \
        .entry("data.pkl").data()
    ops = ops_with_pos(arr_pk)
    build_state = next(i for i, o in enumerate(ops) if o[0] == "MARK" and ops[i + 1][:2] == ("BININT1", 1)
                       and ops[i + 2][:2] == ("BININT1", 6) and ops[i + 3][0] == "TUPLE1")
    bad = replace_ops(arr_pk, {build_state + 2: int_op(7)})
    add("numpy_reconstruct_short_data.pt", torchzip.rewrite(one, {"data.pkl": bad}), "stats/mean is a numpy "
        "_reconstruct whose BUILD state says shape (7,) float32 (28 bytes) over 24 bytes of data (read with --trust: "
        "numpy is not on the weights-only allowlist)", "corrupt", "stats/mean", BASE_ONE, trust=True)

    # ---- issue 13: hostile sizes, refused before anything is allocated ---------------------------
    # The zip64 end record declares 2**40 entries (both counts, so it is not read as multi-disk):
    # a reader that reserved room for the declared count would ask for terabytes.
    b = bytearray(mlp)
    struct.pack_into("<QQ", b, lay.zip64_eocd_offset + 24, 2**40, 2**40)
    add("zip_entry_count_2p40.pt", b, "the zip64 end of central directory record declares 2**40 entries for a "
        "central directory of a few hundred bytes", "corrupt", "entries", BASE_MLP)
    # 70 000 empty lists on the pickle stack, then a byte that is no opcode: the scan of the
    # opcodes reports it before the machine would build 70 000 nodes.
    wide = 70000
    pk_file("pickle_wide_stack_bad_opcode.pt", b"\x80\x02" + b"]" * wide + b"\xff",
            f"{wide} EMPTY_LIST then the byte 0xff (no such opcode)", "corrupt", "not valid here")
    # A bare pickle nested 2000 deep is what torch.load reads as a legacy file: the depth limit,
    # not a missing magic number, is the reason to refuse it.
    deep = 2000
    add("legacy_deep_lists.pt", b"\x80\x02" + b"]" * deep + b"a" * (deep - 1) + b".",
        f"a bare pickle of {deep} nested lists (no zip, no legacy magic number)", "limitExceeded", "depth",
        "none: bytes made here")
    # The legacy header (magic number, protocol, sys_info) intact, then an object pickle nested
    # 2000 deep: refused while the pickles are scanned, before any storage is read.
    deep_main = b"\x80\x02" + b"(" * deep + b")" + b"t" * deep + b"."
    add("legacy_deep_main_pickle.pt", legacy[:ends[2]] + deep_main + legacy[ends[3]:],
        f"legacy file whose object pickle is {deep} nested tuples", "limitExceeded", "depth", BASE_LEGACY)
    # Found by libFuzzer's leak checker (FuzzPickle, debug build): a list appended to itself
    # (BINPUT 0, BINGET 0, APPEND), dropped with POP, its memo slot reused (NONE, BINPUT 0), then a
    # BININT cut short. Read with --trust (torch's weights-only unpickler has no POP): the
    # truncation is the error, and the dropped self-referencing list must still be freed (the leak
    # checkers of `make sanitize-address` and `make fuzz` fail otherwise).
    pk_trust = b"\x80\x02]q\x00h\x00a0Nq\x00J\x01"
    add("pickle_dropped_cycle_truncated.pt", torchzip.rewrite(one, {"data.pkl": pk_trust}),
        "data.pkl appends a list to itself, POPs it, reuses its memo slot, then cuts a BININT short "
        "(read with --trust)", "truncated", "data.pkl", BASE_ONE, trust=True)


# ---------------------------------------------------------------------------------------------------
# what real torch does with each file


def torch_verdict(path: str, timeout=120) -> dict:
    """torch.load(path, weights_only=True) in a forked child (memory-capped, timed): what happened."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))
            signal.alarm(timeout)
            try:
                obj = torch.load(path, weights_only=True)
                res = {"outcome": "loaded", "type": type(obj).__name__}
            except BaseException as e:  # noqa: BLE001
                import inventory
                res = {"outcome": "error", "exception": type(e).__name__, "message": inventory.key_line(e)[:300]}
        except BaseException as e:  # noqa: BLE001
            res = {"outcome": "error", "exception": type(e).__name__, "message": str(e)[:300]}
        os.write(w, json.dumps(res).encode())
        os._exit(0)
    os.close(w)
    chunks = []
    while True:
        c = os.read(r, 65536)
        if not c:
            break
        chunks.append(c)
    os.close(r)
    _, status = os.waitpid(pid, 0)
    if chunks:
        return json.loads(b"".join(chunks))
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return {"outcome": "timeout" if sig == signal.SIGALRM else "crashed", "signal": sig}
    return {"outcome": "crashed", "status": status}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--no-torch", action="store_true", help="skip recording torch.load's behaviour")
    args = ap.parse_args()
    build()
    os.makedirs(args.out, exist_ok=True)
    old = {}
    mpath = os.path.join(args.out, "MANIFEST.json")
    if os.path.exists(mpath):
        old = {f["file"]: f.get("torch_weights_only") for f in json.load(open(mpath))["files"]}
    for name in os.listdir(args.out):
        if name != "MANIFEST.json" and name not in {f["file"] for f in FILES}:
            os.remove(os.path.join(args.out, name))
    entries = []
    for f in FILES:
        path = os.path.join(args.out, f["file"])
        with open(path, "wb") as fh:
            fh.write(f["data"])
        e = {k: v for k, v in f.items() if k != "data"}
        e["size"] = len(f["data"])
        e["sha256"] = hashlib.sha256(f["data"]).hexdigest()
        e["torch_weights_only"] = old.get(f["file"]) if args.no_torch else torch_verdict(path)
        entries.append(e)
        t = e["torch_weights_only"] or {}
        print(f"{f['file']:42s} {f['code']:15s} torch: {t.get('outcome')} {t.get('exception', '')} "
              f"{(t.get('message') or '')[:70]}")
    manifest = {
        "schema": 1,
        "generator": "Scripts/make_malformed_corpus.py",
        "torch": torch.__version__,
        "rule": ("Reading each file must throw FormatError whose code is `code` (or one of `alt_codes`) and whose "
                 "message, lowercased, contains `message_contains`; never crash, hang, or allocate more than the file "
                 "size. `torch_weights_only` is what torch.load(file, weights_only=True) did (context only)."),
        "files": entries,
    }
    with open(mpath, "w") as fh:
        fh.write(json.dumps(manifest, indent=1, ensure_ascii=True) + "\n")
    print(f"{len(entries)} files, {sum(e['size'] for e in entries)} bytes")


if __name__ == "__main__":
    main()
