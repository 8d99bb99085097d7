"""Programs written the way well-known public PyTorch programs are (karpathy/makemore and minGPT,
lucidrains' ViTs, PyTorch-GAN, a seq2seq Transformer ...) print exactly what PyTorch 2.13 printed.

Each ``tests/programs/<name>.py`` imports ``torch`` as a user's script does and runs here with
``torch`` aliased to ember (``ember.compat``, what ``ember run`` installs); ``<name>.out`` beside it
is PyTorch's output recorded by ``tests/programs/record.py``, 'torch' read as 'ember'."""
import contextlib
import io
import os
import pathlib
import runpy
import sys
import types

import pytest

from ember import compat

PROGRAMS = pathlib.Path(__file__).parent / 'programs'
# the packages whose modules must be imported afresh on top of ember (einops picks its backend by the torch
# module it finds; captum checks its inputs against the torch.Tensor it imported; timm's layers subclass torch.nn's)
_ALIASED = ('torch', 'torchvision', 'functorch', 'einops', 'fvcore', 'captum', 'timm')
# programs that need optional packages (space-separated)
NEEDS = {'vit_einops': 'einops', 'gan_mnist': 'PIL', 'lib_fvcore_counts': 'fvcore',
         # torchvision's MNIST-family datasets hand their transforms PIL images
         'tut_quickstart': 'PIL', 'tut_data': 'PIL', 'tut_transforms': 'PIL', 'tut_optimization': 'PIL',
         'tut_blitz_cifar10': 'PIL', 'tut_trainingyt': 'PIL', 'tut_dcgan': 'PIL', 'tut_transfer_learning': 'PIL',
         'tnlp_fgsm': 'PIL', 'tnlp_tensorboard': 'PIL matplotlib tensorboard',
         'tvis_neural_style': 'PIL', 'tvis_static_quantization': 'PIL', 'tvis_recipe_zeroing_out_gradients': 'PIL',
         'tvis_super_resolution_onnx': 'PIL onnx onnxruntime', 'tvis_detection_finetuning': 'PIL',
         'trec_knowledge_distillation': 'PIL', 'trec_reinforcement_q_learning': 'gymnasium',
         'trec_torch_compile': 'scipy', 'trec_captum': 'PIL captum',
         'tut_data_loading': 'PIL pandas skimage matplotlib', 'tvis_vit_deployment': 'PIL timm'}
# the lib_* programs run a library built on PyTorch: skipped where it is not installed, and imported afresh on
# top of ember where it is
LIBRARY_PROGRAMS = {'lib_opacus': 'opacus', 'lib_pytorch_crf': 'torchcrf', 'lib_torch_ema': 'torch_ema',
                    'lib_schedulefree': 'schedulefree', 'lib_grad_cam': 'pytorch_grad_cam ttach cv2',
                    'lib_torch_pruning': 'torch_pruning', 'lib_pytorch_msssim': 'pytorch_msssim',
                    'lib_torchcde': 'torchcde torchdiffeq', 'lib_nflows': 'nflows', 'lib_ncps': 'ncps',
                    'lib_sbi': 'sbi nflows zuko', 'lib_transformers': 'transformers', 'lib_timm': 'timm safetensors',
                    'lib_torchmetrics': 'torchmetrics lightning_utilities', 'lib_kornia': 'kornia kornia_rs',
                    'lib_gpytorch': 'gpytorch linear_operator jaxtyping', 'lib_pyro': 'pyro pyroapi opt_einsum',
                    'lib_torchinfo': 'torchinfo', 'lib_torchdiffeq': 'torchdiffeq',
                    'lib_lightning': 'lightning lightning_utilities torchmetrics',
                    'lib_x_transformers': 'x_transformers einx torch_einops_utils loguru frozendict',
                    'lib_torch_geometric': 'torch_geometric', 'lib_timm_kron': 'timm',
                    'lib_botorch': 'botorch gpytorch linear_operator jaxtyping pyre_extensions multipledispatch',
                    'lib_accelerate': 'accelerate huggingface_hub safetensors',
                    'lib_peft': 'peft transformers accelerate huggingface_hub safetensors tokenizers',
                    'lib_diffusers': 'diffusers huggingface_hub safetensors',
                    'lib_segmentation_models_pytorch': 'segmentation_models_pytorch timm huggingface_hub safetensors',
                    'lib_vector_quantize': 'vector_quantize_pytorch einx torch_einops_utils loguru',
                    'lib_rotary_embedding': 'rotary_embedding_torch',
                    'lib_monai': 'monai scipy', 'lib_monai_more': 'monai scipy skimage', 'lib_pytorch_metric_learning': 'pytorch_metric_learning',
                    'lib_torch_optimizer': 'torch_optimizer pytorch_ranger', 'lib_e3nn': 'e3nn opt_einsum_fx opt_einsum sympy scipy',
                    'lib_snntorch': 'snntorch', 'lib_skorch': 'skorch sklearn scipy tabulate tqdm',
                    'lib_sentence_transformers': 'sentence_transformers transformers tokenizers huggingface_hub '
                                                 'safetensors sklearn',
                    'lib_denoising_diffusion': 'denoising_diffusion_pytorch ema_pytorch accelerate huggingface_hub '
                                               'safetensors',
                    'lib_vit_pytorch': 'vit_pytorch lion_pytorch',
                    'lib_torchsde': 'torchsde trampoline boltons', 'lib_ignite': 'ignite',
                    'lib_flop_counters': 'ptflops thop torchsummary'}
