"""The front page of ``toolbox serve --locale``: a translator's view of one locale.

Read from the output folder's ``manifest.json`` after each build: links to the
locale's microsite pages, a picture of every page of every print file and share
image (the build's previews), and the build's warnings (overflow: text pushed
out of its box; the draft mark; glossary terms). Missing glyphs fail the build,
so they show on the error page instead, which the preview serves until the
catalog is fixed.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

_STYLE = """body{font:16px/1.5 system-ui,sans-serif;margin:1.5rem;color:#1a1a2e;max-width:80rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
.warn{background:#fff4e5;border-inline-start:6px solid #b26a00;padding:.5rem 1rem;white-space:pre-wrap;
font-size:14px;margin:.25rem 0}.ok{color:#1b5e20}
figure{display:inline-block;margin:0 1rem 1rem 0;vertical-align:top}
figure img{border:1px solid #999;max-width:360px;max-height:360px;display:block}
figcaption{font-size:13px;max-width:360px;overflow-wrap:anywhere}"""


def locale_page(root: Path, tag: str, warnings: list[str], seconds: float, script: str) -> bytes:
    """The page: every output of ``tag`` in the build at ``root``, and the warnings of that build."""
    import base64
    import hashlib

    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {"outputs": []}
    outputs = [o for o in manifest.get("outputs", []) if o.get("locale") == tag]
    pages = [o for o in outputs if o.get("format") == "site"]
    pictures = [o for o in outputs if o.get("format") == "preview" or o["path"].endswith(".png")]
    files = [o for o in outputs if o["path"].endswith(".pdf")]
    digest = "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"
    esc = html.escape
    out = [
        "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; connect-src 'self'; "
        f"img-src 'self'; style-src 'unsafe-inline'; script-src {esc(digest)}\">",
        f"<title>{esc(tag)}: translator's preview — toolbox serve</title><style>{_STYLE}</style></head><body><main>",
        f"<h1>Translator's preview: {esc(tag)}</h1>",
        f"<p>Save a catalog of <code>locales/{esc(tag)}/</code> and this page reloads with the new outputs "
        f"(last build: {seconds:.1f} s).</p>",
        f"<h2>Warnings ({len(warnings)})</h2>",
    ]
    out += [f"<p class=\"warn\">{esc(w)}</p>" for w in warnings] or ["<p class=\"ok\">None: every text fits its box.</p>"]
    out.append("<h2>Microsite</h2><ul>")
    out += [f"<li><a href=\"/{esc(o['path'])}\">{esc(o['path'])}</a></li>" for o in sorted(pages, key=lambda o: o["path"])]
    out.append("</ul><h2>Print files and share images</h2>")
    for o in sorted(pictures, key=lambda o: o["path"]):
        pdf = next((f["path"] for f in files if o["path"].startswith(f["path"][:-4])), None)
        target = pdf or o["path"]
        out.append(f"<figure><a href=\"/{esc(target)}\"><img src=\"/{esc(o['path'])}\" alt=\"\" loading=\"lazy\"></a>"
                   f"<figcaption>{esc(o['path'].rsplit('/', 1)[-1])}</figcaption></figure>")
    out.append(f"</main><script data-toolbox-serve>{script}</script></body></html>\n")
    return "".join(out).encode("utf-8")
