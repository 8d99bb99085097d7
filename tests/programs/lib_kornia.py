import torch
import kornia
import kornia.augmentation as K
from kornia.color import hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv, rgb_to_lab
from kornia.filters import canny, gaussian_blur2d, sobel, spatial_gradient
from kornia.geometry import get_rotation_matrix2d, warp_affine, warp_perspective
from kornia.geometry.transform import resize, rotate
from kornia.losses import ssim_loss, total_variation
from kornia.morphology import closing, dilation, erosion

torch.manual_seed(0)
img = torch.rand(2, 3, 16, 16, requires_grad=True)
gray = rgb_to_grayscale(img)
print('gray', gray.shape, f'{gray.mean().item():.6f}')
hsv = rgb_to_hsv(img)
print('hsv round trip', f'{(hsv_to_rgb(hsv) - img).abs().max().item():.2e}')
print('lab', rgb_to_lab(img)[0, :, 0, 0])
blurred = gaussian_blur2d(img, (5, 5), (1.5, 1.5))
edges = sobel(gray)
grads = spatial_gradient(gray, mode='diff', order=1)
print('blur', f'{blurred.sum().item():.4f}', 'sobel', f'{edges.sum().item():.4f}', 'grad', grads.shape)
magnitude, edge_map = canny(gray.detach(), low_threshold=0.1, high_threshold=0.2)
print('canny', f'{magnitude.sum().item():.4f}', int(edge_map.sum().item()))
kernel = torch.ones(3, 3)
print('morph', f'{dilation(gray, kernel).mean().item():.5f}', f'{erosion(gray, kernel).mean().item():.5f}',
      f'{closing(gray, kernel).mean().item():.5f}')

center = torch.tensor([[8.0, 8.0], [7.5, 7.5]])
matrix = get_rotation_matrix2d(center, torch.tensor([30.0, -45.0]), torch.ones(2, 2))
print('rotation matrix', matrix[0])
warped = warp_affine(img, matrix, dsize=(16, 16), align_corners=True)
homography = torch.eye(3).repeat(2, 1, 1)
homography[:, 0, 2] = 1.5
persp = warp_perspective(img, homography, dsize=(16, 16))
print('warp', f'{warped.sum().item():.4f}', f'{persp.sum().item():.4f}')
print('rotate', f'{rotate(img, torch.tensor([90.0, 10.0])).sum().item():.4f}')
print('resize', resize(img, (8, 12), antialias=True).shape)
loss = ssim_loss(blurred, img.detach(), window_size=5) + 0.01 * total_variation(img).mean()
loss.backward()
print('loss', f'{loss.item():.6f}', 'grad', f'{img.grad.abs().sum().item():.5f}')

aug = K.AugmentationSequential(
    K.RandomHorizontalFlip(p=0.5), K.RandomAffine(degrees=15.0, translate=(0.1, 0.1), p=1.0),
    K.ColorJitter(0.2, 0.2, 0.2, 0.05, p=1.0), K.RandomGaussianBlur((3, 3), (0.1, 1.0), p=0.5),
    data_keys=['input', 'mask'])
mask = (torch.rand(2, 1, 16, 16) > 0.5).float()
out_img, out_mask = aug(img.detach(), mask)
print('augmented', out_img.shape, out_mask.shape, f'{out_img.mean().item():.5f}', f'{out_mask.mean().item():.5f}')
print('flags', [type(m).__name__ for m in aug.children()])
again_img, again_mask = aug(img.detach(), mask, params=aug._params)
print('replayed', torch.allclose(again_img, out_img), torch.equal(again_mask, out_mask))
inverse = aug.inverse(out_img, out_mask, data_keys=['input', 'mask'])
print('inverse', inverse[0].shape)
normalize = K.Normalize(mean=torch.tensor([0.5, 0.5, 0.5]), std=torch.tensor([0.2, 0.2, 0.2]))
print('normalized', f'{normalize(img.detach()).std().item():.5f}')
crop = K.RandomResizedCrop((8, 8), scale=(0.5, 1.0), p=1.0)
print('crop', crop(img.detach()).shape, crop._params['src'][0])
print(K.RandomHorizontalFlip(p=0.5))

# features, enhancement, 3-D geometry and losses
from kornia.enhance import adjust_gamma, equalize, equalize_clahe, normalize_min_max, sharpness
from kornia.feature import BlobHessian, SIFTDescriptor, ScaleSpaceDetector, harris_response, match_nn
from kornia.geometry.conversions import (axis_angle_to_rotation_matrix, quaternion_to_rotation_matrix,
                                         rotation_matrix_to_quaternion, convert_points_to_homogeneous)
from kornia.geometry.epipolar import find_fundamental, sampson_epipolar_distance
from kornia.geometry.linalg import transform_points
from kornia.losses import dice_loss, focal_loss

plain = img.detach()
print('harris', f'{harris_response(gray.detach(), k=0.04).max().item():.6f}')
print('gamma', f'{adjust_gamma(plain, 2.2).mean().item():.6f}', 'equalize', f'{equalize(plain).mean().item():.6f}')
print('clahe', f'{equalize_clahe(plain, grid_size=(2, 2)).mean().item():.6f}')
print('sharp', f'{sharpness(plain, 0.5).mean().item():.6f}', normalize_min_max(plain).amax().item())
patches = torch.rand(4, 1, 32, 32)
desc = SIFTDescriptor(32, num_ang_bins=8, num_spatial_bins=4)(patches)
dists, idx = match_nn(desc, desc.flip(0))
print('sift', desc.shape, idx[:, 1].tolist(), f'{dists.sum().item():.4f}')
detector = ScaleSpaceDetector(num_features=5, resp_module=BlobHessian())
lafs, responses = detector(torch.rand(1, 1, 32, 32))
print('detector', lafs.shape, responses.shape)
axis = torch.tensor([[0.1, -0.2, 0.3]])
rot = axis_angle_to_rotation_matrix(axis)
quat = rotation_matrix_to_quaternion(rot)
print('quat', quat, (quaternion_to_rotation_matrix(quat) - rot).abs().max() < 1e-6)
pts = torch.rand(1, 10, 2)
print('homogeneous', convert_points_to_homogeneous(pts)[0, 0])
moved = transform_points(homography[:1], pts)
fundamental = find_fundamental(pts.double(), (pts + 0.01 * torch.randn(1, 10, 2)).double())
print('fundamental', fundamental.shape, fundamental.dtype)
print('sampson', sampson_epipolar_distance(pts, moved, torch.rand(1, 3, 3)).shape)
logits = torch.randn(2, 3, 4, 4, requires_grad=True)
labels = torch.randint(0, 3, (2, 4, 4))
seg_loss = focal_loss(logits, labels, alpha=0.5, gamma=2.0, reduction='mean') + dice_loss(logits, labels)
seg_loss.backward()
print('seg loss', f'{seg_loss.item():.6f}', f'{logits.grad.norm().item():.6f}')
