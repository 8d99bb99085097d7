"""Every data file inside the ember package (recorded schemas, settings, weights lists, the embedded digits)
is declared in pyproject.toml's package data, so that a regular (non-editable) install carries it."""
import fnmatch
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _package_data():
    try:
        import tomllib
    except ImportError:             # Python < 3.11: read the table's lines
        lines = (ROOT / 'pyproject.toml').read_text().splitlines()
        start = lines.index('[tool.setuptools.package-data]')
        table = {}
        for line in lines[start + 1:]:
            if line.startswith('['):
                break
            if '=' in line and not line.lstrip().startswith('#'):
                key, value = line.split('=', 1)
                table[key.strip().strip('"')] = eval(value.strip())   # a list of strings
        return table
    return tomllib.loads((ROOT / 'pyproject.toml').read_text())['tool']['setuptools']['package-data']


def test_every_data_file_in_the_package_is_declared():
    declared = _package_data()
    missing = []
    for path in (ROOT / 'ember').rglob('*'):
        if not path.is_file() or path.suffix in ('.py', '.pyc') or '__pycache__' in path.parts:
            continue
        rel = path.relative_to(ROOT)
        package = '.'.join(rel.parent.parts)
        found = False
        while package:
            inner = str(rel.relative_to(pathlib.Path(*package.split('.'))))
            # setuptools' patterns do not cross directories: '*.json' is not 'detection/weights.json'
            if any(fnmatch.fnmatch(inner, p) and inner.count('/') == p.count('/') for p in declared.get(package, ())):
                found = True
                break
            package = package.rpartition('.')[0]
        if not found:
            missing.append(str(rel))
    assert not missing, f'not declared in pyproject.toml [tool.setuptools.package-data]: {missing}'
