"""The rewriter wing: a streaming, byte-exact HTML rewriter with HTMLRewriter's API.

```
from edgeviews.rewriter import Rewriter
rewriter = Rewriter(on_error=log).on("body", end_tag=lambda end: end.before(snippet, html=True))
for piece in rewriter.transform(chunks): ...
```
"""

from edgeviews.rewriter.element import Comment, Element, EndTag, TextChunk
from edgeviews.rewriter.rewriter import Rewriter
from edgeviews.rewriter.selectors import SelectorError

__all__ = ["Comment", "Element", "EndTag", "Rewriter", "SelectorError", "TextChunk"]
