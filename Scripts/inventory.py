#!/usr/bin/env python3
"""Inventory of a checkpoint file as real PyTorch sees it (the interop corpus contract).

    python Scripts/inventory.py FILE [--map-location cpu] [--weights-only | --no-weights-only]

prints the inventory JSON of FILE: the same function that writes `Golden/pytorch/interop/*.expected.json`,
and the reference that `repro inspect --json` is compared with in the cross-check step.

Contract (identical to shared/interop/pytorch-2.15/*.expected.json, plus the extra top-level keys below):

* top level: `file` (base name), `torch` (version that loaded it), `format` (`zip` | `legacy` |
  `safetensors`), `note` (when given), `weights_only_ok` (whether
  `torch.load(FILE, weights_only=True, map_location="cpu")` succeeds), `weights_only_error` (its
  exception type and the line saying what was refused, when it fails) and `weights_only_refused_global` (the global
  named by that error, when it is an unsupported/blocked global), `loaded_with` (the options used to
  build `entries`), `metadata` (safetensors only: the `__metadata__` object, `{}` when absent), `entries`.
* `entries`: the loaded object walked depth first in each container's own order; `path` joins dict keys
  (`str(key)`, so optimizer state indices become `"0"`) and list/tuple indices with `/`; the root's path
  is `""`.
* tensor entries: `kind` `"tensor"`, `dtype` (torch name without `torch.`), `shape`, `stride`,
  `storage_offset` (elements), `device` (the storage location written in the file, e.g. `cuda:0`,
  whatever map_location did), `requires_grad`, `parameter` (an `nn.Parameter`), `sha256` (of the
  tensor's contiguous little-endian bytes, logical row-major order) and `head` (the first 4 values in
  logical order, present for floating dtypes, int32, int64 and bool; bool values as 0/1; NaN and
  infinities as the bare JSON tokens `NaN`, `Infinity`, `-Infinity` that Python's json writes).
* other values: `kind` is the Python type name (`int`, `float`, `str`, `bool`, `NoneType`) and
  `value` the value; floats that are NaN or infinite are given as their repr string (`"nan"`, `"inf"`,
  `"-inf"`); ints of any size are JSON integers. Empty dicts/lists/tuples give no entry at all (as in
  the shared corpus, whose `containers.pt` holds `'empty': {}`). Extensions for values the shared
  corpus does not contain: `bytes`/`bytearray` give the hex string; `complex` gives `[real, imag]`; `torch.Size` a list;
  `torch.dtype` / `torch.device` their `str`; sets a sorted list of reprs; instances of classes defined
  outside `builtins` (loaded with weights_only=False) `"<module.QualName object>"` (their repr is
  their own code's business); anything else its `repr`.
* numpy values (loaded with weights_only=False; numpy is not on torch's allowlist): an array gives
  `{"kind": "ndarray", "dtype": dtype.name, "shape": [...], "sha256": ...}` (sha256 of the C-order
  bytes of the loaded array, `np.ascontiguousarray(a).tobytes()`: numpy 2.4 unpickles a big-endian
  array as a native one, so these are little-endian bytes on x86/arm64); a scalar gives `kind` its type
  name (`float64`, `int64`, `bool`) and `value` its `item()` (complex as `[real, imag]`); a
  `numpy.dtype` gives `{"kind": "dtype", "value": dtype.name}`.
* reference cycles: a dict, list, tuple or module met again inside itself gives
  `{"kind": "cycle", "value": P}` where P is the path of that container (`""` for the root).
* whole modules (loaded with weights_only=False): one entry `{"path": P, "kind": "module", "class":
  "<module>.<QualName>"}`, then the entries of `module.state_dict(keep_vars=True)` (the Parameters and
  persistent buffers themselves, so `parameter`/`requires_grad` are as saved) at `P/<key>` (just
  `<key>` for the root module, whose path is `""`).
* containers (folders and archives holding one logical state dict):
  - `sharded-safetensors` / `sharded-torch`: a Hugging Face index (`model.safetensors.index.json`,
    `pytorch_model.bin.index.json`) or its folder. Entries: the shards in sorted file-name order (as
    transformers' `get_checkpoint_shard_files` loads them), each shard's entries in its own order
    (safetensors: data-offset order; torch: the pickled dict's order); `index_metadata` is the index's
    `metadata`; `weights_only_ok` is whether every torch shard loads with weights_only=True.
  - `torchscript`: a `torch.jit.save` archive. Entries: `torch.jit.load(f, map_location="cpu").state_dict()`.
  - `dcp`: a `torch.distributed.checkpoint` folder. Entries: `torch.load` of what
    `torch.distributed.checkpoint.format_utils.dcp_to_torch_save(folder, tmp)` writes.
* safetensors: entries in header order, stably sorted by `data_offsets` (the shared corpus's two
  safetensors inventories list the in-memory dict's order instead, which the file does not record);
  `device` is `cpu`.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import math
import os
import re
import struct
import sys
from typing import Any

import torch

HEAD_COUNT = 4


def file_format(path: str) -> str:
    """`zip` (starts with PK\\x03\\x04), `safetensors` (u64 header length then `{`), else `legacy`."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if len(head) >= 9:
        (n,) = struct.unpack("<Q", head[:8])
        if 0 < n <= os.path.getsize(path) - 8 and head[8:9] in (b"{", b" "):
            return "safetensors"
    if path.endswith(".safetensors"):
        return "safetensors"
    return "legacy"


