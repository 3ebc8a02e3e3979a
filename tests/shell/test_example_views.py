"""The repository's own views/ and edgeviews.toml: they build, pass check, and render the
snippets of the original setup."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jinja2
import pytest

from tests.shell.tmp_project import render_isolated, run_edgeviews


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(repo_root / "views", root / "views")
    shutil.copy(repo_root / "edgeviews.toml", root / "edgeviews.toml")
    done = run_edgeviews(root, "build", "--env", "production")
    assert done.returncode == 0, done.stderr
    return root


def test_examples_pass_check_in_every_environment(example: Path) -> None:
    done = run_edgeviews(example, "check")
    assert done.returncode == 0, done.stdout
    assert "checked 3 views" in done.stdout and "production, test" in done.stdout


def test_examples_render_like_jinja2(example: Path, repo_root: Path) -> None:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(repo_root / "views"), autoescape=True, trim_blocks=True
    )
    env = {
        "GA_MEASUREMENT_ID": "G-ABC123",
        "INTERCOM_APP_ID": "xyz789",
        "PRIVACY_URL": "https://example.com/privacy?a=1&b=2",
        "CONSENT_COOKIE": "consent",
    }
    output = render_isolated(
        example / "build",
        f"""
        import json
        from views import VIEWS
        print(json.dumps({{name: view({env!r}) for name, view in VIEWS.items()}}))
        """,
    )
    rendered = json.loads(output)
    assert set(rendered) == {"analytics", "consent_banner", "intercom"}
    for name, source in (
        ("analytics", "analytics.html"),
        ("consent_banner", "consent-banner.html"),
        ("intercom", "intercom.html"),
    ):
        assert rendered[name] == environment.get_template(source).render(env=env)
    analytics = rendered["analytics"]
    assert (
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123"></script>'
        in analytics
    )
    assert "window.dataLayer = window.dataLayer || [];" in analytics
    assert "gtag('config', 'G-ABC123');" in analytics
    assert "https://widget.intercom.io/widget/xyz789" in rendered["intercom"]
    assert 'href="https://example.com/privacy?a=1&amp;b=2"' in rendered["consent_banner"]


def test_baked_production_views_are_precomputed(example: Path) -> None:
    manifest = json.loads((example / "build" / "views" / "manifest.json").read_text())
    assert manifest["env"] == "production"
    assert all(view["rendered"] for view in manifest["views"].values())
    assert manifest["views"]["consent_banner"]["deps"] == [
        "partials/_button.html",
        "partials/_consent_script.html",
    ]
    assert manifest["views"]["intercom"]["optional_env_keys"] == ["INTERCOM_API_BASE"]
