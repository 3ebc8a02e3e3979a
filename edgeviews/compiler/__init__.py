"""The compiler wing: Jinja templates into standalone, stdlib-only Python modules."""
