"""The project's own views (views/*.html, with their partials) render as in jinja2, with the
options from edgeviews.toml, for the configured environments and for random `env` values.

These are the templates users actually ship; the values are where escaping goes wrong
(quotes in a measurement id, `</script>` in a URL, a missing key).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

AssertSame = Callable[..., Any]
PROFILE = settings.get_profile("edgeviews-compiler")
REPO = Path(__file__).resolve().parents[2]
VIEWS = REPO / "views"


def templates() -> dict[str, str]:
    """Every file under views/, named as includes name them (relative, forward slashes)."""
    return {
        path.relative_to(VIEWS).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(VIEWS.rglob("*.html"))
    }


def exported() -> list[str]:
    """The views the build exports: not starting with `_`, not under partials/."""
    return [
        name
        for name in templates()
        if not Path(name).name.startswith("_") and "partials" not in Path(name).parts
    ]


def config() -> dict[str, Any]:
    return tomllib.loads((REPO / "edgeviews.toml").read_text(encoding="utf-8"))


def jinja_options() -> dict[str, Any]:
    return dict(config().get("jinja", {}))


def configured_envs() -> list[dict[str, str]]:
    """Each [env.NAME] table, with `${VAR:-default}` taken as its default."""
    pattern = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::-([^}]*))?\}")
    return [
        {key: pattern.sub(lambda m: m[1] or "", str(value)) for key, value in table.items()}
        for table in config().get("env", {}).values()
    ]


def env_keys() -> list[str]:
    return sorted({key for env in configured_envs() for key in env})


pytestmark = pytest.mark.skipif(not VIEWS.is_dir(), reason="no views/ folder in this checkout")


@pytest.mark.parametrize("view", exported() if VIEWS.is_dir() else [])
def test_views_with_configured_environments(assert_same_many: AssertSame, view: str) -> None:
    sources = templates()
    assert_same_many(
        sources[view],
        [{"env": env} for env in configured_envs()] + [{"env": {}}, {}],
        templates=sources,
        name=view,
        **jinja_options(),
    )


env_values = st.one_of(
    st.text(alphabet=[*"aZ09-_ <>&\"'/\\:;=?#%{}\n", "é"], max_size=20),
    st.sampled_from(
        ["G-XXXXXXX", "https://example.com/a?b=1&c=<2>", "", "null", "0", "</script><b>x"]
    ),
    st.none(),
    st.integers(min_value=-5, max_value=10**12),
    st.booleans(),
)


@settings(PROFILE)
@given(
    view=st.sampled_from(exported() if VIEWS.is_dir() else ["-"]),
    env=st.fixed_dictionaries({}, optional={key: env_values for key in env_keys()}),
)
def test_views_with_random_environments(
    assert_same_many: AssertSame, view: str, env: dict[str, Any]
) -> None:
    sources = templates()
    assert_same_many(
        sources[view],
        [{"env": env}],
        templates=sources,
        name=view,
        built=False,
        **jinja_options(),
    )
