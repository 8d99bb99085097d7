"""Photo Tourism patches (Brown et al.): ``root/<name>/{patchNNNN.bmp, info.txt, m50_100000_100000_0.txt}``; each
bmp is a grid of 64x64 grey patches (row by row), ``info.txt`` gives each patch's 3D point id, the matches file
``<patch> <point> _ <patch> <point> ...`` lines. Parsed once into ``root/<name>.pt``."""
import os

import numpy as np

import ember
from ember.vision._pil import pil_image
from ember.vision.datasets._download import download_url
from ember.vision.datasets.vision import VisionDataset


class PhotoTour(VisionDataset):
    """`Multi-view Stereo Correspondence <http://matthewalunbrown.com/patchdata/patchdata.html>`_ patches.

    Training items are uint8 patch tensors ``[64, 64]``; test items are ``(patch 1, patch 2, 1 if they show the
    same 3D point else 0)`` for the 100,000 listed pairs.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``<name>/`` or ``<name>.pt``.
        name (str): 'notredame', 'yosemite', 'liberty' or their '_harris' variants.
        train (bool): single patches if True, else the matched pairs.
        transform (callable, optional): applied to each patch.
        download (bool): fetch and unpack the zip if neither the folder nor the cache is there.
    """

    urls = {
        "notredame_harris": ["http://matthewalunbrown.com/patchdata/notredame_harris.zip", "notredame_harris.zip",
                             "69f8c90f78e171349abdf0307afefe4d"],
        "yosemite_harris": ["http://matthewalunbrown.com/patchdata/yosemite_harris.zip", "yosemite_harris.zip",
                            "a73253d1c6fbd3ba2613c45065c00d46"],
        "liberty_harris": ["http://matthewalunbrown.com/patchdata/liberty_harris.zip", "liberty_harris.zip",
                           "c731fcfb3abb4091110d0ae8c7ba182c"],
        "notredame": ["http://icvl.ee.ic.ac.uk/vbalnt/notredame.zip", "notredame.zip",
                      "509eda8535847b8c0a90bbb210c83484"],
        "yosemite": ["http://icvl.ee.ic.ac.uk/vbalnt/yosemite.zip", "yosemite.zip", "533b2e8eb7ede31be40abc317b2fd4f0"],
        "liberty": ["http://icvl.ee.ic.ac.uk/vbalnt/liberty.zip", "liberty.zip", "fdd9152f138ea5ef2091746689176414"],
    }
    means = {"notredame": 0.4854, "yosemite": 0.4844, "liberty": 0.4437, "notredame_harris": 0.4854,
             "yosemite_harris": 0.4844, "liberty_harris": 0.4437}
    stds = {"notredame": 0.1864, "yosemite": 0.1818, "liberty": 0.2019, "notredame_harris": 0.1864,
            "yosemite_harris": 0.1818, "liberty_harris": 0.2019}
    lens = {"notredame": 468159, "yosemite": 633587, "liberty": 450092, "liberty_harris": 379587,
            "yosemite_harris": 450912, "notredame_harris": 325295}
    image_ext = "bmp"
    info_file = "info.txt"
    matches_files = "m50_100000_100000_0.txt"

    def __init__(self, root, name, train=True, transform=None, download=False):
        super().__init__(root, transform=transform)
        self.name = name
        self.data_dir = os.path.join(self.root, name)
        self.data_down = os.path.join(self.root, f"{name}.zip")
        self.data_file = os.path.join(self.root, f"{name}.pt")
        self.train = train
        self.mean = self.means[name]
        self.std = self.stds[name]
        if download:
            self.download()
        if not self._check_datafile_exists():
            self.cache()
        self.data, self.labels, self.matches = ember.load(self.data_file, weights_only=True)

    def __getitem__(self, index):
        if self.train:
            data = self.data[index]
            return self.transform(data) if self.transform is not None else data
        m = self.matches[index]
        data1, data2 = self.data[m[0]], self.data[m[1]]
        if self.transform is not None:
            data1, data2 = self.transform(data1), self.transform(data2)
        return data1, data2, m[2]

    def __len__(self):
        return len(self.data if self.train else self.matches)

    def _check_datafile_exists(self):
        return os.path.exists(self.data_file)

    def _check_downloaded(self):
        return os.path.exists(self.data_dir)

    def download(self):
        """Fetches and unpacks the zip unless the cache or the folder is there."""
        if self._check_datafile_exists() or self._check_downloaded():
            return
        import zipfile
        url, filename, md5 = self.urls[self.name]
        fpath = os.path.join(self.root, filename)
        download_url(url, self.root, filename, md5)
        with zipfile.ZipFile(fpath, "r") as z:
            z.extractall(self.data_dir)
        os.unlink(fpath)

    def cache(self):
        """Parses the folder into ``(patches, point ids, matches)`` and saves them to ``<name>.pt``."""
        dataset = (read_image_file(self.data_dir, self.image_ext, self.lens[self.name]),
                   read_info_file(self.data_dir, self.info_file),
                   read_matches_files(self.data_dir, self.matches_files))
        with open(self.data_file, "wb") as f:
            ember.save(dataset, f)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


def read_image_file(data_dir, image_ext, n):
    """The first ``n`` 64x64 patches of the sorted ``*.<image_ext>`` files, row by row, as a uint8 tensor."""
    files = sorted(os.path.join(data_dir, f) for f in os.listdir(data_dir) if f.endswith(image_ext))
    patches = []
    for fpath in files:
        img = np.asarray(pil_image().open(fpath), dtype=np.uint8)
        # NOTE: a partial patch at the edge is zero-padded, as cropping past the image does.
        h, w = -(-img.shape[0] // 64) * 64, -(-img.shape[1] // 64) * 64
        grid = np.zeros((h, w), dtype=np.uint8)
        grid[:img.shape[0], :img.shape[1]] = img
        patches.append(grid.reshape(h // 64, 64, w // 64, 64).transpose(0, 2, 1, 3).reshape(-1, 64, 64))
    data = np.concatenate(patches)[:n] if patches else np.zeros((0, 64, 64), dtype=np.uint8)
    return ember.from_numpy(np.ascontiguousarray(data))


def read_info_file(data_dir, info_file):
    with open(os.path.join(data_dir, info_file)) as f:
        return ember.tensor([int(line.split()[0]) for line in f], dtype=ember.int64)


def read_matches_files(data_dir, matches_file):
    with open(os.path.join(data_dir, matches_file)) as f:
        rows = [line.split() for line in f]
    return ember.tensor([[int(r[0]), int(r[3]), int(r[1] == r[4])] for r in rows], dtype=ember.int64)
