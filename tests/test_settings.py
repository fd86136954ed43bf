"""Settings are checked at start, and every setting is documented in the README."""

from __future__ import annotations

import dataclasses
import re

import pytest
from conftest import ROOT

from dispatch_archive.settings import DispatchSettings, EntitySettings, SettingsError


def test_defaults_are_valid() -> None:
    assert DispatchSettings.from_settings({}).per_page == 50
    assert EntitySettings.from_settings({}).discovery is True


@pytest.mark.parametrize(
    ("settings", "needle"),
    [
        ({"DISPATCH_PER_PAEG": 10}, "did you mean DISPATCH_PER_PAGE"),
        ({"ENTITY_GAZETER_PATH": "x"}, "did you mean ENTITY_GAZETTEER_PATH"),
        ({"DISPATCH_PER_PAGE": "50"}, "incorrect type: str, expected int"),
        ({"ENTITY_DISCOVERY": "yes"}, "incorrect type"),
        ({"DISPATCH_PER_PAGE": 0}, "at least 1"),
        ({"DISPATCH_WORKERS": -1}, "DISPATCH_WORKERS"),
    ],
)
def test_bad_settings_stop_with_a_hint(settings: dict[str, object], needle: str) -> None:
    with pytest.raises(SettingsError, match=needle):
        DispatchSettings.from_settings(settings)
        EntitySettings.from_settings(settings)


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`((?:DISPATCH|ENTITY|SEARCH)_[A-Z_]+)`", readme))
    for cls, prefix in ((DispatchSettings, "DISPATCH_"), (EntitySettings, "ENTITY_")):
        for field in dataclasses.fields(cls):
            assert prefix + field.name.upper() in documented, prefix + field.name.upper()


def test_pelicanconf_uses_only_known_settings() -> None:
    import runpy

    values = runpy.run_path(str(ROOT / "pelicanconf.py"))
    DispatchSettings.from_settings(values)
    EntitySettings.from_settings(values)


def test_build_stops_at_start_on_a_bad_setting(tmp_path) -> None:
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={"OUTPUT_PATH": str(tmp_path / "out"), "DISPATCH_PER_PAEG": 3},
    )
    with pytest.raises(SettingsError, match="DISPATCH_PER_PAGE"):
        Pelican(settings)
    assert not (tmp_path / "out").exists()