SHARD_INDEXES = {"model.safetensors.index.json": "sharded-safetensors",
                 "pytorch_model.bin.index.json": "sharded-torch"}


def container_format(path: str) -> str | None:
    """`sharded-safetensors`, `sharded-torch`, `dcp` or `torchscript` for containers, else None."""
    if os.path.isdir(path):
        for name, fmt in SHARD_INDEXES.items():
            if os.path.exists(os.path.join(path, name)):
                return fmt
        if os.path.exists(os.path.join(path, ".metadata")):
            return "dcp"
        return None
    if path.endswith(".index.json"):
        with open(path, encoding="utf-8") as f:
            shards = set(json.load(f)["weight_map"].values())
        return "sharded-safetensors" if all(s.endswith(".safetensors") for s in shards) else "sharded-torch"
    import zipfile
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            if any(n.endswith("/constants.pkl") for n in z.namelist()):
                return "torchscript"
    return None


def _index_path(path: str) -> str:
    if not os.path.isdir(path):
        return path
    for name in SHARD_INDEXES:
        if os.path.exists(os.path.join(path, name)):
            return os.path.join(path, name)
    raise FileNotFoundError(f"{path}: no shard index")


def _container_inventory(path: str, fmt: str, inv: dict) -> list:
    entries: list = []
    if fmt.startswith("sharded-"):
        index_path = _index_path(path)
        with open(index_path, encoding="utf-8") as f:
            index = json.load(f)
        inv["index_metadata"] = index.get("metadata", {})
        folder = os.path.dirname(index_path)
        shards = sorted(set(index["weight_map"].values()))
        inv["shards"] = shards
        ok = True
        for shard in shards:
            p = os.path.join(folder, shard)
            if fmt == "sharded-safetensors":
                _, items = _load_safetensors(p)
                for name, t in items:
                    entries.append(tensor_entry(name, t, "cpu"))
            else:
                ok = ok and weights_only_verdict(p)["weights_only_ok"]
                obj, device_of = _load_torch(p, None, True)
                walk(obj, "", device_of, entries)
        inv["weights_only_ok"] = ok
        inv["loaded_with"] = {"loader": "transformers order: sorted(set(weight_map.values())), each shard loaded whole"}
    elif fmt == "torchscript":
        inv.update(weights_only_verdict(path))
        inv["loaded_with"] = {"loader": "torch.jit.load(f, map_location='cpu').state_dict()"}
        sd = torch.jit.load(path, map_location="cpu").state_dict()
        walk(sd, "", lambda t: "cpu", entries)
    elif fmt == "dcp":
        import tempfile
        from torch.distributed.checkpoint.format_utils import dcp_to_torch_save
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "dcp.pt")
            dcp_to_torch_save(path, out)
            inv["weights_only_ok"] = weights_only_verdict(out)["weights_only_ok"]
            obj, device_of = _load_torch(out, None, True)
        inv["loaded_with"] = {"loader": "torch.load(dcp_to_torch_save(folder))"}
        walk(obj, "", device_of, entries)
    return entries


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).replace("torch.", "")


def tensor_bytes(t: torch.Tensor) -> bytes:
    """The tensor's contiguous little-endian bytes (logical row-major order)."""
    c = t.detach().cpu().contiguous().reshape(-1)
    if c.numel() == 0:
        return b""
    data = c.view(torch.uint8).numpy().tobytes()
    if sys.byteorder != "little" and c.element_size() > 1:  # pragma: no cover (x86 / arm64 hosts)
        raise RuntimeError("inventory.py assumes a little-endian host")
    return data


def _has_head(dtype: torch.dtype) -> bool:
    return dtype.is_floating_point or dtype in (torch.int32, torch.int64, torch.bool)


