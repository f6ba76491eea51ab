"""The attribute names of a CRFsuite model file, read the way underthesea_core
reads them (crf/serialization.rs, load_crfsuite).

CRFTagger.tag() looks every feature string up in the model's attributes and
silently drops the unknown ones, keeping the order of the rest. Knowing the
names, the featurizer drops the unknown features itself, before they cross
into Rust: for the chunking and NER models (about 2,000 attributes) that is
most of them. The tags cannot change: the tagger sees the same known features
in the same order.

File layout (little-endian u32): "lCRF", size, "FOMC", version, num_features,
num_labels, num_attrs, off_features, off_labels, off_attrs, ... The attributes
are a CQDB at off_attrs: "CQDB", size, flag, byteorder, bwd_size, bwd_offset;
bwd_offset (from the CQDB's start) holds one entry offset per id, each entry
being id, key size, key bytes (NUL-terminated).
"""
from __future__ import annotations

import struct
from pathlib import Path

_MAGIC = b"lCRF"
_CQDB = b"CQDB"


def attributes(path: str | Path) -> frozenset[str]:
    data = Path(path).read_bytes()
    if data[:4] != _MAGIC:
        raise ValueError(f"{path}: not a CRFsuite model")
    (num_attrs,) = struct.unpack_from("<I", data, 24)
    (cqdb,) = struct.unpack_from("<I", data, 36)
    if data[cqdb:cqdb + 4] != _CQDB:
        raise ValueError(f"{path}: no attribute table")
    bwd_size, bwd_offset = struct.unpack_from("<II", data, cqdb + 16)
    count = min(num_attrs, bwd_size)
    names = set()
    for entry in struct.unpack_from(f"<{count}I", data, cqdb + bwd_offset):
        if entry == 0:  # an empty slot, skipped as underthesea_core does
            continue
        (size,) = struct.unpack_from("<I", data, cqdb + entry + 4)
        key = data[cqdb + entry + 8:cqdb + entry + 8 + size].split(b"\0", 1)[0]
        names.add(key.decode("utf-8", "replace"))
    return frozenset(names)
