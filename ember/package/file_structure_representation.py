"""``Directory``: the files of a package archive as a tree, printed as ``tree`` prints folders."""
from .glob_group import GlobGroup

__all__ = ["Directory"]

_SPACE, _BRANCH = "    ", "\u2502   "
_TEE, _LAST, _ROOT = "\u251c\u2500\u2500 ", "\u2514\u2500\u2500 ", "\u2500\u2500\u2500 "


class Directory:
    """A folder (``is_dir``) or file of a package, with its children by name.

    ``PackageImporter.file_structure()`` builds one; ``str()`` draws it: sub-folders first, then
    files, each group sorted by name.
    """

    def __init__(self, name, is_dir):
        self.name = name
        self.is_dir = is_dir
        self.children = {}

    def _get_dir(self, dirs):
        node = self
        for name in dirs:
            node = node.children.setdefault(name, Directory(name, True))
        return node

    def _add_file(self, file_path):
        *dirs, name = file_path.split("/")
        self._get_dir(dirs).children[name] = Directory(name, False)

    def has_file(self, filename):
        """Whether the path ``filename`` ('a/b/c.py', relative to this folder) is in the tree."""
        head, _, rest = filename.partition("/")
        child = self.children.get(head)
        if child is None:
            return False
        return True if not rest else child.has_file(rest)

    def __str__(self):
        lines = []
        self._stringify_tree(lines)
        return "".join(lines)

    def _stringify_tree(self, lines, preamble="", pointer=_ROOT):
        lines.append(f"{preamble}{pointer}{self.name}\n")
        preamble += _BRANCH if pointer == _TEE else _SPACE
        dirs = sorted(k for k, v in self.children.items() if v.is_dir)
        files = sorted(k for k, v in self.children.items() if not v.is_dir)
        for i, key in enumerate(dirs):
            last = i == len(dirs) - 1 and not files
            self.children[key]._stringify_tree(lines, preamble, _LAST if last else _TEE)
        for i, key in enumerate(files):
            lines.append(f"{preamble}{_LAST if i == len(files) - 1 else _TEE}{key}\n")


def _create_directory_from_file_list(filename, file_list, include="**", exclude=()):
    """The tree named ``filename`` of the paths in ``file_list`` that ``include`` and not ``exclude`` match."""
    wanted = GlobGroup(include, exclude=exclude, separator="/")
    top = Directory(filename, True)
    for path in file_list:
        if wanted.matches(path):
            top._add_file(path)
    return top