NEEDS.update(LIBRARY_PROGRAMS)
# (OpenCV and scikit-learn, compiled and never importing torch, stay imported once)
_ALIASED += tuple(name for names in LIBRARY_PROGRAMS.values() for name in names.split()
                  if name not in ('cv2', 'sklearn'))
# the tvg_* programs run torchvision's gallery examples and reference-script pieces (their pictures drawn with Pillow)
GALLERY_PROGRAMS = {'tvg_transforms_getting_started': 'PIL', 'tvg_tv_tensors': 'PIL', 'tvg_cutmix_mixup': 'PIL',
                    'tvg_visualization_utils': 'PIL', 'tvg_repurposing_annotations': 'PIL',
                    'tvg_optical_flow': 'PIL', 'tvg_transforms_illustrations': 'PIL',
                    'tvg_rotated_box_transforms': 'PIL', 'tvg_transforms_e2e': 'PIL',
                    'tvg_ref_classification': 'PIL', 'tvg_ref_detection': 'PIL',
                    'tvg_keypoints_transforms': 'PIL'}
NEEDS.update(GALLERY_PROGRAMS)
# the ex_* programs run pytorch/examples scripts (the MNIST ones read torchvision's dataset files through PIL)
NEEDS.update({'ex_mnist_rnn': 'PIL', 'ex_mnist_forward_forward': 'PIL', 'ex_vae': 'PIL', 'ex_super_resolution': 'PIL',
              'ex_dcgan': 'PIL', 'ex_mnist': 'PIL', 'ex_fast_neural_style': 'PIL'})
# the d2l_* programs run Dive into Deep Learning's PyTorch code (its house-price pipeline reads a CSV with pandas)
NEEDS.update({'d2l_kaggle_house': 'pandas'})


@contextlib.contextmanager
def torch_is_ember():
    def ours(name):
        return name.split('.')[0] in _ALIASED
    hidden = {k: sys.modules.pop(k) for k in list(sys.modules) if ours(k)}
    installed = compat.is_installed()
    compat.install()
    try:
        yield
    finally:
        if not installed:
            compat.uninstall()
        for k in [k for k in sys.modules if ours(k)]:
            del sys.modules[k]
        sys.modules.update(hidden)


