"""Steps shared by the single-stage detectors (RetinaNet, FCOS): input checks and transform, and the
flattening of per-level head outputs."""
import ember


def transform_inputs(model, images, targets):
    """Checks ``images``/``targets`` as torchvision's detectors do, runs ``model.transform`` and returns
    ``(image_list, targets, original_image_sizes)``."""
    if model.training:
        if targets is None:
            raise AssertionError("targets should not be none when in training mode")
        for target in targets:
            boxes = target["boxes"]
            if not isinstance(boxes, ember.Tensor):
                raise AssertionError("Expected target boxes to be of type Tensor.")
            if not (len(boxes.shape) == 2 and boxes.shape[-1] == 4):
                raise AssertionError("Expected target boxes to be a tensor of shape [N, 4].")
    original_image_sizes = []
    for img in images:
        val = img.shape[-2:]
        if len(val) != 2:
            raise AssertionError(f"expecting the last two dimensions of the Tensor to be H and W instead got "
                                 f"{img.shape[-2:]}")
        original_image_sizes.append((val[0], val[1]))
    images, targets = model.transform(images, targets)
    if targets is not None:
        for target_idx, target in enumerate(targets):
            boxes = target["boxes"]
            degenerate = boxes[:, 2:] <= boxes[:, :2]
            if degenerate.any():
                bb_idx = ember.where(degenerate.any(dim=1))[0][0]
                raise AssertionError("All bounding boxes should have positive height and width. Found invalid "
                                     f"box {boxes[bb_idx].tolist()} for target at index {target_idx}.")
    return images, targets, original_image_sizes


def flatten_levels(outputs, width):
    """Per-level maps ``[N, A * width, H, W]`` as one ``[N, sum(H * W * A), width]``."""
    flat = []
    for out in outputs:
        N, _, H, W = out.shape
        flat.append(out.view(N, -1, width, H, W).permute(0, 3, 4, 1, 2).reshape(N, -1, width))
    return ember.cat(flat, dim=1)
