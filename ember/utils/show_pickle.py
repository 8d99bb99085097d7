"""Print what a pickle holds without running any of its code: the classes it names are shown by name,
objects as the calls that would rebuild them, persistent ids (a checkpoint's tensor storages) as
``pers.obj(...)``. For looking inside checkpoints one does not trust or cannot load.

    python -m ember.utils.show_pickle model.pt@*/data.pkl     # entries of a zip checkpoint matching a pattern
    python -m ember.utils.show_pickle some.pkl                 # a plain pickle file
"""
import fnmatch
import pickle
import pprint
import sys
import zipfile

__all__ = ['FakeObject', 'FakeClass', 'DumpUnpickler', 'main']


class FakeObject:
    """An object the pickle builds: its class's module and name, the arguments, and the state it sets."""

    def __init__(self, module, name, args):
        self.module = module
        self.name = name
        self.args = args
        self.state = None
        self.items = {}     # what the pickle stores into it as a mapping (an OrderedDict's entries)
        self.elements = []  # what it appends to it as a list

    def __setstate__(self, state):
        self.state = state

    def __setitem__(self, key, value):
        self.items[key] = value

    def append(self, value):
        self.elements.append(value)

    def extend(self, values):
        self.elements.extend(values)

    def __repr__(self):
        state = '' if self.state is None else f'(state={self.state!r})'
        filled = (repr(self.items) if self.items else '') + (repr(self.elements) if self.elements else '')
        return f'{self.module}.{self.name}{self.args!r}{filled}{state}'


class FakeClass:
    """A class the pickle names: calling it (or its ``__new__``) gives a :class:`FakeObject`."""

    def __init__(self, module, name):
        self.module = module
        self.name = name
        self.__new__ = self.fake_new    # the unpickler's NEWOBJ calls cls.__new__(cls, *args)

    def __repr__(self):
        return f'{self.module}.{self.name}'

    def __call__(self, *args):
        return FakeObject(self.module, self.name, args)

    def fake_new(self, *args):
        return FakeObject(self.module, self.name, args[1:])


class DumpUnpickler(pickle._Unpickler):
    """An unpickler that imports nothing: every global is a :class:`FakeClass`, every persistent id a
    ``pers.obj`` :class:`FakeObject`. ``catch_invalid_utf8`` shows undecodable strings as their bytes
    instead of failing."""

    def __init__(self, file, *, catch_invalid_utf8=False, **kwargs):
        super().__init__(file, **kwargs)
        self.catch_invalid_utf8 = catch_invalid_utf8

    def find_class(self, module, name):
        return FakeClass(module, name)

    def persistent_load(self, pid):
        return FakeObject('pers', 'obj', (pid,))

    def load_binunicode(self):
        size, = __import__('struct').unpack('<I', self.read(4))
        if size > sys.maxsize:
            raise pickle.UnpicklingError("BINUNICODE exceeds system's maximum size of %d bytes" % sys.maxsize)
        raw = self.read(size)
        try:
            self.append(str(raw, 'utf-8', 'surrogatepass'))
        except UnicodeDecodeError:
            if not self.catch_invalid_utf8:
                raise
            self.append(FakeObject('builtin', 'UnicodeDecodeError', (raw,)))

    dispatch = dict(pickle._Unpickler.dispatch)
    dispatch[pickle.BINUNICODE[0]] = load_binunicode

    @classmethod
    def dump(cls, in_stream, out_stream):
        """Print the contents of the pickle read from ``in_stream`` to ``out_stream``; returns them."""
        value = cls(in_stream).load()
        pprint.pprint(value, stream=out_stream)
        return value


def main(argv, output_stream=None):
    """``argv``: [program, FILE] where FILE is a pickle file, ``archive.zip@member`` or ``archive.zip@pattern``
    (the first member matching the shell pattern). Returns the exit code."""
    if len(argv) != 2:
        if output_stream is not None:
            raise Exception('Pass argv of length 2.')  # noqa: TRY002 - PyTorch's error type
        sys.stderr.write('usage: show_pickle PICKLE_FILE\n')
        sys.stderr.write('  PICKLE_FILE can be any of:\n')
        sys.stderr.write('    path to a pickle file\n')
        sys.stderr.write('    file.zip@member.pkl\n')
        sys.stderr.write('    file.zip@*/pattern.*\n')
        sys.stderr.write('      (shell glob pattern for members)\n')
        sys.stderr.write('      (only first match will be shown)\n')
        return 2
    out = sys.stdout if output_stream is None else output_stream
    fname = argv[1]
    if '@' not in fname:
        with open(fname, 'rb') as handle:
            DumpUnpickler.dump(handle, out)
        return 0
    zip_name, member = fname.split('@', 1)
    with zipfile.ZipFile(zip_name) as zf:
        if '*' not in member:
            name = member                   # an exact member name (zipfile's KeyError when it is absent)
        else:
            name = next((n for n in zf.namelist() if fnmatch.fnmatch(n, member)), None)
            if name is None:
                raise Exception(f"Could not find member matching {member} in {zip_name}")  # noqa: TRY002
        with zf.open(name) as handle:
            DumpUnpickler.dump(handle, out)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
