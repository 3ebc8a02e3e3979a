"""Templates from other ecosystems: dbt SQL, cookiecutter, MkDocs themes, Home Assistant, READMEs, CSV."""

from __future__ import annotations

import datetime

from tests.compiler.realworld.case import Case

DBT_MODEL = """{%- macro generate_schema_name(custom_schema_name, node) -%}
    {%- set default_schema = target.schema -%}
    {%- if custom_schema_name is none -%}
        {{ default_schema }}
    {%- else -%}
        {{ default_schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
{%- set payment_methods = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'] -%}
-- schema: {{ generate_schema_name(schema, none) }}
with payments as (
    select * from {{ source_table }}
),

pivoted as (
    select
        order_id,
        {% for payment_method in payment_methods -%}
        sum(case when payment_method = '{{ payment_method }}' then amount else 0 end) as {{ payment_method }}_amount
        {%- if not loop.last %},{% endif %}
        {% endfor %}
    from payments
    {% if filters %}where {{ filters | join('\\n      and ') }}{% endif %}
    group by 1
)

select * from pivoted
"""

COOKIECUTTER = """# {{ cookiecutter.project_name }}

{{ cookiecutter.description | wordwrap(72) }}

{% set slug = cookiecutter.project_name | lower | replace(' ', '_') | replace('-', '_') -%}
## Install

```bash
pip install {{ slug }}
```
{% if cookiecutter.use_docker == 'y' %}

## Docker

```bash
docker build -t {{ slug }}:{{ cookiecutter.version }} .
```
{% endif %}

License: {{ {'MIT': 'MIT License', 'BSD-3': 'BSD 3-Clause', 'GPL-3.0': 'GNU GPL v3'}[cookiecutter.license] }}
Author: {{ cookiecutter.full_name }} <{{ cookiecutter.email }}>
Copyright (c) {{ cookiecutter.year }}{{ ', ' ~ cookiecutter.org if cookiecutter.org }}
"""

MKDOCS_NAV = """{%- for nav_item in nav %}
  {%- if nav_item.children %}
<li class="section{% if nav_item.active %} active{% endif %}">{{ nav_item.title }}
  <ul>
  {%- for child in nav_item.children %}
    <li{% if child.active %} class="current"{% endif %}><a href="{{ base_url }}/{{ child.url }}">{{ child.title }}</a>
    {%- if child.active and page.toc %}
      <ul class="toc">{% for h in page.toc %}<li><a href="{{ h.url }}">{{ h.title }}</a></li>{% endfor %}</ul>
    {%- endif %}</li>
  {%- endfor %}
  </ul></li>
  {%- else %}
<li{% if nav_item.active %} class="current"{% endif %}><a href="{{ base_url }}/{{ nav_item.url }}">{{ nav_item.title }}</a></li>
  {%- endif %}
{%- endfor %}
{%- if config.extra.social %}
<footer>{% for s in config.extra.social %}<a href="{{ s.link }}" title="{{ s.name | default(s.icon.split('/')[-1]) }}">{{ s.icon }}</a>{% endfor %}</footer>
{%- endif %}"""

MKDOCS_CTX = {
    "base_url": "..",
    "nav": [
        {"title": "Home", "url": "", "active": False},
        {
            "title": "User Guide",
            "active": True,
            "children": [
                {"title": "Install", "url": "guide/install/", "active": True},
                {"title": "Config & Tips", "url": "guide/config/", "active": False},
            ],
        },
    ],
    "page": {
        "toc": [{"url": "#pip", "title": "With pip"}, {"url": "#src", "title": "From <source>"}]
    },
    "config": {
        "extra": {
            "social": [
                {"icon": "fontawesome/brands/github", "link": "https://github.com/x"},
                {"icon": "fontawesome/brands/mastodon", "link": "https://m.x", "name": "Toot"},
            ]
        }
    },
}

HOME_ASSISTANT = """{% set temp = states('sensor.outside_temperature') | float(0) %}
{% set hum = states('sensor.outside_humidity') | int(-1) %}
{% if temp > 25 %}It's hot: {{ temp | round(1) }}°C{% elif temp < 5 %}Cold: {{ temp }}°C{% else %}Mild ({{ '%.1f' | format(temp) }}°C){% endif %}
{%- if hum >= 0 %}, humidity {{ hum }}%{% endif %}.
{{ now.strftime('%H:%M') }} — {{ ['Good night', 'Good morning', 'Good afternoon', 'Good evening'][now.hour // 6] }}!
Lights on: {{ lights | selectattr('state', 'eq', 'on') | map(attribute='name') | join(', ') or 'none' }}
"""