def tensor_head(t: torch.Tensor) -> list:
    flat = t.detach().cpu().reshape(-1)[:HEAD_COUNT]
    if t.dtype == torch.bool:
        return [int(v) for v in flat.tolist()]
    if t.dtype.is_floating_point:
        return [float(v) for v in flat.double().tolist()] if t.dtype != torch.float64 else flat.tolist()
    return [int(v) for v in flat.tolist()]


def _float_value(v: float):
    return repr(v) if (math.isnan(v) or math.isinf(v)) else v


def tensor_entry(path: str, t: torch.Tensor, device: str) -> dict:
    e = {
        "path": path,
        "kind": "tensor",
        "dtype": _dtype_name(t.dtype),
        "shape": list(t.shape),
        "stride": list(t.stride()),
        "storage_offset": t.storage_offset(),
        "device": device,
        "requires_grad": bool(t.requires_grad),
        "parameter": isinstance(t, torch.nn.Parameter),
        "sha256": hashlib.sha256(tensor_bytes(t)).hexdigest(),
    }
    if _has_head(t.dtype):
        e["head"] = tensor_head(t)
    return e


def _join(prefix: str, key: str) -> str:
    return key if prefix == "" else prefix + "/" + key


def _numpy():
    """numpy, if this process has already imported it (a file holding numpy values makes torch.load
    import it); never imported just for the inventory."""
    return sys.modules.get("numpy")


def _numpy_entry(path: str, v: Any):
    """The entry of a numpy array, scalar or dtype, or None if `v` is none of them."""
    np = _numpy()
    if np is None:
        return None
    if isinstance(v, np.ndarray) and v.dtype.kind in "biufc":
        return {"path": path, "kind": "ndarray", "dtype": v.dtype.name, "shape": list(v.shape),
                "sha256": hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest()}
    if isinstance(v, np.generic) and v.dtype.kind in "biufc":
        x = v.item()
        if isinstance(x, complex):
            value = [_float_value(x.real), _float_value(x.imag)]
        elif isinstance(x, float):
            value = _float_value(x)
        else:
            value = x
        return {"path": path, "kind": type(v).__name__, "value": value}
    if isinstance(v, np.dtype) and v.kind in "biufc":
        return {"path": path, "kind": "dtype", "value": v.name}
    return None


def _value_entry(path: str, v: Any) -> dict:
    numpy_entry = _numpy_entry(path, v)
    if numpy_entry is not None:
        return numpy_entry
    kind = type(v).__name__
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        value = v
    elif isinstance(v, float):
        value = _float_value(v)
    elif isinstance(v, (bytes, bytearray)):
        value = bytes(v).hex()
    elif isinstance(v, complex):
        value = [_float_value(v.real), _float_value(v.imag)]
    elif isinstance(v, torch.Size):
        value = list(v)
    elif isinstance(v, (torch.dtype, torch.device)):
        value = str(v)
    elif isinstance(v, (set, frozenset)):
        value = sorted(repr(x) for x in v)
    elif type(v).__module__ != "builtins":
        value = f"<{type(v).__module__}.{type(v).__qualname__} object>"
    else:
        value = repr(v)
    return {"path": path, "kind": kind, "value": value}


def walk(obj: Any, path: str, device_of, out: list, enclosing: dict | None = None) -> None:
    """Append the entries of `obj` (at `path`) to `out`, depth first in container order.
    `enclosing` maps the id of each container being walked to its path (reference cycles)."""
    enclosing = {} if enclosing is None else enclosing
    if not isinstance(obj, (dict, list, tuple, torch.nn.Module)):
        _walk_children(obj, path, device_of, out, enclosing)
        return
    if id(obj) in enclosing:
        out.append({"path": path, "kind": "cycle", "value": enclosing[id(obj)]})
        return
    enclosing[id(obj)] = path
    try:
        _walk_children(obj, path, device_of, out, enclosing)
    finally:
        del enclosing[id(obj)]


def _walk_children(obj: Any, path: str, device_of, out: list, enclosing: dict) -> None:
    if isinstance(obj, torch.Tensor):
        out.append(tensor_entry(path, obj, device_of(obj)))
    elif isinstance(obj, torch.nn.Module):
        cls = type(obj)
        out.append({"path": path, "kind": "module", "class": f"{cls.__module__}.{cls.__qualname__}"})
        for k, v in obj.state_dict(keep_vars=True).items():
            walk(v, _join(path, k), device_of, out, enclosing)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            walk(v, _join(path, str(k)), device_of, out, enclosing)
    elif isinstance(obj, (list, tuple)) and not isinstance(obj, torch.Size):
        for i, v in enumerate(obj):
            walk(v, _join(path, str(i)), device_of, out, enclosing)
    else:
        out.append(_value_entry(path, v=obj))


