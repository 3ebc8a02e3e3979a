"""The run-time library compiled templates need, as one import: every name of its core modules.

The core is split by idea: ``runtime_errors`` (jinja2's exception types, template notes),
``runtime_markup`` (escaping identical to MarkupSafe, ``Markup``), ``runtime_undefined``
(``missing``, the Undefined kinds, attribute and item lookup), ``runtime_not_found``,
``runtime_loops`` (``LoopContext``), ``runtime_calls`` (``Macro``, checked calls) and
``runtime_globals`` (namespace, cycler, joiner, lipsum). They import only the standard library
and each other, never this module, so this module can name them all. catalog.py reads them
(not this file, which defines nothing) and copies the definitions a template uses into the
generated module, or writes them all with the filters and tests as the build's ``_runtime.py``.
Behaviour follows jinja2 3.1 and MarkupSafe 3.0 exactly, including error messages and the
module names that appear in ``repr`` and undefined messages.
"""

from __future__ import annotations

from edgeviews.compiler.runtime_calls import Macro, call_autoescaped, call_checked
from edgeviews.compiler.runtime_errors import (
    FilterArgumentError,
    TemplateAssertionError,
    TemplateError,
    TemplateRuntimeError,
    TemplateSyntaxError,
    UndefinedError,
    add_template_note,
)
from edgeviews.compiler.runtime_globals import (
    LOREM_IPSUM_WORDS,
    Cycler,
    Joiner,
    Namespace,
    generate_lorem_ipsum,
)
from edgeviews.compiler.runtime_loops import LoopContext
from edgeviews.compiler.runtime_markup import (
    FORMATTER_CLASSES,
    Markup,
    MarkupEscapeHelper,
    chain_iter,
    escape,
    escape_formatter,
    escape_inner,
    identity,
    markup_join,
    soft_str,
    str_join,
    to_html,
)
from edgeviews.compiler.runtime_not_found import TemplateNotFound, TemplatesNotFound
from edgeviews.compiler.runtime_undefined import (
    DICT_ATTRIBUTES,
    ChainableUndefined,
    StrictUndefined,
    Undefined,
    getattr_then_item,
    is_undefined,
    item_then_attr,
    missing,
    object_type_repr,
)

__all__ = [
    "DICT_ATTRIBUTES",
    "FORMATTER_CLASSES",
    "LOREM_IPSUM_WORDS",
    "ChainableUndefined",
    "Cycler",
    "FilterArgumentError",
    "Joiner",
    "LoopContext",
    "Macro",
    "Markup",
    "MarkupEscapeHelper",
    "Namespace",
    "StrictUndefined",
    "TemplateAssertionError",
    "TemplateError",
    "TemplateNotFound",
    "TemplateRuntimeError",
    "TemplateSyntaxError",
    "TemplatesNotFound",
    "Undefined",
    "UndefinedError",
    "add_template_note",
    "call_autoescaped",
    "call_checked",
    "chain_iter",
    "escape",
    "escape_formatter",
    "escape_inner",
    "generate_lorem_ipsum",
    "getattr_then_item",
    "identity",
    "is_undefined",
    "item_then_attr",
    "markup_join",
    "missing",
    "object_type_repr",
    "soft_str",
    "str_join",
    "to_html",
]
