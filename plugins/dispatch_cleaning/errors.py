"""Errors raised while reading or cleaning one dispatch."""


class DispatchError(Exception):
    """A raw dispatch that cannot be turned into an archive page; the build goes on without it."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
