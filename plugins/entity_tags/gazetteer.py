"""Load and validate the curated gazetteer (actors, places, blocked names) from TOML files."""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import fold

logger = logging.getLogger(__name__)

ACTOR_KINDS: Mapping[str, str] = {
    "personne": "Personnes",
    "organisation": "Organisations",
    "etat": "États et gouvernements",
    "groupe-arme": "Groupes armés",
    "media": "Médias",
}
PLACE_KINDS: Mapping[str, str] = {
    "pays": "Pays",
    "province": "Provinces et régions",
    "ville": "Villes",
    "localite": "Localités",
    "site": "Sites",
}
FILES = {"acteur": "acteurs.toml", "lieu": "lieux.toml"}
BLOCK_FILE = "bloques.toml"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ACTOR_KEYS = {"slug", "nom", "type", "alias", "note"}
PLACE_KEYS = ACTOR_KEYS | {"parent", "lat", "lon"}


class GazetteerError(Exception):
    """The gazetteer cannot be used as it is; the message says where and how to fix it."""


@dataclass(frozen=True)
class Entity:
    """A canonical actor or place and every written form it is known by."""

    slug: str
    name: str
    kind: str
    group: str  # "acteur" or "lieu"
    aliases: tuple[str, ...]  # canonical name first
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    note: str = ""
    verified: bool = True  # False for entities discovered by the model, not in the gazetteer


@dataclass(frozen=True)
class Gazetteer:
    """All entities by slug, the alias table, blocked names, and a version hash."""

    entities: Mapping[str, Entity]
    blocked: frozenset[str]  # folded names that must never become entities
    version: str
    by_alias: Mapping[str, str] = field(default_factory=dict)  # folded alias -> slug

    def lookup(self, name: str) -> Entity | None:
        """Return the entity one of whose written forms is name (folded), if any."""
        slug = self.by_alias.get(fold(name))
        return self.entities[slug] if slug else None

    def children(self, slug: str) -> list[Entity]:
        """Places whose parent is slug, by name."""
        kids = [e for e in self.entities.values() if e.parent == slug]
        return sorted(kids, key=lambda e: fold(e.name))

    def of_group(self, group: str) -> list[Entity]:
        """Entities of one group ("acteur" or "lieu"), by slug."""
        return [e for s, e in sorted(self.entities.items()) if e.group == group]


def load_gazetteer(folder: Path) -> Gazetteer:
    """Read acteurs.toml, lieux.toml and bloques.toml from folder; raise GazetteerError."""
    if not folder.is_dir():
        raise GazetteerError(
            f"gazetteer folder {folder} does not exist. Fix: set ENTITY_GAZETTEER_PATH to the "
            "folder holding acteurs.toml and lieux.toml."
        )
    digest = hashlib.sha256()
    entities: dict[str, Entity] = {}
    where: dict[str, str] = {}
    by_alias: dict[str, str] = {}
    for group, filename in FILES.items():
        path = folder / filename
        data = _read_toml(path, digest)
        rows = data.get(group, [])
        if not isinstance(rows, list) or not rows:
            raise GazetteerError(f"{path}: no [[{group}]] table. Fix: add at least one entity.")
        for number, row in enumerate(rows, start=1):
            entity = _entity(row, group, path, number)
            if entity.slug in entities:
                raise GazetteerError(
                    f"{path}: [[{group}]] #{number} slug {entity.slug!r} is already used by "
                    f"{where[entity.slug]}. Fix: give one of them another slug (slugs are "
                    "unique across acteurs.toml and lieux.toml)."
                )
            entities[entity.slug] = entity
            where[entity.slug] = f"{path.name} ({entity.name})"
            for alias in entity.aliases:
                key = fold(alias)
                owner = by_alias.get(key)
                if owner is not None and owner != entity.slug:
                    raise GazetteerError(
                        f"{path}: [[{group}]] #{number} {entity.name!r}: alias {alias!r} is "
                        f"already claimed by {where[owner]}. Fix: keep the alias on one entity only."
                    )
                by_alias[key] = entity.slug
    for entity in entities.values():
        if entity.group == "lieu" and entity.parent is not None:
            parent = entities.get(entity.parent)
            if parent is None or parent.group != "lieu":
                raise GazetteerError(
                    f"{folder / FILES['lieu']}: {entity.name!r} has parent {entity.parent!r}, "
                    "which is not a place slug. Fix: use the slug of an existing [[lieu]]."
                )
    blocked = _blocked(folder / BLOCK_FILE, digest)
    for key in sorted(blocked & by_alias.keys()):
        raise GazetteerError(
            f"{folder / BLOCK_FILE}: {key!r} is blocked but is also a name of "
            f"{where[by_alias[key]]}. Fix: remove it from one of the two files."
        )
    return Gazetteer(
        entities=entities, blocked=blocked, version=digest.hexdigest()[:16], by_alias=by_alias
    )


