"""ember.hub: cache directory rules, downloads with hash checks (against a local HTTP server), the
checkpoint cache, and hubconf.py repositories."""
import hashlib
import os
import zipfile

import pytest

import ember
import ember.hub as hub
from tests.vision._helpers import closed_port_url, http_server


@pytest.fixture
def hub_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "_hub_dir", None)
    for var in ("EMBER_HOME", "TORCH_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    d = tmp_path / "hubdir"
    hub.set_dir(d)
    return d


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_get_dir_follows_pytorchs_convention(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "_hub_dir", None)
    for var in ("EMBER_HOME", "TORCH_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    assert hub.get_dir() == os.path.join(os.path.expanduser("~/.cache"), "torch", "hub")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hub.get_dir() == str(tmp_path / "xdg" / "torch" / "hub")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert hub.get_dir() == str(tmp_path / "th" / "hub")
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "eh"))  # ember's own variable wins over TORCH_HOME
    assert hub.get_dir() == str(tmp_path / "eh" / "hub")
    hub.set_dir(tmp_path / "explicit")  # and set_dir over both
    assert hub.get_dir() == str(tmp_path / "explicit")


def test_torch_hub_is_ember_hub():
    assert ember.hub is hub


def test_download_url_to_file_checks_the_hash_prefix(tmp_path):
    served = tmp_path / "srv"
    served.mkdir()
    payload = served / "blob.bin"
    payload.write_bytes(os.urandom(300_000))
    digest = _sha256(payload)
    out = tmp_path / "out"
    out.mkdir()
    with http_server(str(served)) as url:
        hub.download_url_to_file(url + "blob.bin", str(out / "ok.bin"), hash_prefix=digest[:10], progress=False)
        assert (out / "ok.bin").read_bytes() == payload.read_bytes()
        with pytest.raises(RuntimeError, match=f'invalid hash value \\(expected "0000", got "{digest}"\\)'):
            hub.download_url_to_file(url + "blob.bin", str(out / "bad.bin"), hash_prefix="0000", progress=False)
    assert sorted(os.listdir(out)) == ["ok.bin"]  # no corrupt file, no leftover temporary file


def test_download_failure_leaves_nothing(tmp_path):
    with pytest.raises(OSError):
        hub.download_url_to_file(closed_port_url() + "x.pth", str(tmp_path / "x.pth"), progress=False)
    assert os.listdir(tmp_path) == []


def _served_checkpoint(served, stem="tiny"):
    state = {"weight": ember.arange(6.).reshape(2, 3), "bias": ember.tensor([1.0, -1.0])}
    tmp = served / "tmp.pth"
    ember.save(state, tmp)
    name = f"{stem}-{_sha256(tmp)[:8]}.pth"
    os.replace(tmp, served / name)
    return name, state


def test_load_state_dict_from_url_downloads_once_into_checkpoints(tmp_path, hub_dir, capsys):
    served = tmp_path / "srv"
    served.mkdir()
    name, state = _served_checkpoint(served)
    with http_server(str(served)) as url:
        loaded = hub.load_state_dict_from_url(url + name, check_hash=True, progress=False)
        cached = hub_dir / "checkpoints" / name
        assert f'Downloading: "{url + name}" to {cached}' in capsys.readouterr().out
    assert cached.is_file()
    assert set(loaded) == {"weight", "bias"} and ember.equal(loaded["weight"], state["weight"])
    # the server is gone: the cached file answers
    again = hub.load_state_dict_from_url(url + name, check_hash=True, progress=False)
    assert ember.equal(again["bias"], state["bias"])
    assert capsys.readouterr().out == ""


def test_load_state_dict_from_url_rejects_a_file_whose_name_hash_is_wrong(tmp_path, hub_dir):
    served = tmp_path / "srv"
    served.mkdir()
    name, _ = _served_checkpoint(served)
    wrong = "tiny-deadbeef.pth"
    os.replace(served / name, served / wrong)
    with http_server(str(served)) as url:
        with pytest.raises(RuntimeError, match='invalid hash value \\(expected "deadbeef"'):
            hub.load_state_dict_from_url(url + wrong, check_hash=True, progress=False)
        assert not (hub_dir / "checkpoints" / wrong).exists()
        # without check_hash the same file is accepted, under the file_name asked for
        sd = hub.load_state_dict_from_url(url + wrong, model_dir=str(tmp_path / "md"), file_name="renamed.pth",
                                          progress=False)
    assert (tmp_path / "md" / "renamed.pth").is_file() and "weight" in sd


