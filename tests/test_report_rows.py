"""rapport.html's rows, written in Python (render.report_rows): the same table, as a browser
reads it, as the template loop they replace (which wrote the end tags HTML implies and line
breaks between cells), every value escaped, for every kind of input."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from markupsafe import Markup

from dispatch_archive.render import make_environment, report_rows

HOSTILE = "<script>alert('x')</script> & \"q\""

# The loop of theme/templates/report.html before it called report_rows, character for
# character but `report.inputs` (its one long line split here only between string literals).
LOOP = (
    "  <tbody>\n"
    "  {% for x in inputs %}\n"
    '  <tr class="status-{{ x.status }}">\n'
    "    <td><code>{{ x.path }}</code></td>\n"
    '    <td>{{ {"ok": "publié", "doublon": "doublon", "erreur": "refusé"}[x.status] }}</td>\n'
    '    <td>{% if x.status == "erreur" %}{{ x.reason }}{% else %}'
    '<a href="{{ x.url }}">{{ x.title }}</a>'
    '{% if x.same_as %} — même contenu que {{ x.same_as|join(", ") }}{% endif %}'
    "{% if x.rules %} — règles&nbsp;: {% for k, v in x.rules.items() %}"
    '{{ k }} ×{{ v }}{{ ", " if not loop.last }}{% endfor %}{% endif %}'
    "{% for w in x.warnings %} — {{ w }}{% endfor %}{% endif %}</td>\n"
    "  </tr>\n"
    "  {% endfor %}\n"
    "  </tbody>\n"
)
NEW = """  <tbody>
  {{ report_rows(inputs) }}
  </tbody>
"""

INPUTS = [
    {"path": "a.txt", "status": "ok", "url": "depeches/a.html", "title": HOSTILE, "same_as": [],
     "rules": {"credit-photo": 2, "partage": 1}, "warnings": [], "date": None, "entities": []},
    {"path": "b<&>.txt", "status": "doublon", "url": "depeches/b.html", "title": "B",
     "same_as": ["a.txt", HOSTILE], "rules": {}, "warnings": [HOSTILE, "date illisible"]},
    {"path": "c.pdf.txt", "status": "erreur", "reason": f"fichier binaire {HOSTILE}"},
]


def render(source: str, tmp_path: Path) -> str:
    (tmp_path / "t.html").write_text(source, encoding="utf-8")
    env = make_environment([tmp_path], {})
    return env.get_template("t.html").render(inputs=INPUTS)


def cells(html: str) -> list[tuple[list[str] | None, list[str]]]:
    """Each row of a table's body as a browser parses it: its class and its cells' markup,
    white space at the cells' edges aside (it renders as nothing there)."""
    body = BeautifulSoup(f"<table>{html}</table>", "html5lib").find("tbody")
    return [(tr.get("class"), [td.decode_contents().strip() for td in tr.find_all("td")])
            for tr in body.find_all("tr", recursive=False)]


def test_rows_are_the_table_of_the_template_loop(tmp_path: Path) -> None:
    new, loop = render(NEW, tmp_path), render(LOOP, tmp_path)
    assert cells(new) == cells(loop) and len(cells(new)) == len(INPUTS)
    assert "</td>" not in new and "</tr>" not in new and len(new) < len(loop)


def test_rows_escape_every_value() -> None:
    soup = BeautifulSoup(f"<table>{report_rows(INPUTS)}</table>", "html5lib")
    assert not soup.find("script")
    rows = soup.find_all("tr")
    assert [r["class"] for r in rows] == [["status-ok"], ["status-doublon"], ["status-erreur"]]
    assert rows[0].a.get_text() == HOSTILE
    assert HOSTILE in rows[1].get_text() and rows[1].code.get_text() == "b<&>.txt"
    assert rows[2].find_all("td")[1].get_text() == "refusé"


def test_no_inputs_no_rows() -> None:
    assert str(report_rows([])) == ""
    assert isinstance(report_rows([]), Markup)


def test_what_to_check_first_refused_then_duplicates_then_warnings() -> None:
    from dispatch_archive.build import needs_attention

    warned = {"path": "0.txt", "status": "ok", "url": "depeches/0.html", "title": "Z", "same_as": [],
              "rules": {}, "warnings": ["encodage détecté : cp1252"]}
    quiet = {**warned, "path": "1.txt", "warnings": []}
    inputs = [*INPUTS, warned, quiet]
    assert [x["path"] for x in needs_attention(inputs)] == ["c.pdf.txt", "b<&>.txt", "0.txt"]
    assert needs_attention([INPUTS[0], quiet]) == []  # nothing to check: the page says so