@contextlib.contextmanager
def global_settings_restored():
    # a program may leave process-wide settings changed (a tutorial that sets the default dtype or device and
    # ends): each program starts from the same settings, as in a fresh interpreter
    import ember
    import ember.__future__ as future
    dtype, device = ember.get_default_dtype(), ember.get_default_device()
    swap = future.get_swap_module_params_on_conversion()
    deterministic = (ember.are_deterministic_algorithms_enabled(), ember.is_deterministic_algorithms_warn_only_enabled(),
                     ember.utils.deterministic.fill_uninitialized_memory)
    # (tadv_dynamic_quantization runs on one thread: a later program's float sums would add in another order)
    threads = ember.get_num_threads()
    # (pytorch/examples' dcgan turns cudnn.benchmark on, nanoGPT TF32: a later program or test reading the
    # flags would see them; matmul.allow_tf32 is the float32 matmul precision)
    cudnn, matmul = ember.backends.cudnn, ember.backends.cuda.matmul
    cudnn_flags = (cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32)
    matmul_flags = (matmul.allow_fp16_reduced_precision_reduction, matmul.allow_bf16_reduced_precision_reduction,
                    matmul.allow_fp16_accumulation)
    matmul_precision = ember.get_float32_matmul_precision()
    # (d2l's mathematics appendix assigns torch.pi = a float32-rounded pi: ember.pi for every later test in the worker)
    names = dict(vars(ember))
    try:
        yield
    finally:
        from ember._torch_function import unwrapped
        for name, value in list(vars(ember).items()):
            # (an op bound to its dispatching wrapper stays so: a program that switched dispatch on for good
            # (timm's) leaves it on, and traces after it need the wrappers)
            if name in names and names[name] is not value and unwrapped(value) is not names[name]:
                setattr(ember, name, names[name])
            elif name not in names and not isinstance(value, types.ModuleType):
                delattr(ember, name)
        ember.set_num_threads(threads)
        cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32 = cudnn_flags
        (matmul.allow_fp16_reduced_precision_reduction, matmul.allow_bf16_reduced_precision_reduction,
         matmul.allow_fp16_accumulation) = matmul_flags
        ember.set_float32_matmul_precision(matmul_precision)
        ember.use_deterministic_algorithms(deterministic[0], warn_only=deterministic[1])
        ember.utils.deterministic.fill_uninitialized_memory = deterministic[2]
        ember.set_default_dtype(dtype)
        ember.set_default_device(None if device.type == 'cpu' else device)
        future.set_swap_module_params_on_conversion(swap)


def run_program(name, tmp_path):
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)          # files a program writes land in a scratch folder
    try:
        with global_settings_restored(), torch_is_ember(), contextlib.redirect_stdout(out):
            runpy.run_path(str(PROGRAMS / f'{name}.py'), run_name='__main__')
    finally:
        os.chdir(cwd)
    return out.getvalue()


@pytest.mark.parametrize('name', sorted(p.stem for p in PROGRAMS.glob('*.py') if p.stem not in ('__init__', 'record')))
def test_program_prints_what_pytorch_prints(name, tmp_path):
    for module in NEEDS.get(name, '').split():
        pytest.importorskip(module)
    assert run_program(name, tmp_path) == (PROGRAMS / f'{name}.out').read_text()


def test_a_program_that_turns_deterministic_mode_on_leaves_it_as_it_was():
    # tut_dcgan.py calls use_deterministic_algorithms(True) and ends: later tests must not run in that mode
    import ember
    import ember.utils.deterministic as det
    with global_settings_restored():
        ember.use_deterministic_algorithms(True, warn_only=True)
        det.fill_uninitialized_memory = False
    assert not ember.are_deterministic_algorithms_enabled()
    assert not ember.is_deterministic_algorithms_warn_only_enabled()
    assert det.fill_uninitialized_memory is True


def test_a_program_that_assigns_names_on_torch_leaves_ember_as_it_was():
    # d2l's mathematics appendix runs torch.pi = torch.acos(torch.zeros(1)).item() * 2 (pi rounded to float32)
    import math
    import ember
    with global_settings_restored():
        ember.pi = float(ember.acos(ember.zeros(1)).item() * 2)
        ember.a_name_a_program_made = 1
    assert ember.pi == math.pi and not hasattr(ember, 'a_name_a_program_made')
