"""The key reference of docs/campaign-format.md, generated from the model.

``python -m toolbox.campaign.schema_doc`` rewrites the part of the document between its
markers; a test fails when the document and the model disagree.
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from pathlib import Path
from typing import Any

from . import model

START, END = "<!-- keys:start -->", "<!-- keys:end -->"

TABLES = [
    ("[campaign]", model.CampaignInfo),
    ("[[groups]]", model.TargetGroup),
    ("[[countries.XX.hotlines]]", model.Hotline),
    ("[[regional_hotlines]]", model.RegionalHotline),
    ("[[countries.XX.services]]", model.Service),
    ("[countries.XX]", model.Country),
    ("[[partners]]", model.Partner),
    ("[[assets]]", model.Asset),
    ('[locales."tag"]', model.LocaleDecl),
]


def _type_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is list:
        return "list of " + _type_name(typing.get_args(hint)[0]) + "s"
    if origin is dict:
        return "table"
    if origin in (typing.Union, __import__("types").UnionType):
        return _type_name(next(a for a in typing.get_args(hint) if a is not type(None)))
    return {"str": "text", "bool": "true/false", "int": "number", "date": "date"}.get(getattr(hint, "__name__", str(hint)),
                                                                                      getattr(hint, "__name__", str(hint)))


def _default(f: dataclasses.Field) -> str:
    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
        return "**required**"
    value = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[operator]  # one of the two is set (above)
    if value in ("", [], {}, None):
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    return f"`{value!r}`".replace("'", '"')


def reference() -> str:
    parts = []
    for title, cls in TABLES:
        hints = typing.get_type_hints(cls)
        rows = [f"### `{title}`", "", "| key | type | default | meaning |", "|---|---|---|---|"]
        for f in dataclasses.fields(cls):
            if f.metadata.get("internal") or dataclasses.is_dataclass(hints[f.name]) or (
                typing.get_origin(hints[f.name]) in (list, dict)
                and dataclasses.is_dataclass(typing.get_args(hints[f.name])[-1])
            ):
                continue
            rows.append(f"| `{f.name}` | {_type_name(hints[f.name])} | {_default(f)} | {f.metadata.get('doc', '')} |")
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


def render_into(text: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{reference()}\n{END}{tail}"


if __name__ == "__main__":
    doc = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/campaign-format.md")
    doc.write_text(render_into(doc.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {doc}")
