from collections.abc import Iterable

def lower(data: bytes, /) -> bytes: ...

class Finder:
    def __init__(
        self,
        needles: Iterable[bytes],
        filters: Iterable[tuple[bytes, ...] | None] | None = None,
        /,
    ) -> None: ...
    def find(self, low: bytes, pos: int, /) -> int: ...
