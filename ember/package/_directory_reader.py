"""Reads an unzipped package (a folder) with the record interface of ``PyTorchFileReader``."""
import os
from pathlib import Path


class DirectoryReader:
    """The files under ``directory`` as the records of a package archive."""

    def __init__(self, directory):
        self.directory = directory

    def get_record(self, name):
        with open(os.path.join(self.directory, name), "rb") as f:
            return f.read()

    def has_record(self, path):
        return os.path.isfile(os.path.join(self.directory, path))

    def get_all_records(self):
        root = Path(self.directory)
        return [p.relative_to(root).as_posix() for p in sorted(root.glob("**/*")) if not p.is_dir()]

    def serialization_id(self):
        return self.get_record(".data/serialization_id").decode() if self.has_record(".data/serialization_id") else ""
