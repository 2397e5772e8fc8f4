from toolbox.i18n.segments import inline_html, plain_text, render_blocks, split_blocks

MD = """# Title

First paragraph
continues here.

- one **bold**
- two
  continued

1. first
2. second
"""


def test_blocks_are_one_message_each_with_their_line() -> None:
    blocks = split_blocks(MD)
    assert [(b.kind, b.text, b.line) for b in blocks] == [
        ("heading", "Title", 1),
        ("paragraph", "First paragraph continues here.", 3),
        ("bullet", "one **bold**", 6),
        ("bullet", "two continued", 7),
        ("number", "first", 10),
        ("number", "second", 11),
    ]


def test_render_groups_list_items_and_marks_fallback_language() -> None:
    def translate(msgid):
        return ("واحد" if msgid.startswith("one") else msgid, "ar" if msgid.startswith("one") else "en",
                "rtl" if msgid.startswith("one") else "ltr")

    html = render_blocks(split_blocks(MD), translate, page_lang="ar")
    assert "<h3" in html and "<ul>" in html and "<ol>" in html
    assert '<li lang="en" dir="ltr">two continued</li>' in html
    assert "<li>واحد</li>" in html


def test_untrusted_markup_is_sanitised() -> None:
    html = str(inline_html('Hi <script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1)) <b '
                           'onclick="x">b</b>'))
    assert "script" not in html and "onerror" not in html and "javascript" not in html and "onclick" not in html
    assert str(inline_html("**a** [b](https://x.org)")) == \
        '<strong>a</strong> <a href="https://x.org" rel="noopener noreferrer">b</a>'
    assert plain_text("Call **now** & ask") == "Call now & ask"


def test_table_cells_are_messages_and_render_as_a_table() -> None:
    md = "| Myth | Fact |\n|---|---|\n| They chose it | Someone *deceived* them |\n"
    blocks = split_blocks(md)
    assert [(b.kind, b.text, b.row) for b in blocks] == [
        ("cell", "Myth", 0), ("cell", "Fact", 0), ("cell", "They chose it", 1), ("cell", "Someone *deceived* them", 1)]
    html = str(render_blocks(blocks, lambda t: (t.upper() if t == "Myth" else t, "en", "ltr"), "en"))
    assert html.replace("\n", "") == (
        "<table><thead><tr><th>MYTH</th><th>Fact</th></tr></thead><tbody><tr><td>They chose it</td>"
        "<td>Someone <em>deceived</em> them</td></tr></tbody></table>")
