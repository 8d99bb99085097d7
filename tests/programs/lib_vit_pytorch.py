import torch
import torch.nn.functional as F
from lion_pytorch import Lion
from vit_pytorch import SimpleViT, ViT
from vit_pytorch.cait import CaiT
from vit_pytorch.cct import CCT
from vit_pytorch.cross_vit import CrossViT
from vit_pytorch.crossformer import CrossFormer
from vit_pytorch.cvt import CvT
from vit_pytorch.deepvit import DeepViT
from vit_pytorch.distill import DistillableViT, DistillWrapper
from vit_pytorch.extractor import Extractor
from vit_pytorch.levit import LeViT
from vit_pytorch.max_vit import MaxViT
from vit_pytorch.mobile_vit import MobileViT
from vit_pytorch.na_vit import NaViT
from vit_pytorch.nest import NesT
from vit_pytorch.pit import PiT
from vit_pytorch.recorder import Recorder
from vit_pytorch.rvt import RvT
from vit_pytorch.t2t import T2TViT
from vit_pytorch.vit_for_small_dataset import ViT as SmallDatasetViT


def fmt(values, digits=4):
    return [round(v, digits) for v in values]


def check(name, model, *inputs):
    """One forward and backward through ``model``: output shape, a few logits and the input gradient's size."""
    torch.manual_seed(100)
    images = [x.clone().requires_grad_() for x in inputs]
    out = model(*images)
    out.square().mean().backward()
    print(name, tuple(out.shape), fmt(out[0, :3].tolist()), f'{images[0].grad.abs().sum().item():.4f}')


torch.manual_seed(0)
img = torch.randn(2, 3, 32, 32)
labels = torch.tensor([1, 4])

# the classic ViT trained a few steps with the Lion optimizer
vit = ViT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=2, heads=4, mlp_dim=64, dim_head=8)
opt = Lion(vit.parameters(), lr=1e-3, weight_decay=1e-2)
for step in range(4):
    loss = F.cross_entropy(vit(img), labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, f'{loss.item():.4f}')
vit.eval()

torch.manual_seed(1)
check('SimpleViT', SimpleViT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=2, heads=4, mlp_dim=64,
                             dim_head=8), img)
check('CaiT', CaiT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=2, cls_depth=1, heads=4, mlp_dim=64,
                   dim_head=8, layer_dropout=0.), img)
check('DeepViT', DeepViT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=2, heads=4, mlp_dim=64,
                         dim_head=8).eval(), img)
check('CCT', CCT(img_size=32, embedding_dim=32, n_conv_layers=2, kernel_size=3, stride=1, padding=1,
                 pooling_kernel_size=3, pooling_stride=2, pooling_padding=1, num_layers=2, num_heads=4, mlp_ratio=2.,
                 num_classes=5, positional_embedding='learnable').eval(), img)
check('CrossViT', CrossViT(image_size=32, num_classes=5, depth=1, sm_dim=16, sm_patch_size=8, sm_enc_depth=1,
                           sm_enc_heads=2, sm_enc_mlp_dim=32, sm_enc_dim_head=8, lg_dim=24, lg_patch_size=16,
                           lg_enc_depth=1, lg_enc_heads=2, lg_enc_mlp_dim=32, lg_enc_dim_head=8, cross_attn_depth=1,
                           cross_attn_heads=2, cross_attn_dim_head=8, dropout=0., emb_dropout=0.), img)
check('CrossFormer', CrossFormer(num_classes=5, dim=(32, 32, 32, 32), depth=(1, 1, 1, 1), global_window_size=(4, 2, 1, 1),
                                 local_window_size=2), torch.randn(1, 3, 64, 64))
check('CvT', CvT(num_classes=5, s1_emb_dim=8, s1_depth=1, s2_emb_dim=16, s2_heads=2, s2_depth=1, s3_emb_dim=24,
                 s3_heads=2, s3_depth=1), img)
check('LeViT', LeViT(image_size=32, num_classes=5, stages=2, dim=(16, 32), depth=1, heads=(2, 2), mlp_mult=2,
                     dim_key=8, dim_value=8).eval(), img)
check('MaxViT', MaxViT(num_classes=5, dim_conv_stem=16, dim=16, dim_head=8, depth=(1, 1), window_size=4,
                       dropout=0.).eval(), img)
check('MobileViT', MobileViT(image_size=(64, 64), dims=[24, 32, 40], channels=[8, 8, 16, 16, 24, 24, 32, 32, 40, 40, 64],
                             num_classes=5, depths=(1, 1, 1)).eval(), torch.randn(1, 3, 64, 64))
check('NesT', NesT(image_size=32, patch_size=4, dim=16, heads=2, num_hierarchies=2, block_repeats=(1, 1),
                   num_classes=5, dim_head=8), img)
check('PiT', PiT(image_size=32, patch_size=8, dim=16, num_classes=5, depth=(1, 1), heads=2, mlp_dim=32, dim_head=8),
      img)
check('RvT', RvT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=1, heads=4, mlp_dim=64, dim_head=8), img)
check('T2TViT', T2TViT(dim=32, image_size=32, depth=1, heads=4, mlp_dim=64, num_classes=5,
                       t2t_layers=((7, 4), (3, 2))), img)
check('SmallDatasetViT', SmallDatasetViT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=1, heads=4,
                                         mlp_dim=64, dim_head=8), img)

# NaViT packs images of different sizes into one batch of sequences
torch.manual_seed(2)
navit = NaViT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=1, heads=4, mlp_dim=64, dim_head=8,
              token_dropout_prob=0.1).eval()
print('NaViT', navit([[torch.randn(3, 32, 16), torch.randn(3, 16, 16)], [torch.randn(3, 32, 32)]]).shape)

# distilling a teacher into a ViT with a distillation token
torch.manual_seed(4)
student = DistillableViT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=1, heads=4, mlp_dim=64, dim_head=8)
distiller = DistillWrapper(student=student, teacher=vit, temperature=3, alpha=0.5, hard=False)
loss = distiller(img, labels)
loss.backward()
print('distill', f'{loss.item():.4f}')

# attention maps and embeddings out of a trained model
recorder = Recorder(vit)
preds, attns = recorder(img)
print('attention', attns.shape, f'{attns.sum(-1).mean().item():.4f}')
vit = recorder.eject()
extractor = Extractor(vit)
logits, embeddings = extractor(img)
print('embeddings', embeddings.shape, f'{embeddings.std().item():.4f}')

torch.save(vit.state_dict(), 'vit.pt')
clone = ViT(image_size=32, patch_size=8, num_classes=5, dim=32, depth=2, heads=4, mlp_dim=64, dim_head=8)
clone.load_state_dict(torch.load('vit.pt'))
print('reloaded', torch.allclose(clone.eval()(img), vit(img), atol=1e-5))
