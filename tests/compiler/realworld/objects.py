"""Objects in the context: models with properties, __html__, Markup methods, undefined chains."""

from __future__ import annotations

import datetime
import decimal
from collections import OrderedDict, namedtuple

from markupsafe import Markup

from tests.compiler.realworld.case import Case
from tests.compiler.realworld.models import Html, Settings, User
from tests.compiler.realworld.pages import ALICE, POSTS

Point = namedtuple("Point", "x y")
AUTO = {"autoescape": True}

CASES = [
    Case(
        "model-attrs-props-methods",
        "{{ user.full_name }}|{{ user.username|upper }}|{{ user.has_role('admin') }}|"
        "{{ user.roles|join('/') }}|{{ user }}|{{ user.email.split('@')[1] }}|{{ user['email'] }}|"
        "{{ user.missing|default('n/a') }}|{{ user.full_name.startswith('Al') }}",
        ({"user": ALICE}, {"user": User("x<y>", "e@f")}),
        options=AUTO,
    ),
    Case(
        "undefined-chains-default",
        "[{{ config.theme }}][{{ config.theme|default('light') }}]"
        "[{% if config.theme is defined %}t{% endif %}][{{ page.meta.author|default(site.author) }}]"
        "[{{ (page.meta or {}).get('x', 'none') }}]",
        (
            {"config": {}, "page": {"meta": {}}, "site": {"author": "me"}},
            {"config": {"theme": "dark"}, "page": {"meta": {"author": "Zed"}}, "site": {}},
        ),
        options=AUTO,
    ),
    Case(
        "undefined-chain-errors",
        "{{ page.meta.author }}",
        ({"page": {}}, {"page": {"meta": None}}, {}),
        options=AUTO,
    ),
    Case(
        "undefined-chainable",
        "[{{ a.b.c.d }}][{{ a.b['c'].d|default('dflt') }}][{% if a.b.c %}y{% else %}n{% endif %}]"
        "[{{ a.b|list }}][{% for x in a.b.c %}{{ x }}{% endfor %}]",
        ({}, {"a": {"b": {"c": ["1"]}}}),
        options={"undefined": "chainable"},
    ),
    Case(
        "undefined-strict",
        "{{ user.name }}{% if user.nick is defined %}({{ user.nick }}){% endif %}|"
        "{{ user.nick|default('-') }}|{{ user.nope }}",
        ({"user": {"name": "n"}},),
        options={"undefined": "strict"},
    ),
    Case(
        "undefined-strict-iteration",
        "{% for x in items %}{{ x }}{% endfor %}",
        ({},),
        options={"undefined": "strict"},
    ),
    Case(
        "undefined-default-operations",
        "[{{ missing }}][{{ missing|length }}][{{ missing|list }}][{{ missing ~ 'x' }}]"
        "[{% for x in missing %}{{ x }}{% endfor %}][{{ missing|lower }}][{{ missing is none }}]",
        ({},),
        options=AUTO,
    ),
    Case("undefined-arithmetic-error", "{{ missing + 1 }}", ({},)),
    Case("undefined-call-error", "{{ obj.method() }}", ({"obj": {}},)),
    Case(
        "html-protocol-objects",
        "{{ icon }}|{{ icon|e }}|{{ icon|string }}|{{ icon ~ '!' }}|{{ [icon]|join(',') }}|"
        "{{ icon|safe }}|{{ icon.tag }}|{% if icon %}truthy{% endif %}",
        ({"icon": Html("b", "bold & <x>")},),
        options=AUTO,
    ),
    Case(
        "html-protocol-objects-noescape",
        "{{ icon }}|{{ icon|e }}|{{ icon|string }}|{{ icon ~ '!' }}|{{ icon|escape|length }}",
        ({"icon": Html("b", "bold")},),
    ),
    Case(
        "markup-string-methods",
        "{{ m.upper() }}|{{ m.replace('x', '<y>') }}|{{ m.split(' ')|join('+') }}|"
        "{{ m.strip() }}|{{ m.title() }}|{{ m.startswith('<i>') }}|{{ m.format(v) }}|"
        "{{ m.striptags() }}|{{ m.unescape() }}|{{ m[3:7] }}|{{ m * 2 }}|{{ m.center(30, '*') }}",
        ({"m": Markup("<i>x &amp; {}</i> "), "v": "<v>"},),
        options=AUTO,
    ),
    Case(
        "markup-string-methods-noescape",
        "{{ m.upper() }}|{{ m.replace('x', '<y>') }}|{{ m.format(v) }}|{{ m % v }}|{{ m + v }}",
        ({"m": Markup("<i>{} %s</i>"), "v": "<v>"},),
    ),
    Case(
        "str-methods-on-values",
        "{{ s.split(',')|map('trim')|join('|') }}|{{ s.upper() }}|{{ s.count(',') }}|"
        "{{ s.replace(' ', '') }}|{{ s.rsplit(',', 1)[-1] }}|{{ s.partition(',')[0] }}|"
        "{{ n|string|length }}|{{ '%05d'|format(n) }}|{{ n|string.zfill if false else (n ~ '').zfill(8) }}|"
        "{{ '{:>10}|{:<6}|{:^9}'.format(s[:4], n, 'mid') }}|{{ '{name}-{n:03d}'.format(name=s[:2], n=n) }}|"
        "{{ s.endswith(('c ', 'x')) }}|{{ s.title() }}|{{ s.casefold() }}|{{ s.splitlines() }}|"
        "{{ s.encode('utf-8') }}|{{ s.find('b') }}|{{ s.strip(' ac,') }}",
        ({"s": "a, b<>, c ", "n": 42},),
        options=AUTO,
    ),
    Case(
        "percent-formatting",
        "{{ '%s: %d items (%.1f%%)' % (name, count, pct) }}|{{ '%(a)s-%(b)s' % {'a': name, 'b': 1} }}|"
        "{{ '%-8s|' % name }}{{ '%x' % count }}|{{ '%r' % name }}|{{ '%s' % [1, 'a'] }}|"
        "{{ '%s' % none }}|{{ '%5.2e' % pct }}",
        ({"name": "d<b>", "count": 255, "pct": 12.345},),
        options=AUTO,
    ),
    Case(
        "percent-formatting-markup",
        "{{ fmt % name }}|{{ fmt % (name,) }}|{{ fmt2 % {'x': name} }}|{{ fmt|format(name) }}",
        ({"fmt": Markup("<b>%s</b>"), "fmt2": Markup("<i>%(x)s</i>"), "name": "<n>"},),
        options=AUTO,
    ),
    Case(
        "numbers-and-decimals",
        "{{ price }}|{{ price|round(1) }}|{{ price * 2 }}|{{ total|float }}|{{ total|int }}|"
        "{{ '%.2f'|format(total|float) }}|{{ big }}|{{ big|filesizeformat }}|{{ big|filesizeformat(true) }}|"
        "{{ ratio }}|{{ ratio|round(2, 'floor') }}|{{ 7 // 2 }}|{{ 7 / 2 }}|{{ -7 % 3 }}|{{ 2 ** 10 }}|"
        "{{ 1e20 }}|{{ 0.1 + 0.2 }}|{{ neg|abs }}|{{ (ratio * 100)|int }}%",
        (
            {
                "price": decimal.Decimal("19.95"),
                "total": "42.50",
                "big": 123456789,
                "ratio": 2 / 3,
                "neg": -0.0,
            },
        ),
    ),
    Case(
        "dates-and-times",
        "{{ now }}|{{ now.year }}|{{ now.strftime('%Y-%m-%dT%H:%M') }}|{{ now.date() }}|"
        "{{ now.isoformat() }}|{{ (now - start).days }} days|{{ now > start }}|"
        "{{ now.strftime('%A, %-d %B') if false else now.strftime('%A') }}|{{ start.replace(day=1) }}",
        ({"now": datetime.datetime(2024, 3, 15, 8, 5, 9), "start": datetime.datetime(2024, 1, 1)},),
    ),
    Case(
        "namedtuples-and-ordered",
        "{% for p in points %}({{ p.x }},{{ p[1] }}){% endfor %}|{{ points[0] }}|"
        "{% for k, v in od.items() %}{{ k }}={{ v }};{% endfor %}|{{ od|dictsort(true, 'value') }}|"
        "{{ od }}",
        (
            {
                "points": [Point(1, 2), Point(3, 4)],
                "od": OrderedDict([("b", 2), ("A", 1), ("c", 0)]),
            },
        ),
    ),
    Case(
        "attr-then-item",
        "{{ s.debug }}|{{ s.region }}|{{ s['debug'] if false else s.region }}|{{ d.items }}|"
        "{{ d['items'] }}|{{ d.keys()|list }}|{{ d.get('values') }}|{{ d.values }}",
        ({"s": Settings(debug=True, region="eu-west"), "d": {"items": 1, "values": 2}},),
    ),
    Case(
        "posts-grouping",
        "{% for author, items in posts|groupby('author.username') %}{{ author }}: "
        "{{ items|map(attribute='title')|join(', ') }} ({{ items|sum(attribute='views') }})\n{% endfor %}"
        "{% for g in posts|groupby('draft') %}{{ g.grouper }}={{ g.list|length }} {% endfor %}|"
        "{{ posts|map(attribute='date.year')|unique|list }}|{{ posts|max(attribute='views') }}|"
        "{{ (posts|min(attribute='date')).title }}",
        ({"posts": POSTS},),
        options=AUTO,
    ),
    Case(
        "context-callables",
        "{{ url_for('static', filename='app.css') }}|{{ csrf_token() }}|{{ gettext('Hello %(n)s', n=name) }}|"
        "{{ get_flashed()|length }}",
        (
            lambda: {
                "url_for": lambda ep, **kw: (
                    f"/{ep}/" + "&".join(f"{k}={v}" for k, v in sorted(kw.items()))
                ),
                "csrf_token": lambda: "tok<en>",
                "gettext": lambda s, **kw: s % kw,
                "name": "<n>",
                "get_flashed": lambda: ["a", "b"],
            },
        ),
        options=AUTO,
    ),
]
