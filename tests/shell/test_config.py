"""edgeviews.toml / [tool.edgeviews]: typed values, ${VAR} interpolation, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgeviews.config import RewriteRule, Route, load_config
from edgeviews.errors import ConfigError


def config_from(tmp_path: Path, text: str, name: str = "edgeviews.toml"):  # type: ignore[no-untyped-def]
    (tmp_path / name).write_text(text)
    return load_config(cwd=tmp_path)


def test_defaults_without_any_file(tmp_path: Path) -> None:
    config = load_config(cwd=tmp_path)
    assert (config.views, config.out, config.package) == (
        tmp_path / "views",
        tmp_path / "build",
        "views",
    )
    assert config.source is None and config.routes == () and config.jinja == {"autoescape": True}
    assert config.env_values(None) == {}


def test_repository_example_configuration(repo_root: Path) -> None:
    config = load_config(cwd=repo_root)
    assert set(config.envs) == {"production", "test"} and config.default_env == "production"
    home, pages = config.routes
    assert (home.match, pages.match) == (("/",), ("/about", "/home"))
    rules = (
        RewriteRule("body", "append", view="analytics"),
        RewriteRule('link[rel~="icon"]', "attributes", attributes={"href": "/favicon.ico"}),
    )
    for route in (home, pages):
        assert route.upstream == "https://example.framer.app"
        assert route.rewrite == rules
    # Only the home page falls through to the app for signed-in users.
    assert home.unless_cookie == ("session",) and pages.unless_cookie == ()


def test_routes_are_parsed_into_frozen_values(tmp_path: Path) -> None:
    config = config_from(
        tmp_path,
        """
[[routes]]
match = "/help/*"
upstream = "https://intercom.help/acme"
unless_header = ["authorization"]
preserve_host = true
forward_cookies = []
rewrite = [{ selector = "head", prepend = "consent-banner.html" }]
""",
    )
    assert config.routes == (
        Route(
            match=("/help/*",),
            upstream="https://intercom.help/acme",
            rewrite=(RewriteRule("head", "prepend", view="consent_banner"),),
            unless_header=("authorization",),
            preserve_host=True,
            forward_cookies=(),
        ),
    )


def test_env_interpolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = config_from(
        tmp_path,
        """
default_env = "prod"
[env.prod]
GA = "${EV_TEST_GA}"
FALLBACK = "${EV_TEST_UNSET:-G-DEFAULT}"
LITERAL = "$${EV_TEST_GA}"
NESTED = { list = ["a-${EV_TEST_GA}"] }
NUMBER = 3
""",
    )
    monkeypatch.setenv("EV_TEST_GA", "G-FROM-ENV")
    monkeypatch.delenv("EV_TEST_UNSET", raising=False)
    assert config.env_values(None) == {
        "GA": "G-FROM-ENV",
        "FALLBACK": "G-DEFAULT",
        "LITERAL": "${EV_TEST_GA}",
        "NESTED": {"list": ["a-G-FROM-ENV"]},
        "NUMBER": 3,
    }
    monkeypatch.delenv("EV_TEST_GA")
    with pytest.raises(
        ConfigError, match=r"env\.prod\.GA: environment variable EV_TEST_GA is not set"
    ):
        config.env_values("prod")


def test_pyproject_table_and_explicit_path(tmp_path: Path) -> None:
    config = config_from(tmp_path, '[tool.edgeviews]\npackage = "snippets"\n', "pyproject.toml")
    assert config.package == "snippets" and config.source == tmp_path / "pyproject.toml"
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ev.toml").write_text('views = "templates"\n')
    config = load_config(Path("sub/ev.toml"), cwd=tmp_path)
    assert config.views == tmp_path / "sub" / "templates" and config.root == tmp_path / "sub"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('vews = "x"', "vews: unknown key; expected one of views, out"),
        ("views = 3", "views: must be a non-empty string, not 3"),
        ('package = "my-views"', "package: 'my-views' is not an importable name"),
        ("[jinja]\nautoescape = 'yes'", "jinja.autoescape: must be a bool, not 'yes'"),
        (
            "[jinja]\nundefined = 'loud'",
            "jinja.undefined: must be one of default, strict, chainable",
        ),
        ("[jinja]\ntrim = true", "jinja.trim: unknown key"),
        ('default_env = "prod"', "default_env: names 'prod', but there is no [env.prod]"),
        ("[env]\nprod = 1", "env.prod: must be a table of values"),
        ('[[routes]]\nupstream = "https://x"', "routes[0].match: is required"),
        ('[[routes]]\nmatch = ["about"]\nupstream = "https://x"', "'about': write an exact path"),
        ('[[routes]]\nmatch = ["/a*"]\nupstream = "https://x"', "'/a*': write an exact path"),
        (
            '[[routes]]\nmatch = ["/"]\nupstream = "ftp://x"',
            "routes[0].upstream: must be an http(s) URL",
        ),
        (
            '[[routes]]\nmatch = ["/"]\nupstream = "https://x"\nrewrite = [{ selector = "body" }]',
            "routes[0].rewrite[0]: needs exactly one of append",
        ),
        (
            '[[routes]]\nmatch = ["/"]\nupstream = "https://x"\nrewrite = [{ selector = "b", append = "a", colour = 1 }]',
            "routes[0].rewrite[0].colour: unknown key",
        ),
        ("not toml = = 1", "not valid TOML"),
    ],
)
def test_errors_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from(tmp_path, text)
    assert str(caught.value).startswith(str(tmp_path / "edgeviews.toml"))
    assert message in str(caught.value)


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(Path("nope.toml"), cwd=tmp_path)


def test_unknown_environment(tmp_path: Path) -> None:
    config = config_from(tmp_path, "[env.a]\nX = 1\n")
    with pytest.raises(
        ConfigError, match=r"no environment 'b' \(defined: a\); add an \[env.b\] table"
    ):
        config.env_values("b")