def _first_line(e: BaseException) -> str:
    s = str(e).strip()
    return s.splitlines()[0] if s else ""


_KEY_LINE = re.compile(r"WeightsUnpickler error: (.+)|(Trying to load unsupported GLOBAL .+)|(Unsupported operand .+)")


def key_line(e: BaseException) -> str:
    """The line of a torch.load error that says what was refused (weights_only errors start with a
    long generic preamble); the first line otherwise."""
    for line in str(e).splitlines():
        m = _KEY_LINE.search(line.strip())
        if m and (m.group(1) or "").strip() != "":
            return m.group(1).strip()
        if m and (m.group(2) or m.group(3)):
            return (m.group(2) or m.group(3)).strip()
    return _first_line(e)


_GLOBAL_RES = [
    re.compile(r"Unsupported global: GLOBAL ([\w.]+) was not an allowed global"),
    re.compile(r"unsupported GLOBAL ([\w.]+) whose module"),
]


def weights_only_verdict(path: str) -> dict:
    """What `torch.load(path, weights_only=True, map_location="cpu")` does with the file."""
    try:
        torch.load(path, weights_only=True, map_location="cpu")
        return {"weights_only_ok": True}
    except Exception as e:  # noqa: BLE001 - any refusal is the verdict
        verdict = {"weights_only_ok": False,
                   "weights_only_error": f"{type(e).__name__}: {key_line(e)}"}
        for rx in _GLOBAL_RES:
            m = rx.search(str(e))
            if m:
                verdict["weights_only_refused_global"] = m.group(1)
                break
        return verdict


def _load_torch(path: str, map_location: str | None, weights_only: bool):
    """torch.load, recording each storage's location tag as written in the file."""
    locations: dict[int, str] = {}

    def restore(storage, location):
        target = location if map_location is None else map_location
        result = torch.serialization.default_restore_location(storage, target)
        locations[result._cdata] = location
        return result

    obj = torch.load(path, map_location=restore, weights_only=weights_only)

    def device_of(t: torch.Tensor) -> str:
        return locations.get(t.untyped_storage()._cdata, str(t.device))

    return obj, device_of


def _load_safetensors(path: str):
    from safetensors.torch import load_file
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    metadata = header.pop("__metadata__", None) or {}
    names = sorted(header, key=lambda k: tuple(header[k]["data_offsets"]))  # stable: header order on ties
    tensors = load_file(path)
    return metadata, [(k, tensors[k]) for k in names]


def inventory(path: str, *, map_location: str | None = None, weights_only: bool = True,
              note: str | None = None, extra: dict | None = None) -> dict:
    """The inventory dict of `path` (see the module docstring). Raises what torch.load raises."""
    container = container_format(path)
    fmt = container or file_format(path)
    inv: dict[str, Any] = {"file": os.path.basename(os.path.normpath(path)), "torch": torch.__version__}
    if note is not None:
        inv["note"] = note
    inv["format"] = fmt
    if container is not None:
        inv["entries"] = _container_inventory(path, container, inv)
        return inv
    inv.update(weights_only_verdict(path))
    if extra:
        inv.update(extra)
    entries: list = []
    if fmt == "safetensors":
        import safetensors
        inv["safetensors"] = safetensors.__version__
        inv["loaded_with"] = {"loader": "safetensors.torch.load_file"}
        metadata, items = _load_safetensors(path)
        inv["metadata"] = metadata
        for name, t in items:
            entries.append(tensor_entry(name, t, "cpu"))
    else:
        inv["loaded_with"] = {"weights_only": weights_only, "map_location": map_location}
        obj, device_of = _load_torch(path, map_location, weights_only)
        walk(obj, "", device_of, entries)
    inv["entries"] = entries
    return inv


def dumps(inv: dict) -> str:
    """The JSON text written for an inventory (indent 1, ASCII, NaN/Infinity allowed in heads)."""
    return json.dumps(inv, indent=1, ensure_ascii=True, allow_nan=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--map-location", default=None,
                    help="map every storage to this device (e.g. cpu); default: the file's own tags")
    ap.add_argument("--weights-only", dest="weights_only", action=argparse.BooleanOptionalAction,
                    default=True, help="load with torch.load(weights_only=...) (default: true)")
    ap.add_argument("--note", default=None)
    args = ap.parse_args(argv)
    try:
        inv = inventory(args.file, map_location=args.map_location, weights_only=args.weights_only,
                        note=args.note)
    except Exception as e:  # noqa: BLE001
        err = {"file": os.path.basename(args.file), "torch": torch.__version__,
               "error": {"type": type(e).__name__, "message": key_line(e)}}
        sys.stdout.write(dumps(err))
        return 1
    sys.stdout.write(dumps(inv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
