"""ETags of rewritten pages: weak, and covering the injected snippets as well as the page.

A rewritten page is not byte-identical to the upstream's, so its validator becomes weak, and
it carries a tag of the snippets so a browser revalidating after the views changed gets the
new page rather than a 304 for the old one. If-None-Match values we issued are translated
back to the upstream's own tag on the way up; ones issued for other snippets are dropped.
"""

from __future__ import annotations

import re
from typing import Final

_OURS: Final = re.compile(rb'^(?:W/)?"(?P<opaque>[^"]*)-ev(?P<kind>[sw])(?P<tag>[0-9a-f]{8})"$')
_TAG_LIST: Final = re.compile(rb'\s*((?:W/)?"[^"]*"|\*)\s*(?:,|$)')


def weak_etag(upstream_etag: bytes, snippets_tag: str) -> bytes | None:
    """The ETag for the rewritten page, or None when the upstream's is not a valid entity tag."""
    value = upstream_etag.strip()
    kind = b"s"
    if value.startswith(b"W/"):
        kind = b"w"
        value = value[2:]
    if len(value) < 2 or not value.startswith(b'"') or not value.endswith(b'"'):
        return None
    return b'W/"' + value[1:-1] + b"-ev" + kind + snippets_tag.encode("ascii") + b'"'


def upstream_if_none_match(value: bytes, snippets_tag: str) -> bytes | None:
    """If-None-Match for the upstream: our tags turned back into its own, stale ones dropped."""
    kept: list[bytes] = []
    for match in _TAG_LIST.finditer(value):
        tag = match.group(1)
        ours = _OURS.match(tag)
        if ours is None:
            kept.append(tag)
        elif ours.group("tag").decode("ascii") == snippets_tag:
            opaque = b'"' + ours.group("opaque") + b'"'
            kept.append(b"W/" + opaque if ours.group("kind") == b"w" else opaque)
    return b", ".join(kept) if kept else None
