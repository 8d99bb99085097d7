"""v2 uniform_temporal_subsample: evenly spaced frames of a video ``[..., T, C, H, W]``."""
import ember
from ember.vision.transforms.v2.functional._dispatch import dispatch


def uniform_temporal_subsample(inpt, num_samples):
    """``num_samples`` frames spread evenly from the first to the last (dimension -4).

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.uniform_temporal_subsample(ember.arange(5.0).view(5, 1, 1, 1), 3).flatten().tolist()
        [0.0, 2.0, 4.0]
    """
    from ember.vision.tv_tensors import TVTensor, Video
    if not isinstance(inpt, ember.Tensor) or (isinstance(inpt, TVTensor) and not isinstance(inpt, Video)):
        raise TypeError(f"Functional F.uniform_temporal_subsample supports inputs of type torch.Tensor and "
                        f"tv_tensors.Video, but got {type(inpt)} instead.")
    return dispatch(inpt, "uniform_temporal_subsample",
                    image=lambda v: uniform_temporal_subsample_video(v, num_samples))


def uniform_temporal_subsample_video(video, num_samples):
    """The kernel of :func:`uniform_temporal_subsample` on a plain video tensor ``[..., T, C, H, W]``."""
    indices = ember.linspace(0, video.shape[-4] - 1, num_samples, device=video.device).long()
    return ember.index_select(video, -4, indices)
