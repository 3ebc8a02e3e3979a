"""The routed-views copy `edgeviews dev` gives the proxy: just the views the routes use, kept in step."""

from __future__ import annotations

import dataclasses
import errno
import os
from pathlib import Path

import pytest

from edgeviews.compiler.build import build_project
from edgeviews.config import Config, load_config
from edgeviews.errors import ConfigError
from edgeviews.proxy.snapshot import build_snapshot, load_views
from edgeviews.routed_views import RoutedViews, routed_views

TOML = """\
views = "views"
out = "build"

[env.dev]
NAME = "dev"

[[routes]]
match = ["/"]
upstream = "https://example.framer.app"
rewrite = [
  { selector = "body", append = "analytics" },
  { selector = 'link[rel="icon"]', attributes = { href = "/favicon.ico" } },
]

[[routes]]
match = ["/help/*"]
upstream = "https://help.example.com"
rewrite = [{ selector = "body", append = "consent-banner" }]
"""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    views = tmp_path / "views"
    views.mkdir()
    (views / "analytics.html").write_text("<script>/* {{ env.NAME }} */</script>")
    (views / "consent-banner.html").write_text("<div>consent</div>")
    (views / "unused.html").write_text("<p>unused</p>")
    (tmp_path / "edgeviews.toml").write_text(TOML)
    config = load_config(cwd=tmp_path)
    build_project(config)
    return config


def inode(path: Path) -> int:
    return path.stat().st_ino


def test_the_copy_holds_the_routed_views_and_the_proxy_loads_it(
    tmp_path: Path, config: Config
) -> None:
    assert routed_views(config) == ["analytics", "consent_banner"]
    served = RoutedViews(tmp_path / "copy").config_for(config)
    assert served.out == tmp_path / "copy" and served.routes == config.routes
    names = sorted(path.name for path in served.package_dir.glob("*.py"))
    assert names == ["__init__.py", "_runtime.py", "analytics.py", "consent_banner.py"]
    assert inode(served.package_dir / "analytics.py") == inode(config.package_dir / "analytics.py")

    views = load_views(served.package_dir)
    assert sorted(views) == ["analytics", "consent_banner"]
    snapshot = build_snapshot(served, "dev")
    rendered = [s.html for plan in snapshot.plans for s in plan.snippets if s is not None]
    assert rendered == ["<script>/* dev */</script>", "<div>consent</div>"]


def test_only_what_the_build_wrote_anew_is_replaced(tmp_path: Path, config: Config) -> None:
    copy = RoutedViews(tmp_path / "copy")
    served = copy.config_for(config)
    before = {path.name: inode(path) for path in served.package_dir.glob("*.py")}

    (config.views / "unused.html").write_text("<p>changed</p>")
    build_project(config)
    copy.config_for(config)
    assert {path.name: inode(path) for path in served.package_dir.glob("*.py")} == before

    (config.views / "analytics.html").write_text("<script>/* v2 */</script>")
    build_project(config)
    copy.config_for(config)
    after = {path.name: inode(path) for path in served.package_dir.glob("*.py")}
    assert after["analytics.py"] != before["analytics.py"]
    assert {k: v for k, v in after.items() if k != "analytics.py"} == {
        k: v for k, v in before.items() if k != "analytics.py"
    }
    assert load_views(served.package_dir)["analytics"]() == "<script>/* v2 */</script>"


def test_a_dropped_route_drops_its_view_and_a_missing_view_is_named(
    tmp_path: Path, config: Config
) -> None:
    copy = RoutedViews(tmp_path / "copy")
    copy.config_for(config)
    fewer = dataclasses.replace(config, routes=config.routes[:1])
    served = copy.config_for(fewer)
    assert not (served.package_dir / "consent_banner.py").exists()
    assert sorted(load_views(served.package_dir)) == ["analytics"]

    (config.views / "consent-banner.html").unlink()
    build_project(config)
    served = copy.config_for(config)
    with pytest.raises(ConfigError, match="consent"):
        build_snapshot(served, "dev")


def test_without_hard_links_the_copy_is_copied_once_per_change(
    tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    copy = RoutedViews(tmp_path / "copy")
    served = copy.config_for(config)
    module = served.package_dir / "analytics.py"
    assert module.read_bytes() == (config.package_dir / "analytics.py").read_bytes()
    assert inode(module) != inode(config.package_dir / "analytics.py")
    before = inode(module)
    copy.config_for(config)
    assert inode(module) == before  # same bytes: left alone, its bytecode stays valid
