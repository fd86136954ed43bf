"""`invoke screenshots`: PNGs of the key pages of output/, in Debian's headless Chromium.

Nothing is built: run `invoke build` first. Pages are opened from disk (file://), as a
reader with a copy of the archive would; each shot is one viewport, not the whole page,
so the PNGs stay small. The browser settings are shared with the browser tests.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google's servers at start.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
)
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
SEED = "depeches/deux-enfants-tues-dans-de-nouveaux-bombardements-syriens-et-russes-sur-idleb.html"


@dataclass(frozen=True)
class Shot:
    """One screenshot: file name, page (with query), viewport, colour scheme, what to show."""

    name: str
    path: str
    viewport: dict[str, int]
    dark: bool = False
    scroll_to: str | None = None  # CSS selector brought to the top of the viewport
    wait_for: str | None = None  # CSS selector that must appear first (search results)


def busiest_month(output: Path) -> str:
    """The month archive with the most dispatches (the largest first page), for its shot."""
    pages = sorted(output.glob("archives/[0-9][0-9][0-9][0-9]/[0-9][0-9].html"))
    if not pages:
        return "archives/index.html"
    best = max(
        pages, key=lambda p: (p.read_text(encoding="utf-8").count("<article><h3>"), p.as_posix())
    )
    return best.relative_to(output).as_posix()


def shots(output: Path) -> list[Shot]:
    """The key pages, on a desktop screen, one on a phone and one in dark mode."""
    return [
        Shot("accueil", "index.html", DESKTOP),
        Shot("depeche", SEED, DESKTOP),
        Shot("acteur", "acteurs/bachar-al-assad.html", DESKTOP),
        Shot("lieu-carte", "lieux/alep.html", DESKTOP, scroll_to=".figures"),
        Shot("lieux-carte", "lieux/index.html", DESKTOP, scroll_to=".figure-overview"),
        Shot("recherche", "recherche.html?q=Idleb", DESKTOP, wait_for=".recherche-liste li"),
        Shot("mois", busiest_month(output), DESKTOP),
        Shot("regles", "regles.html", DESKTOP),
        Shot("mobile-depeche", SEED, MOBILE),
        Shot("sombre-lieu", "lieux/idleb.html", DESKTOP, dark=True, scroll_to=".figures"),
    ]


def compress(png: bytes) -> bytes:
    """Reduce a screenshot to 128 colours when Pillow is there: a third of the bytes, and text
    stays sharp (no dithering). Without Pillow the PNG is kept as Chromium wrote it."""
    try:
        from PIL import Image
    except ImportError:
        logger.info("Pillow is not installed: screenshots are not compressed")
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, with no background requests."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))


def take_screenshots(output: Path, folder: Path) -> list[Path]:
    """Write one PNG per shot into folder; return their paths."""
    from playwright.sync_api import sync_playwright

    output = output.resolve()
    if not (output / "index.html").is_file():
        raise FileNotFoundError(f"{output}/index.html is missing: run `invoke build` first")
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for shot in shots(output):
                page = browser.new_page(
                    viewport=shot.viewport, color_scheme="dark" if shot.dark else "light"
                )
                path, _, query = shot.path.partition("?")
                page.goto((output / path).as_uri() + (f"?{query}" if query else ""))
                if shot.wait_for:
                    try:
                        page.wait_for_selector(shot.wait_for, timeout=5000)
                    except Exception:  # noqa: BLE001 - a missing result still deserves its picture
                        logger.warning("%s: %s did not appear", shot.name, shot.wait_for)
                if shot.scroll_to and page.locator(shot.scroll_to).count():
                    page.eval_on_selector(
                        shot.scroll_to,
                        "e => window.scrollTo(0, e.getBoundingClientRect().top + scrollY - 16)",
                    )
                target = folder / f"{shot.name}.png"
                target.write_bytes(compress(page.screenshot()))
                page.close()
                written.append(target)
        finally:
            browser.close()
    return written
