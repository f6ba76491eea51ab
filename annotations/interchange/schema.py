"""One definition per export format of its records: every record has exactly
these keys with these types (a nullable field is null only where the format
says). ``json_schema`` makes the JSON Schema published in docs/schemas/
(``python -m annotations.interchange.schema docs/schemas`` writes them; a test
checks they are current) and ``problems`` checks a record against the same
definition, so no JSON Schema library is needed.

A type is a small expression: ``str``, ``int``, ``float`` (any JSON number),
``bool``, ``Opt(t)`` (t or null), ``List(t)``, ``Tuple(t, ...)`` (a fixed-length
array) and ``Obj({key: t})`` (exactly these keys).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import orjson


@dataclass(frozen=True)
class Opt:
    t: object


@dataclass(frozen=True)
class List:
    t: object


@dataclass(frozen=True)
class Tuple:
    ts: tuple


@dataclass(frozen=True)
class Obj:
    fields: dict


ENTITY = Obj({"start": int, "end": int, "label": str, "text": str, "source": str})
NATIVE_META = {
    "id": str, "report_id": str, "report_title": str, "report_date": Opt(str),
    "start": Opt(int), "end": Opt(int), "orphaned": bool,
    "sentence_start": Opt(int), "sentence_end": Opt(int), "note": str, "annotator": str,
    "source": str, "score": Opt(float), "model_version": Opt(str), "created_at": str,
    "updated_at": str, "report_sha256": str, "report_done": bool,
}
NATIVE = Obj({"id": str, "report_id": str, "report_title": str, "report_date": Opt(str),
              "label": Opt(str), "text": str, "start": Opt(int), "end": Opt(int),
              "orphaned": bool, "sentence_start": Opt(int), "sentence_end": Opt(int),
              "entities": List(ENTITY), "note": str, "annotator": str, "source": str,
              "score": Opt(float), "model_version": Opt(str), "created_at": str,
              "updated_at": str, "report_sha256": str, "report_done": bool})
GOLD_EXTRA = {"gold": str, "adjudicator": Opt(str), "agreed": List(str)}

_TOKEN = Obj({"text": str, "start": int, "end": int, "id": int, "ws": bool})
_SPAN = Obj({"start": int, "end": int, "label": str, "token_start": int, "token_end": int,
             "source": str})
_PRODIGY_META = Obj({**NATIVE_META, "input_hash": int, "task_hash": int})
_PRODIGY_BASE = {"text": str, "answer": str, "_view_id": str, "_annotator_id": str,
                 "_session_id": str, "meta": _PRODIGY_META, "tokens": List(_TOKEN),
                 "spans": List(_SPAN)}
# doccano's pandas step turns a null beside numbers into NaN, which its meta
# column refuses: numbers are never null there (-1: none, documented)
_DOCCANO_META = {k: (int if v == Opt(int) else float if v == Opt(float) else v)
                 for k, v in NATIVE_META.items()}
_LS_RESULT = Obj({"id": str, "from_name": str, "to_name": str, "type": str,
                  "value": Obj({"start": int, "end": int, "text": str, "labels": List(str)})})

SCHEMAS: dict[str, Obj] = {
    "native": NATIVE,
    "prodigy": Obj({"text": str, "label": str, **_PRODIGY_BASE}),
    "prodigy-choice": Obj({"text": str, "options": List(Obj({"id": str, "text": str})),
                           "accept": List(str), **{k: v for k, v in _PRODIGY_BASE.items()
                                                   if k != "text"}}),
    "doccano": Obj({"text": str, "label": List(str), **_DOCCANO_META,
                    "entities": List(Tuple((int, int, str)))}),
    "doccano-seq": Obj({"text": str, "label": List(Tuple((int, int, str))), "report_id": str,
                        "report_title": str, "report_date": str, "report_sha256": str}),
    "labelstudio": Obj({"data": Obj({"text": str, "report_id": str, "report_title": str,
                                     "report_date": str, "report_sha256": str,
                                     "annotators": List(str)}),
                        "annotations": List(Obj({"result": List(_LS_RESULT)})),
                        "predictions": List(Obj({"model_version": str,
                                                 "result": List(_LS_RESULT)}))}),
}


def with_gold(schema: Obj, into: str | None = None) -> Obj:
    """A format's schema for ``--gold`` records (the gold fields at the top
    level, or inside ``into``)."""
    if into is None:
        return Obj({**schema.fields, **GOLD_EXTRA})
    inner = schema.fields[into]
    return Obj({**schema.fields, into: Obj({**inner.fields, **GOLD_EXTRA})})


_JSON = {str: "string", int: "integer", float: "number", bool: "boolean"}


def json_schema(t) -> dict:
    """The JSON Schema (draft 2020-12) of a type expression."""
    if isinstance(t, type) and t in _JSON:
        return {"type": _JSON[t]}
    if isinstance(t, Opt):
        inner = json_schema(t.t)
        return {**inner, "type": [inner["type"], "null"]}
    if isinstance(t, List):
        return {"type": "array", "items": json_schema(t.t)}
    if isinstance(t, Tuple):
        return {"type": "array", "prefixItems": [json_schema(x) for x in t.ts],
                "minItems": len(t.ts), "maxItems": len(t.ts)}
    return {"type": "object", "properties": {k: json_schema(v) for k, v in t.fields.items()},
            "required": list(t.fields), "additionalProperties": False}


def document(fmt: str) -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://baocao.invalid/schemas/{fmt}.json",
            "title": f"baocao export, format {fmt} (one record)", **json_schema(SCHEMAS[fmt])}


def _is(v, t) -> bool:
    if t is bool:
        return type(v) is bool
    if t is int:
        return type(v) is int
    if t is float:
        return type(v) in (int, float)
    return type(v) is t


def problems(value, t, where: str = "$") -> list[str]:
    """Where ``value`` departs from type ``t`` ([] when it fits)."""
    if isinstance(t, type) and t in _JSON:
        return [] if _is(value, t) else [f"{where}: expected {_JSON[t]}, got {value!r:.40}"]
    if isinstance(t, Opt):
        return [] if value is None else problems(value, t.t, where)
    if isinstance(t, List):
        if type(value) is not list:
            return [f"{where}: expected an array"]
        return [p for i, v in enumerate(value) for p in problems(v, t.t, f"{where}[{i}]")]
    if isinstance(t, Tuple):
        if type(value) is not list or len(value) != len(t.ts):
            return [f"{where}: expected an array of {len(t.ts)}"]
        return [p for i, (v, x) in enumerate(zip(value, t.ts)) for p in problems(v, x, f"{where}[{i}]")]
    if type(value) is not dict:
        return [f"{where}: expected an object"]
    if list(value) != list(t.fields):
        return [f"{where}: keys {list(value)} are not {list(t.fields)}"]
    return [p for k, x in t.fields.items() for p in problems(value[k], x, f"{where}.{k}")]


_HF = {str: "string", int: "int64", float: "float64", bool: "bool"}
_PD = {str: "string", int: "Int64", float: "Float64", bool: "boolean"}


def _hf(t) -> str:
    t = t.t if isinstance(t, Opt) else t
    if isinstance(t, List):
        return f"[{_hf(t.t)}]"
    if isinstance(t, Obj):
        return "{" + ", ".join(f'"{k}": {_hf(v)}' for k, v in t.fields.items()) + "}"
    return f'Value("{_HF[t]}")'


def features_snippet(fmt: str = "native") -> str:
    """Hugging Face ``datasets.Features`` of a format, as code for docs/exports.md."""
    body = "".join(f'    "{k}": {_hf(v)},\n' for k, v in SCHEMAS[fmt].fields.items())
    return f"from datasets import Features, Value\n\nFEATURES = Features({{\n{body}}})\n"


def pandas_snippet(fmt: str = "native") -> str:
    """pandas dtypes of a format's scalar columns (nullable ones where null
    may occur), as code for docs/exports.md."""
    fields = SCHEMAS[fmt].fields
    base = {k: v.t if isinstance(v, Opt) else v for k, v in fields.items()}
    body = "".join(f'    "{k}": "{_PD[t]}",\n' for k, t in base.items() if isinstance(t, type) and t in _PD)
    nullable = [k for k, v in fields.items() if isinstance(v, Opt)]
    return (f"DTYPES = {{\n{body}}}\n"
            f"NULLABLE = {nullable!r}  # empty cells in the CSV export\n").replace("'", '"')


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in SCHEMAS:
        path = folder / f"{fmt}.schema.json"
        path.write_bytes(orjson.dumps(document(fmt), option=orjson.OPT_INDENT_2) + b"\n")
        out.append(path)
    return out


if __name__ == "__main__":
    for p in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas")):
        print(p)
