"""FakeData: random images with random labels, reproducible per index (no files needed)."""
import ember
from ember.vision.datasets.vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` random images of ``image_size`` (C, H, W) with labels in ``[0, num_classes)``.

    Item ``i`` is drawn from a generator seeded with ``i + random_offset`` (the global generator's
    state is restored afterwards), so it is the same every time it is read and reading it does not
    disturb other random numbers. Items are ``(PIL image, int)`` like a real dataset's.
    """

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        rng_state = ember.get_rng_state()
        ember.manual_seed(index + self.random_offset)
        img = ember.randn(*self.image_size)
        target = ember.randint(0, self.num_classes, size=(1,), dtype=ember.long)[0]
        ember.set_rng_state(rng_state)
        # NOTE: as torchvision, the N(0, 1) floats go through ToPILImage (x * 255 cast to bytes)
        from ember.vision.transforms.functional import to_pil_image
        img = to_pil_image(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        # NOTE: torchvision calls .item() unconditionally; a target_transform returning a plain
        # number would crash there, so only tensors are unwrapped here.
        return img, target.item() if isinstance(target, ember.Tensor) else target

    def __len__(self):
        return self.size
