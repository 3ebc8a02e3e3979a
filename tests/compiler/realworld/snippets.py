"""Everyday template fragments: menus, loops, filters, namespaces, whitespace and delimiters."""

from __future__ import annotations

from markupsafe import Markup

from tests.compiler.realworld.case import Case

AUTO = {"autoescape": True}
TRIM = {"trim_blocks": True, "lstrip_blocks": True}

MENU = [
    {"title": "Home", "href": "/", "children": []},
    {
        "title": "Docs",
        "href": "/docs/",
        "children": [
            {"title": "Install", "href": "/docs/install/"},
            {
                "title": "API <ref>",
                "href": "/docs/api/",
                "children": [{"title": "Filters", "href": "/docs/api/filters/", "children": []}],
            },
        ],
    },
    {"title": "Blog", "href": "/blog/", "active": True},
]

USERS = [
    {"name": "ann", "city": "Berlin", "age": 31, "active": True, "email": "ann@x.org"},
    {"name": "Bob", "city": "berlin", "age": 25, "active": False, "email": None},
    {"name": "carl", "city": "Paris", "age": 40, "active": True, "email": "c@x.org"},
    {"name": "Dora", "city": "Oslo", "age": 25, "active": True},
]

CASES = [
    Case(
        "recursive-menu",
        '<ul class="menu">\n{%- for item in menu recursive %}\n'
        '  <li class="depth-{{ loop.depth }}{% if item.active %} active{% endif %}">'
        '<a href="{{ item.href }}">{{ item.title }}</a>\n'
        "  {%- if item.children %}\n  <ul>{{ loop(item.children) }}</ul>\n  {%- endif %}</li>\n"
        "{%- endfor %}\n</ul>",
        ({"menu": MENU},),
        options=AUTO,
    ),
    Case(
        "recursive-menu-trim",
        "<ul>\n{% for item in menu recursive %}\n  {{ '  ' * loop.depth0 }}<li>{{ loop.index }}/"
        "{{ loop.length }} {{ item.title }}\n{% if item.children %}\n<ul>\n{{ loop(item.children)|indent(2, true) }}</ul>\n"
        "{% endif %}\n</li>\n{% endfor %}\n</ul>\n",
        ({"menu": MENU},),
        options={**TRIM, **AUTO},
    ),
    Case(
        "recursive-previtem",
        "{% for x in tree recursive %}[{{ loop.depth }}:{{ x.n }}:{{ (loop.previtem or {}).n|default('-') }}:"
        "{{ (loop.nextitem or {}).n|default('-') }}{% if x.c %}{{ loop(x.c) }}{% endif %}]{% endfor %}",
        ({"tree": [{"n": 1, "c": [{"n": 11}, {"n": 12}]}, {"n": 2}]},),
    ),
    Case(
        "loop-changed-headers",
        "{% for u in users|sort(attribute='city') %}{% if loop.changed(u.city|lower) %}\n"
        "## {{ u.city|upper }}\n{% endif %}- {{ u.name }}{{ ',' if not loop.last }}\n{% endfor %}",
        ({"users": USERS},),
        options=TRIM,
    ),
    Case(
        "loop-all-attrs",
        "{% for u in users if u.active %}{{ loop.index }}/{{ loop.length }} {{ loop.revindex0 }} "
        "{{ loop.first }} {{ loop.last }} {{ loop.cycle('a', 'b', 'c') }} {{ u.name }}\n"
        "{% else %}none{% endfor %}",
        ({"users": USERS}, {"users": []}),
    ),
    Case(
        "loop-over-generator",
        "{% for x in gen %}{{ loop.index }}{{ x }}{{ loop.last }}{% if not loop.last %},{% endif %}"
        "{% endfor %}|{% for k in d %}{{ k }}{% endfor %}|{% for ch in 'héllo' %}{{ ch }}.{% endfor %}",
        (lambda: {"gen": (i * i for i in range(4)), "d": {"z": 1, "a": 2}},),
    ),
    Case(
        "loop-length-generator",
        "{% for x in gen %}{{ loop.length }}-{{ loop.revindex }}{% endfor %}",
        (lambda: {"gen": (i for i in "abc")},),
    ),
    Case(
        "loop-nested-outer",
        "{% for row in grid %}{% set outer = loop %}{% for cell in row %}"
        "{{ outer.index }}.{{ loop.index }}={{ cell }}{{ ' ' if not loop.last }}{% endfor %}\n{% endfor %}",
        ({"grid": [[1, 2], [3], []]},),
    ),
    Case(
        "loop-unpacking",
        "{% for k, v in pairs %}{{ k }}={{ v }};{% endfor %}{% for (a, b), c in nested %}{{ a }}{{ b }}{{ c }}"
        "{% endfor %}{% for key, value in mapping.items()|sort %}{{ key }}:{{ value }} {% endfor %}",
        ({"pairs": [("a", 1), ("b", 2)], "nested": [((1, 2), 3)], "mapping": {"y": 1, "x": 2}},),
    ),
    Case(
        "loopcontrols",
        "{% for u in users %}{% if not u.active %}{% continue %}{% endif %}{% if u.age > 35 %}"
        "{% break %}{% endif %}{{ u.name }} {% endfor %}",
        ({"users": USERS},),
        options={"extensions": ["loopcontrols"]},
    ),
    Case(
        "do-extension",
        "{% set items = [] %}{% for u in users %}{% do items.append(u.name|title) %}{% endfor %}"
        "{{ items|join(', ') }}{% set d = {} %}{% do d.update({'a': 1}) %}{% do d.setdefault('b', []).append(2) %}"
        "|{{ d|dictsort }}",
        ({"users": USERS},),
        options={"extensions": ["do"]},
    ),
    Case(
        "namespace-counters",
        "{% set ns = namespace(total=0, found=false, names=[]) %}{% for u in users %}"
        "{% set ns.total = ns.total + u.age %}{% if u.city == 'Paris' %}{% set ns.found = true %}{% endif %}"
        "{% set ns.names = ns.names + [u.name] %}{% endfor %}{{ ns.total }} {{ ns.found }} {{ ns.names }}"
        "|{{ ns }}",
        ({"users": USERS},),
    ),
    Case(
        "set-in-loop-does-not-leak",
        "{% set count = 0 %}{% for u in users %}{% set count = count + 1 %}{% endfor %}{{ count }}"
        "{% set last = none %}{% for u in users %}{% set last = u.name %}{% endfor %}[{{ last }}]",
        ({"users": USERS},),
    ),
    Case(
        "with-blocks",
        "{% with title = page.title|default('Untitled'), n = items|length %}<h1>{{ title }} ({{ n }})"
        "</h1>{% with title = title|upper %}{{ title }}{% endwith %}{{ title }}{% endwith %}[{{ title }}]",
        ({"page": {}, "items": [1, 2]}, {"page": {"title": "T<"}, "items": [], "title": "outer"}),
        options=AUTO,
    ),
    Case(
        "block-set-and-filter-set",
        "{% set greeting %}Hello, <b>{{ name }}</b>!{% endset %}{{ greeting }}|{{ greeting|length }}"
        "{% set shout | upper | replace('!', '!!') %}hey {{ name }}!{% endset %}|{{ shout }}",
        ({"name": "<ann>"},),
        options=AUTO,
    ),
    Case(
        "block-set-noescape",
        "{% set greeting %}Hello, <b>{{ name }}</b>!{% endset %}{{ greeting }}|{{ greeting is string }}",
        ({"name": "<ann>"},),
    ),
    Case(
        "filter-block",
        "{% filter upper %}hello {{ name }}{% endfilter %}|{% filter indent(4, first=true) %}a\nb\n"
        "{% endfilter %}|{% filter replace('\\n', '<br>')|safe %}{{ text }}{% endfilter %}",
        ({"name": "<x>", "text": "l1\nl2 <b>"},),
        options=AUTO,
    ),
    Case(
        "autoescape-blocks",
        "{{ s }}{% autoescape false %}{{ s }}{{ s|e }}{% endautoescape %}{% autoescape true %}{{ s }}"
        "{% endautoescape %}{{ s }}",
        ({"s": "<&>"},),
        options=AUTO,
    ),
    Case(
        "autoescape-blocks-off",
        "{{ s }}{% autoescape true %}{{ s }}{{ s|safe }}{% set x %}{{ s }}{% endset %}{% endautoescape %}{{ x }}",
        ({"s": "<&>"},),
    ),
    Case(
        "tojson-in-script",
        "<script>var cfg = {{ cfg|tojson }}; var pretty = {{ cfg|tojson(indent=2) }};"
        "var s = {{ s|tojson }};</script><div data-x='{{ cfg|tojson }}'></div>",
        (
            {
                "cfg": {"b": [1, 2.5, None, True], "a": "</script><x>&'\"", "u": "caf\u00e9"},
                "s": "it's",
            },
        ),
        options=AUTO,
    ),
    Case("tojson-noescape", "{{ data|tojson }}", ({"data": {"k": ["<", 1, "é"], "z": None}},)),
    Case(
        "xmlattr",
        "<div{{ attrs|xmlattr }}></div><input{{ {'type': 'checkbox', 'checked': checked or none, "
        "'data-id': id}|xmlattr(false) }}>",
        (
            {
                "attrs": {"class": "a b", "title": 'say "hi" & <bye>', "hidden": None, "id": "x"},
                "checked": True,
                "id": 7,
            },
            {"attrs": {}, "checked": False, "id": "<7>"},
        ),
        options=AUTO,
    ),
    Case(
        "wordwrap-variants",
        "{{ text|wordwrap(20) }}\n---\n{{ text|wordwrap(10, true, '<br>\\n') }}\n---\n"
        "{{ url|wordwrap(15, false) }}\n---\n{{ text|wordwrap(12, break_on_hyphens=false) }}",
        (
            {
                "text": "The quick-brown fox jumps over the lazy dog and a super-long-hyphenated-word.\n\n"
                "Second paragraph here.",
                "url": "https://example.com/a/very/long/path/that/cannot/break",
            },
        ),
    ),
    Case(
        "truncate-variants",
        "{{ s|truncate }}|{{ s|truncate(20) }}|{{ s|truncate(20, true) }}|{{ s|truncate(20, false, '…') }}|"
        "{{ s|truncate(21, leeway=0) }}|{{ short|truncate(9) }}|{{ s|truncate(10, end=' [more]') }}",
        (
            {
                "s": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor",
                "short": "Short txt!!",
            },
        ),
        options=AUTO,
    ),
    Case(
        "indent-variants",
        "{{ body|indent }}|{{ body|indent(2, true) }}|{{ body|indent('> ', first=true, blank=true) }}|"
        "{{ ''|indent(first=true) }}|{{ 'one'|indent(3, true) }}",
        ({"body": "line one\n\nline three\n"},),
    ),
    Case(
        "join-variants",
        "{{ names|join }}|{{ names|join(', ') }}|{{ users|join(', ', attribute='name') }}|{{ nums|join('+') }}|"
        "{{ [m, '<x>']|join('&') }}|{{ mixed|join(' ') }}",
        (
            {
                "names": ["a<", "b"],
                "users": USERS,
                "nums": [1, 2.5, -3],
                "m": Markup("<b>m</b>"),
                "mixed": [None, True, "s"],
            },
        ),
        options=AUTO,
    ),
    Case(
        "default-variants",
        "[{{ a|default('x') }}][{{ b|default('x') }}][{{ b|default('x', true) }}][{{ c|d('y', boolean=true) }}]"
        "[{{ none_v|default('z') }}][{{ zero|default(5, true) }}][{{ missing|default(none) }}]"
        "[{{ missing|default }}][{{ missing|default(m) }}]",
        ({"b": "", "c": [], "none_v": None, "zero": 0, "m": Markup("<b>")},),
        options=AUTO,
    ),
    Case(
        "select-reject-map",
        "{{ users|selectattr('active')|map(attribute='name')|join(',') }}|"
        "{{ users|rejectattr('email')|map(attribute='name')|list }}|"
        "{{ users|selectattr('age', 'gt', 26)|map(attribute='name')|join }}|"
        "{{ users|selectattr('city', 'equalto', 'Berlin')|list|length }}|"
        "{{ users|map(attribute='email', default='-')|list }}|"
        "{{ users|selectattr('name', 'in', ['ann', 'Dora'])|map(attribute='age')|sum }}|"
        "{{ nums|select('odd')|list }}|{{ nums|reject('divisibleby', 3)|list }}|{{ nums|select|list }}|"
        "{{ nums|map('string')|map('length')|list }}|{{ strs|map('upper')|select('ne', 'B')|list }}|"
        "{{ strs|map('replace', 'a', 'A')|list }}|{{ users|map(attribute='name')|map('capitalize')|list }}",
        ({"users": USERS, "nums": [0, 1, 2, 3, 4, 9, 10], "strs": ["a", "b", "ca"]},),
    ),
    Case(
        "sort-variants",
        "{{ users|sort(attribute='age')|map(attribute='name')|join }}|"
        "{{ users|sort(attribute='age,name')|map(attribute='name')|join }}|"
        "{{ users|sort(attribute='city', case_sensitive=true)|map(attribute='city')|join }}|"
        "{{ users|sort(attribute='city')|map(attribute='city')|join }}|"
        "{{ words|sort }}|{{ words|sort(reverse=true) }}|{{ words|sort(case_sensitive=true) }}|"
        "{{ nums|sort }}",
        ({"users": USERS, "words": ["b", "B", "a", "C", "\u00e9"], "nums": [3, -1, 2.5, 0]},),
    ),
    Case(
        "groupby-variants",
        "{% for city, people in users|groupby('city') %}{{ city }}={{ people|map(attribute='name')|join('/') }} "
        "{% endfor %}|{% for g in users|groupby('city', case_sensitive=false) %}{{ g.grouper }}:"
        "{{ g.list|length }} {% endfor %}|{% for g in users|groupby('nick', default='none@x') %}"
        "{{ g.grouper }} {% endfor %}|{% for age, ps in users|groupby('age') %}{{ age }}{{ ps|length }} {% endfor %}",
        ({"users": USERS},),
    ),
    Case(
        "dictsort-variants",
        "{{ d|dictsort }}|{{ d|dictsort(true) }}|{{ d|dictsort(by='value') }}|{{ d|dictsort(reverse=true) }}|"
        "{% for k, v in d|dictsort %}{{ k }}={{ v }}{{ '&' if not loop.last }}{% endfor %}|{{ d|items|list }}",
        ({"d": {"b": 1, "A": 3, "c": 2, "a": 0}},),
        options=AUTO,
    ),
    Case(
        "sum-min-max-unique",
        "{{ nums|sum }}|{{ nums|sum(start=10) }}|{{ prices|sum(attribute='p') }}|{{ nums|min }}|{{ nums|max }}|"
        "{{ words|min }}|{{ words|max(case_sensitive=true) }}|{{ words|unique|list }}|"
        "{{ words|unique(case_sensitive=true)|list }}|{{ users|unique(attribute='city')|map(attribute='name')|list }}|"
        "{{ []|max }}|{{ floats|sum }}",
        (
            {
                "nums": [3, 1, 2],
                "prices": [{"p": 1.5}, {"p": 2.25}],
                "words": ["b", "A", "a", "B"],
                "users": USERS,
                "floats": [0.1, 0.2, 0.3],
            },
        ),
    ),
    Case(
        "batch-slice-grid",
        "<table>{% for row in items|batch(3, '&nbsp;') %}<tr>{% for c in row %}<td>{{ c }}</td>{% endfor %}</tr>"
        "{% endfor %}</table>{% for col in items|slice(3) %}<ul>{% for i in col %}<li>{{ i }}</li>{% endfor %}</ul>"
        "{% endfor %}{{ items|batch(2)|list }}|{{ items|slice(2, 'x')|list }}",
        ({"items": ["a", "b", "c", "d", "e", "f", "g"]}, {"items": []}),
        options=AUTO,
    ),
    Case(
        "string-filters",
        "{{ s|title }}|{{ s|capitalize }}|{{ s|lower }}|{{ s|upper }}|{{ s|trim }}|{{ s|trim('.') }}|"
        "{{ s|replace('o', '0', 2) }}|{{ s|wordcount }}|{{ s|center(40) }}|{{ s|reverse }}|{{ s|length }}|"
        "{{ s|striptags }}|{{ s|list|length }}|{{ s|first }}|{{ s|last }}|{{ s|string }}|{{ s|e }}",
        ({"s": "  o'neil's mc-donald's  o<b>k</b>  ...  "},),
        options=AUTO,
    ),
    Case(
        "striptags-html",
        "{{ html|striptags }}|{{ html|striptags|truncate(25) }}|{{ m|striptags }}",
        (
            {
                "html": "<p>Hello&nbsp;<b>World</b> &amp; <!-- c -->\n  friends &lt;3 &#8212; &copy; &unknown;</p>",
                "m": Markup("<i>a</i>\n\n  b &gt; c"),
            },
        ),
        options=AUTO,
    ),
    Case(
        "urlencode-urlize",
        "{{ q|urlencode }}|{{ params|urlencode }}|{{ pairs|urlencode }}|{{ 'a/b c?d'|urlencode }}|"
        "{{ text|urlize }}|{{ text|urlize(20, true) }}|{{ text|urlize(target='_blank') }}",
        (
            {
                "q": "caf\u00e9 & tea/x?y=1",
                "params": {"q": "a b", "n": 1, "x": "é&"},
                "pairs": [("a", "1"), ("b", "2 3")],
                "text": "See http://example.com/very/long/path?x=1&y=<2> or mail me@example.org, also www.test.com. "
                "(https://a.b/c) <tag>",
            },
        ),
        options=AUTO,
    ),
    Case(
        "number-filters",
        "{{ '42'|int }}|{{ '3.7'|int }}|{{ 'abc'|int(-1) }}|{{ '0x1A'|int(0, 16) }}|{{ '0b101'|int(base=2) }}|"
        "{{ '12,5'|float }}|{{ '1e3'|float }}|{{ 3.14159|round }}|{{ 2.5|round }}|{{ 3.5|round }}|"
        "{{ 2.675|round(2) }}|{{ 17|round(-1) if false else 17.5|round(0, 'ceil') }}|{{ -2.5|abs }}|"
        "{{ 1000000|filesizeformat }}|{{ 1024|filesizeformat(true) }}|{{ 1|filesizeformat }}|"
        "{{ 1.5e15|filesizeformat }}|{{ true|int }}|{{ none|int }}",
        ({},),
    ),
    Case(
        "list-filters",
        "{{ xs|first }}|{{ xs|last }}|{{ xs|length }}|{{ xs|count }}|{{ xs|reverse|list }}|{{ xs|list }}|"
        "{{ xs[1:] }}|{{ xs[::-1] }}|{{ xs[-2] }}|{{ (xs + [9])|join }}|{{ xs|random }}|{{ d|list }}|"
        "{{ d|first }}|{{ t }}|{{ t|list }}|{{ s }}|{{ range(3)|list }}|{{ range(10, 0, -3)|list }}",
        ({"xs": [3, 1, 2], "d": {"x": 1, "y": 2}, "t": (1, "a"), "s": "str"},),
    ),
    Case(
        "pprint-and-repr",
        "{{ d|pprint }}|{{ d }}|{{ l }}|{{ l|pprint }}|{{ s|pprint }}|{{ [none, true, 1.0, 'it\\'s'] }}",
        ({"d": {"b": [1, 2], "a": {"x": "y<"}}, "l": ["a", 'b"c', "d'e"], "s": "x"},),
        options=AUTO,
    ),
    Case(
        "tests-in-templates",
        "{% for v in values %}{{ v is none }}{{ v is number }}{{ v is string }}{{ v is sequence }}"
        "{{ v is mapping }}{{ v is iterable }}{{ v is callable }}{{ v is boolean }}{{ v is integer }}"
        "{{ v is float }}{{ v is true }}{{ v is false }}{{ v is defined }}{{ v is escaped }}\n{% endfor %}"
        "{{ 10 is divisibleby 3 }}{{ 'abc' is lower }}{{ 'ABC' is upper }}{{ 3 is odd }}{{ 4 is even }}"
        "{{ x is sameas none }}{{ 2 is in [1, 2] }}{{ 3 is ge 2 }}{{ 'a' is eq 'a' }}{{ 'u' is upper }}",
        ({"values": [None, 1, 1.5, "s", [1], {"a": 1}, True, Markup("m"), len, (1,)]},),
    ),
    Case(
        "operators-real",
        "{{ 'admin' in user.roles }}|{{ 'x' not in 'abc' }}|{{ 'a' in {'a': 1} }}|{{ 1 < n < 10 }}|"
        "{{ n == 5 and not flag or 'alt' }}|{{ n > 3 and 'big' or 'small' }}|{{ flag or none }}|"
        "{{ (n + 1) * 2 - -3 }}|{{ n ~ ' items' }}|{{ 'a' ~ none ~ 1.0 }}|{{ [1, 2] + [3] }}|"
        "{{ 'ab' * 3 }}|{{ n if n > 10 }}|{{ 'yes' if flag else 'no' }}|{{ not n }}|{{ -n|abs }}|"
        "{{ {'a': 1}['a'] }}|{{ (1, 2)[0] }}|{{ 'hello'[1:3] }}|{{ n // 2 }}{{ n % 2 }}|{{ 10 / 4 }}",
        ({"user": {"roles": ["admin"]}, "n": 5, "flag": False},),
        options=AUTO,
    ),
    Case(
        "cycler-joiner-lipsum",
        "{% set row = cycler('odd', 'even') %}{% set sep = joiner(' | ') %}{% for i in range(5) %}"
        "{{ sep() }}{{ row.next() }}{% endfor %}[{{ row.current }}]{% do row.reset() if false %}"
        "{{ lipsum(1, false, 5, 10) }}|{{ dict(a=1, b='x') }}|{{ lipsum(2)|wordcount > 0 }}",
        ({},),
        options={"extensions": ["do"]},
    ),
    Case(
        "line-statements",
        "# for item in items\n  - {{ item }} ## the item\n# endfor\n## whole line comment\n"
        "# if items|length > 2\nmany\n# endif\n",
        ({"items": ["a", "b", "c"]},),
        options={"line_statement_prefix": "#", "line_comment_prefix": "##"},
    ),
    Case(
        "latex-delimiters",
        "\\documentclass{article}\n\\BLOCK{ for s in sections }\n\\section{\\VAR{ s.title }}\n"
        "\\VAR{ s.body|replace('&', '\\\\&') }\n%# a comment\n\\BLOCK{ endfor }\n\\end{document}\n",
        ({"sections": [{"title": "Intro", "body": "A & B"}, {"title": "End", "body": "50%"}]},),
        options={
            "block_start_string": "\\BLOCK{",
            "block_end_string": "}",
            "variable_start_string": "\\VAR{",
            "variable_end_string": "}",
            "comment_start_string": "\\#{",
            "comment_end_string": "}",
            "line_comment_prefix": "%#",
            "trim_blocks": True,
            "autoescape": False,
        },
    ),
    Case(
        "angular-safe-delimiters",
        "<div ng-app>{{ '{{' }}angular{{ '}}' }}[[ name ]]<% if show %>shown<% endif %><# hidden #></div>",
        ({"name": "<n>", "show": True},),
        options={
            "variable_start_string": "[[",
            "variable_end_string": "]]",
            "block_start_string": "<%",
            "block_end_string": "%>",
            "comment_start_string": "<#",
            "comment_end_string": "#>",
            "autoescape": True,
        },
    ),
    Case(
        "whitespace-control-mix",
        "<ul>\n    {%- for x in xs %}\n    <li>{{- x -}}</li>\n    {%- endfor %}\n</ul>\n"
        "{%+ if true %}  kept{% endif %}\n  {%- if true -%}  stripped  {%- endif -%}  \n  end",
        ({"xs": [1, 2]},),
        options=TRIM,
    ),
    Case(
        "whitespace-lstrip-plus",
        "  {%+ if a %}A{% endif %}\n  {% if b %}B{% endif %}\n\t{# c #}\n  {{ v }}\n  {%- raw %} r {% endraw %}\n",
        ({"a": 1, "b": 1, "v": "v"},),
        options=TRIM,
    ),
    Case(
        "whitespace-trailing-newline",
        "{% block x %}\nline\n{% endblock %}\n",
        ({},),
        options={"keep_trailing_newline": True, "trim_blocks": True},
    ),
    Case(
        "output-before-extends",
        "{% set title = 'child' %}preamble {{ title }}\n{% extends 'base.html' %}ignored text"
        "{% block body %}[{{ title }}]{% endblock %}",
        ({},),
        templates={"base.html": "<{% block body %}{% endblock %}>{{ title|default('no') }}"},
    ),
    Case(
        "child-toplevel-set-visible",
        "{% extends 'base.html' %}{% set title = 'From child' %}{% block body %}{{ title }}{% endblock %}",
        ({"title": "ctx"},),
        templates={"base.html": "<title>{{ title }}</title>{% block body %}{% endblock %}"},
    ),
    Case(
        "block-in-include",
        "{% include 'widget.html' %}|{% include 'widget.html' %}",
        ({"n": 1},),
        templates={"widget.html": "{% block w %}W{{ n }}{% endblock %}"},
    ),
    Case(
        "include-in-macro",
        "{% macro card(title) %}{% include 'card.html' %}{% endmacro %}{{ card('A<') }}{{ card('B') }}",
        ({"footer": "f"},),
        templates={"card.html": "<div>{{ title }}|{{ footer }}</div>"},
        options=AUTO,
    ),
    Case(
        "include-variable-name",
        "{% for w in widgets %}{% include 'widgets/' ~ w ~ '.html' %}{% endfor %}",
        ({"widgets": ["clock", "weather"]}, {"widgets": ["clock", "nope"]}),
        templates={"widgets/clock.html": "[clock]", "widgets/weather.html": "[weather {{ w }}]"},
    ),
    Case(
        "required-block-implemented",
        "{% extends 'base.html' %}{% block content %}C{% endblock %}",
        ({},),
        templates={"base.html": "<{% block content required %}{% endblock %}>"},
    ),
    Case(
        "super-nested-blocks",
        "{% extends 'base.html' %}{% block outer %}[{{ super() }}]{% endblock %}"
        "{% block inner %}({{ super() }}){% endblock %}",
        ({},),
        templates={
            "base.html": "{% block outer %}O{% block inner %}I{% endblock %}O{% endblock %}"
        },
    ),
    Case(
        "macros-from-parent-layout",
        "{% extends 'base.html' %}{% import 'm.html' as m %}{% block body %}{{ m.hello(who) }}{% endblock %}",
        ({"who": "you"},),
        templates={
            "base.html": "B:{% block body %}{% endblock %}",
            "m.html": "{% macro hello(x) %}hello {{ x }}{% endmacro %}",
        },
    ),
    Case(
        "unicode-text-body",
        "<p>{{ greeting }}, {{ name }}! — “quotes” ‘single’ … ©</p>{{ emoji * 3 }}|{{ name|upper }}|"
        "{{ name|length }}|{{ '%-6s|'|format(name) }}|{{ name|center(9, ) if false else name|center(9) }}|"
        "{{ rtl }}|{{ combining|length }}|{{ 'ß'|upper }}|{{ 'İ'|lower|length }}",
        (
            {
                "greeting": "Grüß Gott",
                "name": "Zoë",
                "emoji": "🎉",
                "rtl": "שלום",
                "combining": "e\u0301",
            },
        ),
        options=AUTO,
    ),
    Case(
        "dict-methods",
        "{% for k in d.keys()|sort %}{{ k }}{% endfor %}|{{ d.values()|sum }}|{{ d.get('x', 0) }}|"
        "{{ d.get('a') }}|{{ d.items()|list|length }}|{{ 'a' in d }}|{{ d|length }}|"
        "{% for k, v in d|dictsort(by='value', reverse=true) %}{{ k }}{{ v }}{% endfor %}|"
        "{{ dict(d, z=26)|dictsort|last }}|{{ d.copy().pop('a') }}",
        ({"d": {"a": 1, "c": 3, "b": 2}},),
    ),
    Case(
        "google-analytics-snippet",
        '<script async src="https://www.googletagmanager.com/gtag/js?id={{ ga_id }}"></script>\n'
        "<script>\n  window.dataLayer = window.dataLayer || [];\n  function gtag(){dataLayer.push(arguments);}\n"
        "  gtag('js', new Date());\n  gtag('config', '{{ ga_id }}'{% if anonymize %}, {'anonymize_ip': true}{% endif %});\n"
        "</script>",
        ({"ga_id": "G-ABC123", "anonymize": True}, {"ga_id": "G-'x'<>", "anonymize": False}),
        options=AUTO,
    ),
    Case(
        "consent-banner",
        '{% if not consent %}<div id="cookie-banner" role="dialog" aria-label="{{ labels.title }}">\n'
        "  <p>{{ labels.text }} <a href=\"{{ policy_url }}\">{{ labels.more|default('Learn more') }}</a></p>\n"
        "  {% for choice in ['accept', 'reject'] %}<button data-choice=\"{{ choice }}\">{{ labels[choice]|"
        "default(choice|capitalize) }}</button>{% endfor %}\n</div>{% endif %}",
        (
            {
                "consent": False,
                "labels": {"title": "Cookies", "text": "We use cookies & stuff.", "accept": "OK"},
                "policy_url": "/privacy?lang=en&v=2",
            },
            {"consent": True},
        ),
        options={**AUTO, **TRIM},
    ),
]