def _read_toml(path: Path, digest: hashlib._Hash) -> dict[str, object]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot be read ({exc}). Fix: restore the file.") from exc
    digest.update(path.name.encode() + b"\0" + raw)
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise GazetteerError(f"{path}: invalid TOML ({exc}). Fix: correct the syntax.") from exc


def _entity(row: object, group: str, path: Path, number: int) -> Entity:
    here = f"{path}: [[{group}]] #{number}"
    if not isinstance(row, dict):
        raise GazetteerError(f"{here} is not a table.")
    allowed = PLACE_KEYS if group == "lieu" else ACTOR_KEYS
    unknown = sorted(set(row) - allowed)
    if unknown:
        raise GazetteerError(f"{here}: unknown key(s) {unknown}. Fix: use only {sorted(allowed)}.")
    slug, name, kind = row.get("slug"), row.get("nom"), row.get("type")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise GazetteerError(
            f"{here}: slug {slug!r} is missing or not lowercase ASCII words joined by '-'. "
            'Fix: e.g. slug = "bachar-al-assad".'
        )
    here = f"{path}: [[{group}]] {slug!r}"
    if not isinstance(name, str) or not name.strip():
        raise GazetteerError(f"{here}: nom is missing. Fix: give the canonical name.")
    kinds = PLACE_KINDS if group == "lieu" else ACTOR_KINDS
    if kind not in kinds:
        raise GazetteerError(f"{here}: type {kind!r} is not one of {sorted(kinds)}.")
    aliases = row.get("alias", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise GazetteerError(f"{here}: alias must be a list of non-empty strings.")
    forms = _unique([name.strip(), *(a.strip() for a in aliases)])
    parent = row.get("parent")
    lat, lon = row.get("lat"), row.get("lon")
    if group == "lieu":
        if parent is not None and not isinstance(parent, str):
            raise GazetteerError(f"{here}: parent must be a place slug.")
        if kind != "pays" and parent is None:
            raise GazetteerError(
                f'{here}: a {kind} needs a parent. Fix: parent = "syrie" or the like.'
            )
        for key, value, low, high in (("lat", lat, -90, 90), ("lon", lon, -180, 180)):
            if not isinstance(value, (int, float)) or not low <= value <= high:
                raise GazetteerError(f"{here}: {key} {value!r} is not a number in [{low}, {high}].")
    note = row.get("note", "")
    return Entity(
        slug=slug,
        name=name.strip(),
        kind=str(kind),
        group=group,
        aliases=tuple(forms),
        parent=parent if isinstance(parent, str) else None,
        lat=float(lat) if isinstance(lat, (int, float)) else None,
        lon=float(lon) if isinstance(lon, (int, float)) else None,
        note=note if isinstance(note, str) else "",
    )


def _unique(forms: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for form in forms:
        key = fold(form)
        if key and key not in seen:
            seen.add(key)
            out.append(form)
    return out


def _blocked(path: Path, digest: hashlib._Hash) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    data = _read_toml(path, digest)
    rows = data.get("bloque", [])
    if not isinstance(rows, list):
        raise GazetteerError(f"{path}: expected [[bloque]] tables.")
    names = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("nom"), str):
            raise GazetteerError(f'{path}: [[bloque]] #{number} needs nom = "…" and raison = "…".')
        names.add(fold(row["nom"]))
    return frozenset(names)
