"""What WeasyPrint's PDF/X output lacks, added after it is written (pikepdf).

- The output intent: WeasyPrint names it after the profile's description, writes
  no ``RegistryName`` and gives the ICC stream ``/N 1``; here it gets the
  registered condition (``FOGRA39``), ``http://www.color.org``, the condition in
  words and ``/N 4``.
- Colours WeasyPrint writes as RGB whatever the CSS says (crop marks, the
  initial fill colour of text, hairlines): ``rg``/``RG`` operators become
  ``k``/``K`` through the same converter as the CSS, in pages and forms.
- Lab colour spaces WeasyPrint declares on every page but nothing uses are
  removed, so the preflight finds no Lab object.
- WeasyPrint's PDF/X metadata carries a random ``xmpMM:DocumentID`` (and the
  file identifier hashes it): both are derived from the document here, so the
  same input gives the same bytes.
- PDF/X-1a allows no transparency, yet WeasyPrint draws crop marks as
  fill-and-stroke paths with an invisible fill (``ca 0``) inside transparency
  groups: for X-1a those fills are dropped (the strokes stay), and a form whose
  content is then opaque loses its transparency group. Real transparency in the
  templates (opacity, rgba) stays, and the preflight reports it.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from typing import Any

import pikepdf

from .cmyk import Converter
from .pressdata import PressProfile


def _instructions(stream: Any, operators: str = "") -> list[Any]:
    """A content stream's (operands, operator) pairs (pikepdf's stubs do not say its instructions unpack)."""
    return list(pikepdf.parse_content_stream(stream, operators))

_RGB_OPS = {"rg": "k", "RG": "K"}
_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]{36}")


def finish(data: bytes, profile: PressProfile, converter: Converter, opaque: bool = False) -> bytes:
    """Complete a WeasyPrint PDF/X file; ``opaque`` (PDF/X-1a): remove the transparency only the crop marks use."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _output_intent(pdf, profile)
        seen: set[tuple[int, int]] = set()
        for page in pdf.pages:
            _recolour(pdf, page.obj, seen, converter, is_page=True)
            _drop_unused_lab(page.obj)
        _stable_document_id(pdf)
        if opaque:
            done: set = set()
            for page in pdf.pages:
                resources: Any = page.obj.get("/Resources") or {}
                for xobject in (resources.get("/XObject") or {}).values():
                    if xobject.get("/Subtype") == "/Form":
                        _drop_invisible_fills(xobject, done)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _stable_document_id(pdf: pikepdf.Pdf) -> None:
    meta = pdf.Root.get("/Metadata")
    if meta is None:
        return
    xmp = meta.read_bytes()
    if not _DOCUMENT_ID.search(xmp):
        return
    digest = hashlib.sha256(_DOCUMENT_ID.sub(b"xmp.did:", xmp))
    for page in pdf.pages:
        for stream in page.obj.Contents if isinstance(page.obj.Contents, pikepdf.Array) else [page.obj.Contents]:
            digest.update(stream.read_raw_bytes())
    stable = uuid.UUID(bytes=digest.digest()[:16], version=4)
    meta.write(_DOCUMENT_ID.sub(f"xmp.did:{stable}".encode(), xmp))
    # WeasyPrint's file identifier is a hash over bytes that held the random id: derive it anew.
    pdf.trailer.ID = pikepdf.Array([pikepdf.String(stable.bytes), pikepdf.String(stable.bytes)])


def _output_intent(pdf: pikepdf.Pdf, profile: PressProfile) -> None:
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        return
    for intent in intents:
        intent.OutputConditionIdentifier = pikepdf.String(profile.condition)
        intent.OutputCondition = pikepdf.String(profile.info)
        intent.Info = pikepdf.String(profile.name)
        if profile.registry:
            intent.RegistryName = pikepdf.String(profile.registry)
        icc = intent.get("/DestOutputProfile")
        if icc is not None:
            icc.N = 4


