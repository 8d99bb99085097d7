"""ImageList: a padded batch of images together with each image's size before padding."""


class ImageList:
    """``tensors`` (the padded batch) and ``image_sizes`` (a list of ``(height, width)``)."""

    def __init__(self, tensors, image_sizes):
        self.tensors = tensors
        self.image_sizes = image_sizes

    def to(self, device):
        return ImageList(self.tensors.to(device), self.image_sizes)
