#!/usr/bin/env python3
"""Broken container checkpoints: Golden/malformed-containers/ + MANIFEST.json.

    .venv/bin/python Scripts/make_container_malformed.py

Each case copies a good container from Golden/pytorch/{sharded,dcp,torchscript} (made by
make_sharded_goldens.py, make_dcp_goldens.py, make_torchscript_goldens.py) and breaks one thing.
MANIFEST.json lists, per case, the path to open (a folder, an index or an archive), what is broken,
the FormatError code Repro must give, a string its message must contain (naming the file and the
key), and what real torch / huggingface_hub did with it (`Scripts/inventory.py`'s loader; context
only). Kept apart from Golden/malformed/ because these are folders, which make_malformed_corpus.py
does not manage.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import pickle
import shutil
import sys
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inventory  # noqa: E402

ROOT = os.path.dirname(HERE)
GOLDEN = os.path.join(ROOT, "Golden", "pytorch")
OUT = os.path.join(ROOT, "Golden", "malformed-containers")
CASES = []


def add(path, broken, code, contains, alt=()):
    CASES.append({"file": path, "broken": broken, "code": code, "alt_codes": list(alt),
                  "message_contains": contains})


def copy(src, name):
    dst = os.path.join(OUT, name)
    shutil.copytree(os.path.join(GOLDEN, src), dst)
    return dst


def sharded():
    d = copy("sharded/st", "index_missing_shard")
    os.remove(os.path.join(d, "model-00003-of-00005.safetensors"))
    add("index_missing_shard", "model.safetensors.index.json names model-00003-of-00005.safetensors, which was deleted",
        "corrupt", "model.safetensors.index.json: weight_map['norm.weight'] names shard 'model-00003-of-00005.safetensors', which does not exist")

    from safetensors.torch import load_file, save_file
    d = copy("sharded/st", "index_key_in_two_shards")
    five = os.path.join(d, "model-00005-of-00005.safetensors")
    four = load_file(os.path.join(d, "model-00004-of-00005.safetensors"))
    tensors = load_file(five)
    tensors["fc2.weight"] = four["fc2.weight"]  # also in shard 4, where the index puts it
    save_file(tensors, five, metadata={"format": "pt"})
    add("index_key_in_two_shards", "fc2.weight is in model-00004 (as the index says) and also in model-00005",
        "corrupt", "model.safetensors.index.json: key 'fc2.weight' is in two shards: 'model-00004-of-00005.safetensors' and 'model-00005-of-00005.safetensors'")

    d = copy("sharded/st", "index_unlisted_key")
    p = os.path.join(d, "model.safetensors.index.json")
    index = json.load(open(p))
    del index["weight_map"]["steps"]
    with open(p, "w") as f:
        json.dump(index, f, indent=2)
    add("index_unlisted_key", "the index no longer lists 'steps', which model-00002 holds", "corrupt",
        "model.safetensors.index.json: shard 'model-00002-of-00005.safetensors' holds key 'steps', which the index does not list")

    d = copy("sharded/bin", "index_key_not_in_shard")
    p = os.path.join(d, "pytorch_model.bin.index.json")
    index = json.load(open(p))
    index["weight_map"]["decoder.weight"] = "pytorch_model-00003-of-00006.bin"
    with open(p, "w") as f:
        json.dump(index, f, indent=2)
    add("index_key_not_in_shard/pytorch_model.bin.index.json", "the index puts 'decoder.weight' in pytorch_model-00003, which lacks it",
        "corrupt", "pytorch_model.bin.index.json: key 'decoder.weight' is not in shard 'pytorch_model-00003-of-00006.bin'")


def dcp():
    d = copy("dcp/sharded", "dcp_missing_file")
    os.remove(os.path.join(d, "__1_0.distcp"))
    add("dcp_missing_file", "__1_0.distcp (rank 1's pieces) was deleted", "corrupt",
        ".metadata: 'model.fc.weight' is stored in '__1_0.distcp', which does not exist")

    from torch.distributed.checkpoint.metadata import ChunkStorageMetadata, MetadataIndex
    d = copy("dcp/sharded", "dcp_overlapping_chunks")
    p = os.path.join(d, ".metadata")
    with open(p, "rb") as f:
        meta = pickle.load(f)
    md = meta.state_dict_metadata["model.fc.weight"]
    old = md.chunks[1]
    md.chunks[1] = ChunkStorageMetadata(offsets=torch.Size([2, 0]), sizes=torch.Size([2, 3]))
    new_storage = {}
    for k, v in meta.storage_data.items():
        if k.fqn == "model.fc.weight" and tuple(k.offset) == tuple(old.offsets):
            k = MetadataIndex(fqn=k.fqn, offset=torch.Size([2, 0]), index=k.index)
        new_storage[k] = v
    meta.storage_data = new_storage
    with open(p, "wb") as f:
        pickle.dump(meta, f)
    add("dcp_overlapping_chunks", "model.fc.weight's rank-1 chunk moved to rows 2-3 (offsets [2, 0]), overlapping rank 0's rows 0-2",
        "corrupt", "'model.fc.weight': chunks 0 (offsets [0, 0], sizes [3, 3]) and 1 (offsets [2, 0], sizes [2, 3]) overlap")


def torchscript():
    src = os.path.join(GOLDEN, "torchscript", "scripted.pt")
    data = open(src, "rb").read()
    with open(os.path.join(OUT, "ts_truncated.pt"), "wb") as f:
        f.write(data[: len(data) // 2])
    add("ts_truncated.pt", f"scripted.pt cut to {len(data) // 2} of {len(data)} bytes (no central directory)",
        "truncated", "truncat", alt=("corrupt", "badMagic"))

    def rewrite(name, drop):
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(os.path.join(OUT, name), "w") as zout:
            for info in zin.infolist():
                if not drop(info.filename):
                    zout.writestr(info, zin.read(info.filename))
    rewrite("ts_missing_record.pt", lambda n: n == "scripted/data/3")
    add("ts_missing_record.pt", "scripted.pt without the record scripted/data/3 (bn.weight's storage)",
        "corrupt", "scripted/data/3")
    rewrite("ts_no_code.pt", lambda n: n.startswith("scripted/code/"))
    add("ts_no_code.pt", "scripted.pt without its code/ folder (the module classes' declarations)",
        "corrupt", "scripted/data.pkl: the root object __torch__.Model is not a module class declared under code/")


def torch_verdict(path):
    try:
        inv = inventory.inventory(path)
        return {"outcome": "loaded", "entries": len(inv["entries"])}
    except BaseException as e:  # noqa: BLE001
        message = inventory.key_line(e).replace(ROOT + os.sep, "")
        return {"outcome": "error", "exception": type(e).__name__, "message": message[:300]}


def digest(path):
    h = hashlib.sha256()
    paths = [path] if os.path.isfile(path) else sorted(
        os.path.join(path, n) for n in os.listdir(path))
    for p in paths:
        h.update(os.path.basename(p).encode() + b"\0" + open(p, "rb").read())
    return h.hexdigest()


def main():
    assert torch.__version__.startswith("2.13."), torch.__version__
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    sharded()
    dcp()
    torchscript()
    for c in CASES:
        full = os.path.join(OUT, c["file"])
        c["torch"] = torch_verdict(full)
        print(f"{c['file']:50s} {c['code']:10s} torch: {c['torch']}")
    manifest = {
        "schema": 1, "generator": "Scripts/make_container_malformed.py", "torch": torch.__version__,
        "rule": ("Opening each `file` (a folder, an index or an archive) with Checkpoint.load must throw FormatError "
                 "whose code is `code` (or one of `alt_codes`) and whose description contains `message_contains`. "
                 "`torch` is what Scripts/inventory.py's loader (torch / huggingface_hub / dcp_to_torch_save) did."),
        "files": CASES,
    }
    with open(os.path.join(OUT, "MANIFEST.json"), "w") as f:
        f.write(json.dumps(manifest, indent=1) + "\n")


if __name__ == "__main__":
    main()
