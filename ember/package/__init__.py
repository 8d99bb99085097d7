"""``ember.package``: PyTorch's ``torch.package``, self-contained archives of code, objects and data.

``PackageExporter`` writes a model's pickled objects together with the source of the modules they
need (interned) and the names of the modules the loader must provide (extern); ``PackageImporter``
loads such a package, from ember or from PyTorch, running its code under a private module namespace.
PyTorch's modules a package takes from outside (``torch``, ``torch.nn``) are ember's when ember loads it.

>>> import io
>>> buf = io.BytesIO()
>>> with ember.package.PackageExporter(buf) as exporter:
...     exporter.save_text('notes', 'hello.txt', 'hi')
...     exporter.save_pickle('data', 'x.pkl', {'w': ember.ones(2)})
>>> importer = ember.package.PackageImporter(io.BytesIO(buf.getvalue()))
>>> importer.load_text('notes', 'hello.txt')
'hi'
>>> importer.load_pickle('data', 'x.pkl')
{'w': tensor([1., 1.])}
>>> print(importer.file_structure(exclude='.data/**'))
─── <binary>
    ├── data
    │   └── x.pkl
    ├── notes
    │   └── hello.txt
    └── byteorder
<BLANKLINE>
"""
from .file_structure_representation import Directory
from .glob_group import GlobGroup
from .importer import Importer, ObjMismatchError, ObjNotFoundError, OrderedImporter, sys_importer
from .package_importer import PackageImporter
from .package_exporter import EmptyMatchError, PackageExporter, PackagingError
from .analyze.is_from_package import is_from_package

__all__ = ["Directory", "EmptyMatchError", "GlobGroup", "Importer", "ObjMismatchError", "ObjNotFoundError",
           "OrderedImporter", "PackageExporter", "PackageImporter", "PackagingError", "is_from_package", "sys_importer"]
