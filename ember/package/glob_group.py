"""``GlobGroup``: module (or path) name patterns with ``*`` inside a segment and ``**`` for any segments."""
import re

__all__ = ["GlobGroup"]


class GlobGroup:
    """Patterns that candidate names are matched against.

    A candidate is a list of segments joined by ``separator`` (``"foo.bar.baz"``). In a pattern a
    segment is a literal (``foo``), a segment with ``*`` wildcards that match any text inside the
    segment (``torch*``), or ``**`` alone, which matches zero or more whole segments. A candidate
    matches when it matches any ``include`` pattern and no ``exclude`` pattern.

    Examples: ``torch.**`` matches ``torch`` and all its submodules; ``torch.*`` matches ``torch.nn``
    but not ``torch`` or ``torch.nn.functional``; ``torch*.**`` matches ``torch``, ``torchvision`` and
    their submodules.

    >>> g = GlobGroup("torch.**", exclude="torch.nn.*")
    >>> g.matches("torch.fx"), g.matches("torch.nn.functional"), g.matches("torchvision")
    (True, False, False)
    """

    def __init__(self, include, *, exclude=(), separator="."):
        self._dbg = f"GlobGroup(include={include}, exclude={exclude})"
        self.include = GlobGroup._glob_list(include, separator)
        self.exclude = GlobGroup._glob_list(exclude, separator)
        self.separator = separator

    def __str__(self):
        return self._dbg

    __repr__ = __str__

    def matches(self, candidate):
        # NOTE: a leading separator lets the first segment be handled as every other one
        candidate = self.separator + candidate
        return (any(p.fullmatch(candidate) for p in self.include)
                and not any(p.fullmatch(candidate) for p in self.exclude))

    @staticmethod
    def _glob_list(elems, separator="."):
        if isinstance(elems, str):
            elems = [elems]
        return [GlobGroup._glob_to_re(e, separator) for e in elems]

    @staticmethod
    def _glob_to_re(pattern, separator="."):
        sep = re.escape(separator)
        not_sep = f"[^{sep}]"
        parts = []
        for segment in pattern.split(separator):
            if segment == "**":
                parts.append(f"({sep}{not_sep}+)*")
            elif "**" in segment:
                raise ValueError("** can only appear as an entire path segment")
            else:
                parts.append(sep + f"{not_sep}*".join(re.escape(piece) for piece in segment.split("*")))
        return re.compile("".join(parts))