def test_load_state_dict_from_url_unpacks_a_hand_zipped_checkpoint(tmp_path, hub_dir):
    served = tmp_path / "srv"
    served.mkdir()
    ember.save({"w": ember.ones(3)}, tmp_path / "inner.pth", _use_new_zipfile_serialization=False)
    with zipfile.ZipFile(served / "legacy.zip", "w") as zf:
        zf.write(tmp_path / "inner.pth", "inner.pth")
    with http_server(str(served)) as url:
        with pytest.warns(FutureWarning, match="Falling back to the old format"):
            sd = hub.load_state_dict_from_url(url + "legacy.zip", progress=False)
    assert ember.equal(sd["w"], ember.ones(3))
    assert (hub_dir / "checkpoints" / "inner.pth").is_file()


HUBCONF = '''
"""A test hub repository."""
import helper_module_of_the_repo as helper

dependencies = ["numpy"]


def double(x, factor=2):
    """Multiplies by factor."""
    return helper.times(x, factor)


def _private():
    return None
'''


@pytest.fixture
def local_repo(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "hubconf.py").write_text(HUBCONF)
    (repo / "helper_module_of_the_repo.py").write_text("def times(x, k):\n    return x * k\n")
    return repo


def test_local_repository_load_list_help(local_repo):
    assert hub.load(str(local_repo), "double", 21, source="local") == 42
    assert hub.load(str(local_repo), "double", 2, factor=5, source="local") == 10
    assert "double" in hub.list(str(local_repo), source="local")
    assert "_private" not in hub.list(str(local_repo), source="local")
    assert hub.help(str(local_repo), "double", source="local") == "Multiplies by factor."


def test_local_repository_errors(local_repo):
    with pytest.raises(RuntimeError, match="Cannot find callable nope in hubconf"):
        hub.load(str(local_repo), "nope", source="local")
    with pytest.raises(ValueError, match='Unknown source: "svn". Allowed values: "github" \\| "local".'):
        hub.load(str(local_repo), "double", source="svn")
    (local_repo / "hubconf.py").write_text(HUBCONF.replace('["numpy"]', '["numpy", "no_such_package_xyz"]'))
    with pytest.raises(RuntimeError, match="Missing dependencies: no_such_package_xyz"):
        hub.load(str(local_repo), "double", 1, source="local")


def test_github_source_answers_pytorch_vision_with_ember_models():
    model = hub.load("pytorch/vision", "resnet18", weights=None, num_classes=3)
    assert type(model).__module__ == "ember.vision.models.resnet" and model.fc.out_features == 3
    assert "resnet18" in hub.list("pytorch/vision:main")
    with pytest.raises(RuntimeError, match="does not download GitHub repositories"):
        hub.load("someone/else", "model")


def test_model_zoo_load_url_is_the_hub_loader():
    import ember
    assert ember.utils.model_zoo.load_url is ember.hub.load_state_dict_from_url


def test_hub_exports_tqdm_as_libraries_import_it():
    # torchio and others do `from torch.hub import tqdm`: tqdm's class when installed
    tqdm = pytest.importorskip("tqdm")
    from ember.hub import tqdm as bar_class
    assert bar_class is tqdm.tqdm


def test_hub_progress_bar_without_tqdm_reports_percent_on_stderr(monkeypatch, capsys):
    bar = hub._TextBar(total=200, unit='B', unit_scale=True, unit_divisor=1024)
    with bar:
        bar.update(50)
        bar.update(150)
    assert capsys.readouterr().err == '\r25.0%\r100.0%\n'
    with hub._TextBar(total=10, disable=True) as quiet:
        quiet.update(10)
    assert capsys.readouterr().err == ''


def test_download_shows_progress_only_when_asked(tmp_path, capsys):
    served = tmp_path / "srv"
    served.mkdir()
    (served / "blob.bin").write_bytes(b"x" * 5000)
    with http_server(str(served)) as url:
        hub.download_url_to_file(url + "blob.bin", str(tmp_path / "quiet.bin"), progress=False)
        assert capsys.readouterr().err == ''
        hub.download_url_to_file(url + "blob.bin", str(tmp_path / "shown.bin"), progress=True)
        assert '100%' in capsys.readouterr().err