def _recolour(pdf: pikepdf.Pdf, obj: Any, seen: set, converter: Converter, is_page: bool = False) -> None:
    key = obj.objgen
    if key in seen and key != (0, 0):
        return
    seen.add(key)
    resources = obj.get("/Resources")
    if is_page:
        instructions = _instructions(pikepdf.Page(obj))
    else:
        instructions = _instructions(obj)
    changed = False
    out: list[Any] = []
    for operands, operator in instructions:
        name = str(operator)
        if name in _RGB_OPS and len(operands) == 3:
            r, g, b = (max(0, min(255, round(float(v) * 255))) for v in operands)
            out.append(([*converter.cmyk(r, g, b)], pikepdf.Operator(_RGB_OPS[name])))
            changed = True
        else:
            out.append((operands, operator))
    if changed:
        data = pikepdf.unparse_content_stream(out)
        if is_page:
            obj.Contents = pdf.make_stream(data)
        else:
            obj.write(data)
    if resources is not None:
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                _recolour(pdf, xobject, seen, converter)
        for pattern in (resources.get("/Pattern") or {}).values():
            if isinstance(pattern, pikepdf.Stream):
                _recolour(pdf, pattern, seen, converter)


def _drop_unused_lab(page: Any) -> None:
    spaces = (page.get("/Resources") or {}).get("/ColorSpace")
    if spaces is None:
        return
    used = _used_names(page)
    for name in list(spaces.keys()):
        space = spaces[name]
        if isinstance(space, pikepdf.Array) and len(space) and space[0] == "/Lab" and name not in used:
            del spaces[name]


def _used_names(obj: Any, seen: set | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    names: set[str] = set()
    if obj.objgen in seen and obj.objgen != (0, 0):
        return names
    seen.add(obj.objgen)
    target = pikepdf.Page(obj) if obj.get("/Type") == "/Page" else obj
    for operands, operator in _instructions(target):
        if str(operator) in ("cs", "CS") and operands:
            names.add(str(operands[0]))
    for xobject in ((obj.get("/Resources") or {}).get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form":
            names |= _used_names(xobject, seen)
    return names


_FILL_AND_STROKE = {"B": "S", "B*": "S", "b": "s", "b*": "s"}
_FILL = {"f", "F", "f*"}


def _drop_invisible_fills(form: Any, done: set) -> None:
    """Fills painted with alpha 0 removed (strokes kept); an opaque form loses its transparency group."""
    if form.objgen in done:
        return
    done.add(form.objgen)
    resources = form.get("/Resources") or pikepdf.Dictionary()
    states = resources.get("/ExtGState") or pikepdf.Dictionary()
    invisible = {name for name, state in states.items()
                 if float(state.get("/ca", 1)) == 0 and float(state.get("/CA", 1)) == 1 and "/SMask" not in state
                 and set(state.keys()) <= {"/ca", "/Type"}}
    if not invisible:
        return
    out, hidden, stack = [], False, []
    for operands, operator in _instructions(form):
        name = str(operator)
        if name == "q":
            stack.append(hidden)
        elif name == "Q":
            hidden = stack.pop() if stack else False
        elif name == "gs" and operands and str(operands[0]) in invisible:
            hidden = True
            continue
        elif name == "gs" and operands and "/ca" in states.get(str(operands[0]), {}):
            hidden = False
        if hidden and name in _FILL_AND_STROKE:
            operator = pikepdf.Operator(_FILL_AND_STROKE[name])
        elif hidden and name in _FILL:
            operator = pikepdf.Operator("n")  # end the path, paint nothing
        out.append((operands, operator))
    form.write(pikepdf.unparse_content_stream(out))
    for name in invisible:
        del states[name]
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form":
            _drop_invisible_fills(xobject, done)
    translucent = any(float(v.get("/ca", 1)) < 1 or float(v.get("/CA", 1)) < 1 or "/SMask" in v for v in states.values())
    nested = any(x.get("/Group") is not None or x.get("/SMask") is not None
                 for x in (resources.get("/XObject") or {}).values())
    if not translucent and not nested and "/Group" in form:
        del form["/Group"]
