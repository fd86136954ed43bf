"""One archive build, stage by stage, without Pelican: prepare, read, write pages, report."""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from entity_tags.gazetteer import Gazetteer, load_gazetteer
from entity_tags.tagger import Tagger

from .feeds import atom_feed
from .pages import GROUP_TITLES, PageJob, build_jobs
from .pipeline import Cache, Outcome, discover, process
from .render import make_environment, render_job, write_if_changed
from .settings import DispatchSettings, EntitySettings
from .site import GROUP_DIRS, Site, build_site, lead_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """Settings and gazetteer, checked before any dispatch is read."""

    dispatch: DispatchSettings
    entity: EntitySettings
    gazetteer: Gazetteer
    site: Mapping[str, Any]  # the Pelican settings the templates see (SITENAME, …)


def prepare(settings: Mapping[str, Any]) -> Prepared:
    """Validate our settings and load the gazetteer; raise SettingsError or GazetteerError."""
    ds = DispatchSettings.from_settings(settings)
    es = EntitySettings.from_settings(settings)
    content = Path(settings.get("PATH", "content"))
    gazetteer = load_gazetteer(content / es.gazetteer_path)
    site = {
        "SITENAME": settings.get("SITENAME", "Archive"),
        "SITEURL": settings.get("SITEURL", ""),
        "SITE_DESCRIPTION": ds.site_description,
        "DEFAULT_LANG": settings.get("DEFAULT_LANG", "fr"),
        "MENUITEMS": tuple(settings.get("MENUITEMS", ())),
    }
    return Prepared(ds, es, gazetteer, site)


def make_tagger(prepared: Prepared) -> Tagger:
    """The tagger the settings ask for."""
    if prepared.entity.discovery:
        try:
            from entity_tags.discovery import DiscoveryTagger
        except ImportError:  # discovery not installed in this tree: the gazetteer alone
            return Tagger(prepared.gazetteer)
        return DiscoveryTagger(prepared.gazetteer, prepared.entity.model, prepared.dispatch.worker_count())
    return Tagger(prepared.gazetteer)


@dataclass
class ArchiveBuild:
    """The state of one build, shared by the generator and the search plugin."""

    prepared: Prepared
    content_path: Path
    theme_path: Path
    output_path: Path
    outcome: Outcome = field(default_factory=Outcome)
    site: Site | None = None
    stats: dict[str, int] = field(default_factory=dict)
    written_paths: list[str] = field(default_factory=list)

    @property
    def cache_dir(self) -> Path:
        """Folder for caches, outside output/."""
        return Path(self.prepared.dispatch.cache_path)

    def read(self) -> Site:
        """Read, clean and tag every raw dispatch; build the site model."""
        folder = self.prepared.dispatch.dispatch_dir(str(self.content_path))
        cache = Cache(self.cache_dir / "dispatches.sqlite")
        try:
            self.outcome = process(discover(folder), folder, make_tagger(self.prepared), cache)
        finally:
            cache.close()
        for failure in self.outcome.failures:
            logger.warning("Dispatch skipped: %s: %s", failure.path, failure.reason)
        self.site = build_site(self.outcome.records, self.outcome.failures, self.prepared.gazetteer)
        return self.site

    def jobs(self) -> list[PageJob]:
        """Every page to render."""
        assert self.site is not None, "read() comes before jobs()"
        return build_jobs(self.site, self.prepared.dispatch, self.prepared.entity)

    def write(self) -> int:
        """Render pages and feeds into output_path; return how many files were rewritten."""
        site = self.site
        assert site is not None, "read() comes before write()"
        env = make_environment([self.theme_path / "templates"], self.prepared.site)
        rewritten = 0
        paths: list[str] = []
        for job in self.jobs():
            rewritten += write_if_changed(self.output_path, job.path, render_job(env, job))
            paths.append(job.path)
        for path, data in self.feeds():
            rewritten += write_if_changed(self.output_path, path, data)
            paths.append(path)
        self.written_paths = paths
        self.stats = {"files": len(paths), "rewritten": rewritten}
        return rewritten

    def feeds(self) -> Iterator[tuple[str, bytes]]:
        """The archive's Atom feed and one per entity."""
        site = self.site
        assert site is not None
        limit = self.prepared.dispatch.feed_items
        url = str(self.prepared.site["SITEURL"])
        name = str(self.prepared.site["SITENAME"])
        everything = list(range(len(site.dispatches)))
        yield "feeds/all.atom.xml", atom_feed(site, name, "feeds/all.atom.xml", "index.html", everything, url, limit)
        for slug, page in sorted(site.entities.items()):
            folder = GROUP_DIRS[page.entity.group]
            path = f"feeds/{folder}/{slug}.atom.xml"
            title = f"{name} — {page.entity.name}"
            yield path, atom_feed(site, title, path, page.url, page.dispatches, url, limit)

    def search_docs(self) -> Iterator[dict[str, Any]]:
        """One plain document per dispatch, for the search index."""
        site = self.site
        assert site is not None
        for d in site.dispatches:
            entities = [site.entities[s].entity for s in d.entities]
            yield {
                "id": d.slug,
                "url": d.url,
                "title": d.record["title"],
                "date": d.date,
                "source": d.record.get("source"),
                "body": "\n\n".join(d.record["paragraphs"]),
                "lead": lead_of(d.record["paragraphs"], 200),
                "actors": [_search_entity(e) for e in entities if e.group == "acteur"],
                "locations": [_search_entity(e) for e in entities if e.group == "lieu"],
            }

    def report(self) -> dict[str, Any]:
        """Every input with its status, rules fired and entities; counts that add up."""
        site = self.site
        assert site is not None
        by_sha: dict[str, list[str]] = defaultdict(list)
        for d in site.dispatches:
            by_sha[d.record["sha256"]].append(d.record["path"])
        inputs: list[dict[str, Any]] = []
        for d in site.dispatches:
            twins = [p for p in by_sha[d.record["sha256"]] if p != d.record["path"]]
            inputs.append(
                {
                    "path": d.record["path"],
                    "status": "doublon" if twins else "ok",
                    "url": d.url,
                    "title": d.record["title"],
                    "date": d.date,
                    "same_as": twins,
                    "warnings": d.record.get("warnings", []),
                    "rules": dict(sorted(Counter(r["rule"] for r in d.record["removed"]).items())),
                    "entities": [site.entities[s].entity.slug for s in d.entities],
                }
            )
        for f in site.failures:
            inputs.append({"path": f.path, "status": "erreur", "reason": f.reason})
        inputs.sort(key=lambda x: x["path"])
        status = Counter(x["status"] for x in inputs)
        return {
            "inputs": inputs,
            "counts": {
                "inputs": len(inputs),
                "ok": status["ok"],
                "doublon": status["doublon"],
                "erreur": status["erreur"],
                "entities": {
                    group: sum(1 for p in site.entities.values() if p.entity.group == group)
                    for group in GROUP_TITLES
                },
            },
        }

    def write_report(self) -> None:
        """output/rapport.json and output/rapport.html."""
        report = self.report()
        data = json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_if_changed(self.output_path, "rapport.json", data.encode("utf-8"))
        env = make_environment([self.theme_path / "templates"], self.prepared.site)
        job = PageJob("rapport.html", "report.html", {"page_title": "Rapport de construction", "report": report})
        write_if_changed(self.output_path, job.path, render_job(env, job))
        self.written_paths += ["rapport.json", "rapport.html"]


def _search_entity(entity: Any) -> dict[str, Any]:
    return {"slug": entity.slug, "name": entity.name, "kind": entity.kind, "aliases": list(entity.aliases)}