def _ha_context(temp: str, hum: str, hour: int) -> dict[str, object]:
    values = {"sensor.outside_temperature": temp, "sensor.outside_humidity": hum}
    return {
        "states": values.get,
        "now": datetime.datetime(2024, 7, 1, hour, 5),
        "lights": [
            {"name": "Kitchen", "state": "on"},
            {"name": "Hall", "state": "off"},
            {"name": "Desk", "state": "on"},
        ],
    }


README = """# {{ name }}

{% for badge in badges -%}
[![{{ badge.alt }}]({{ badge.img }})]({{ badge.link }})
{% endfor %}
## Options

| Option | Type | Default | Description |
|--------|------|---------|-------------|
{% for opt in options | sort(attribute='name') -%}
| `{{ opt.name }}` | {{ opt.type }} | {{ '`%s`' % opt.default if opt.default is not none else '—' }} | {{ opt.help | replace('|', '\\\\|') | replace('\\n', ' ') }} |
{% endfor %}
## Example

```python
{{ example | trim | indent(0) }}
```
"""

CSV = """{{ columns | join(',') }}
{% for row in rows -%}
{% for col in columns -%}
{% set v = row[col] | default('') | string %}{{ '"' ~ v | replace('"', '""') ~ '"' if (',' in v or '"' in v or '\\n' in v) else v }}{{ ',' if not loop.last }}
{%- endfor %}
{% endfor %}"""

CASES = [
    Case(
        "dbt-sql-model",
        DBT_MODEL,
        (
            {
                "target": {"schema": "analytics"},
                "schema": " staging ",
                "source_table": "raw.payments",
                "filters": ["status = 'success'", "amount > 0"],
            },
            {
                "target": {"schema": "dev_ann"},
                "schema": None,
                "source_table": "raw.payments",
                "filters": [],
            },
        ),
    ),
    Case(
        "cookiecutter-readme",
        COOKIECUTTER,
        (
            {
                "cookiecutter": {
                    "project_name": "My Cool-Project",
                    "description": "A project that does a "
                    "great many things, some of which are useful and others merely interesting, "
                    "all of them documented.",
                    "use_docker": "y",
                    "version": "0.1.0",
                    "license": "BSD-3",
                    "full_name": "Zoë Doe",
                    "email": "z@x.org",
                    "year": 2024,
                    "org": "",
                }
            },
            {
                "cookiecutter": {
                    "project_name": "tiny",
                    "description": "Tiny.",
                    "use_docker": "n",
                    "version": "1",
                    "license": "MIT",
                    "full_name": "A",
                    "email": "a@b",
                    "year": 2023,
                    "org": "ACME",
                }
            },
        ),
        options={"keep_trailing_newline": True},
    ),
    Case("mkdocs-nav", MKDOCS_NAV, (MKDOCS_CTX,), options={"autoescape": True}),
    Case(
        "home-assistant",
        HOME_ASSISTANT,
        (
            lambda: _ha_context("27.456", "40", 14),
            lambda: _ha_context("unavailable", "unknown", 3),
            lambda: _ha_context("12", "55.5", 20),
        ),
        options={"trim_blocks": True},
    ),
    Case(
        "readme-options-table",
        README,
        (
            {
                "name": "tool",
                "badges": [{"alt": "CI", "img": "https://ci/badge.svg", "link": "https://ci"}],
                "options": [
                    {"name": "verbose", "type": "bool", "default": False, "help": "More output"},
                    {
                        "name": "jobs",
                        "type": "int",
                        "default": None,
                        "help": "Parallel jobs|workers\nmax 8",
                    },
                ],
                "example": "\n\nimport tool\ntool.run(jobs=4)\n\n",
            },
        ),
    ),
    Case(
        "csv-export",
        CSV,
        (
            {
                "columns": ["id", "name", "note"],
                "rows": [
                    {"id": 1, "name": "Ann", "note": 'says "hi"'},
                    {"id": 2, "name": "Bo, Jr.", "note": None},
                    {"id": 3, "name": "Cy", "note": "multi\nline"},
                ],
            },
        ),
        options={"trim_blocks": True},
    ),
]
