"""Render page jobs with the theme's Jinja2 templates and write only what changed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .pages import PageJob, root_of


def make_environment(template_dirs: Iterable[Path], globals_: Mapping[str, Any]) -> jinja2.Environment:
    """The Jinja2 environment our pages are rendered with: autoescaped, strict undefined."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build, templates do not change under it: skip the mtime checks
        cache_size=-1,
    )
    # tojson (the JSON-LD of a dispatch page) still writes <, >, & and ' as \u003c…, so no
    # text can close the script element; letters are written as they are, not as \u00e9,
    # and without spaces after separators: 1.4 KB a page at 10,000 dispatches before.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False,
                                         "separators": (",", ":")}
    env.globals.update(globals_)
    env.globals["card"] = CardRenderer(env)
    env.globals["render_segments"] = render_segments
    return env


def render_segments(segs: Iterable[Mapping[str, Any]], root: str) -> Markup:
    """A block's text with its mentions linked (the `segments` macro of the theme calls this):
    written here because a dispatch page has dozens of mentions and the template engine's
    attribute look-ups and escapes were a fifth of the rendering. Every value is escaped."""
    out: list[str] = []
    r = escape(root)
    for s in segs:
        text = escape(s["text"])
        if "url" in s:
            model = " (repéré par le modèle)" if s["via"] == "modele" else ""
            out.append(
                f'<a class="mention mention-{escape(s["group"])}" href="{r}{escape(s["url"])}"'
                f' title="{escape(s["name"])}{model}">{text}</a>'
            )
        else:
            out.append(text)
    return Markup("".join(out))


class CardRenderer:
    """`{{ card(d, ROOT) }}`: a dispatch card, rendered once per dispatch and depth.

    The same card appears on the home page, on every entity page of the dispatch and in its
    month archive; rendering it once and reusing the markup saves most of the listing work.
    """

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        # (url, depth) -> (the card's data, its markup). The data is kept and compared by
        # identity: a resident process (`invoke regenerate`) keeps this environment across
        # changes, and an edited dispatch's card is a new object with the same URL.
        self.cache: dict[tuple[str, str], tuple[Mapping[str, Any], Markup]] = {}

    def __call__(self, d: Mapping[str, Any], root: str) -> Markup:
        key = (d["url"], root)
        hit = self.cache.get(key)
        if hit is not None and hit[0] is d:
            return hit[1]
        template = self.env.get_template("includes/card.html")
        html = Markup(template.render(d=d, ROOT=root))
        self.cache[key] = (d, html)
        return html


def render_job(env: jinja2.Environment, job: PageJob) -> bytes:
    """Render one page; ROOT is the relative way back to the site root."""
    template = env.get_template(job.template)
    html = template.render(job.context, ROOT=root_of(job.path), page_path=job.path)
    return html.encode("utf-8")


def write_if_changed(out_dir: Path, rel_path: str, data: bytes) -> bool:
    """Write data at out_dir/rel_path unless it already holds these bytes; atomic replace."""
    target = out_dir / rel_path
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        # A new file: nobody can be reading it yet, and a build that dies leaves no render
        # manifest, so a partial file is rewritten next time. Skip the temporary file.
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "xb") as handle:
                handle.write(data)
            return True
        except FileExistsError:
            pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
