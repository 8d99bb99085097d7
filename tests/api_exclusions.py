"""PyTorch names ember deliberately does not provide, each with the reason.

Read by ``tests/test_api_coverage.py``. Keys are recorded paths (``torch.Tensor.q_scale``) or
``fnmatch`` patterns for a whole family (``torch.cudnn_*``; note that ``*`` also matches dots, so a
pattern must not start with ``torch.*``); values say why. Excluded names do not count towards
coverage. Names starting with a single underscore are PyTorch internals and are not even recorded
(``scripts/record_torch_api.py``).

Keep this list short and honest: a name that a user program may reasonably call belongs in the
not-yet-implemented list instead (``tests/fixtures/api_not_yet_implemented.txt``), not here.
"""


def _family(reason, *patterns):
    return {pattern: reason for pattern in patterns}


EXCLUDED = {
    **_family("quantized kernels for FBGEMM's packed formats and fused RNN cells (ember's quantized tensors, "
              "observers and modules compute in NumPy with FBGEMM's arithmetic; it has no packed-weight "
              "kernels), the storage classes of quantized dtypes, and the quantizable LSTM/MultiheadAttention "
              "package (ember quantizes eagerly with ember.ao.quantization)",
              'torch.quantized_*', 'torch.QInt*', 'torch.QUInt*', 'torch.fused_moving_avg_obs_fake_quant',
              'torch.choose_qparams_optimized', 'torch.empty_quantized', 'torch.fbgemm_*',
              'torch.nn.quantizable'),
    **_family('sparse kernels ember does not have: COO and compressed (CSR/CSC/BSR/BSC) tensors are built, converted, '
              'printed, saved, multiplied with dense matrices, summed and combined element-wise (ember.sparse), but '
              'sparse-sparse products with sparse results (smm, sspaddmm, hspmm), sparse_mask, in-place sparse '
              "resizing and the *_indices_copy/values_copy functions are not there; native_norm is PyTorch's sparse "
              'kernel of norm',
              'torch.Tensor.sparse_mask', 'torch.Tensor.sparse_resize_', 'torch.Tensor.sparse_resize_and_clear_',
              'torch.Tensor.smm', 'torch.Tensor.sspaddmm', 'torch.Tensor.resize_as_sparse_', 'torch.resize_as_sparse_',
              'torch.smm', 'torch.hsmm', 'torch.dsmm', 'torch.saddmm', 'torch.hspmm', 'torch.sspaddmm',
              'torch.crow_indices_copy', 'torch.col_indices_copy', 'torch.ccol_indices_copy', 'torch.row_indices_copy',
              'torch.indices_copy', 'torch.values_copy', 'torch.native_norm'),
    **_family("first-class dimensions (functorch.dim): Tensor.index binds positions to Dim objects, which ember "
              "does not have", 'torch.Tensor.index'),
    **_family('MKL-DNN (oneDNN) tensors and kernels: an Intel CPU layout ember does not have',
              'torch.mkldnn_*', 'torch.Tensor.to_mkldnn'),
    **_family('vendor back ends (cuDNN, MIOpen, IPU, XLA, XPU, MTIA, MPS, Vulkan); ember runs on NumPy and CuPy',
              'torch.cudnn_*', 'torch.miopen_*', 'torch.Tensor.ipu', 'torch.Tensor.xpu', 'torch.Tensor.mtia',
              'torch.Tensor.is_xla', 'torch.xpu', 'torch.mtia', 'torch.mps', 'torch.is_vulkan_available',
              'torch.get_autocast_ipu_dtype', 'torch.get_autocast_xla_dtype', 'torch.set_autocast_ipu_dtype',
              'torch.set_autocast_xla_dtype', 'torch.is_autocast_ipu_enabled', 'torch.is_autocast_xla_enabled',
              'torch.set_autocast_ipu_enabled', 'torch.set_autocast_xla_enabled'),
    **_family("Python 2 operator names; Python 3 never calls them",
              'torch.Tensor.__div__', 'torch.Tensor.__idiv__', 'torch.Tensor.__rdiv__', 'torch.Tensor.__nonzero__',
              'torch.Tensor.__long__'),
    **_family("TorchScript's compiler, IR and type system (ember runs Python eagerly and has no TorchScript)",
              'torch.AliasDb', 'torch.AnyType', 'torch.Argument', 'torch.ArgumentSpec', 'torch.AwaitType',
              'torch.Block', 'torch.BoolType', 'torch.CallStack', 'torch.Capsule', 'torch.ClassType', 'torch.Code',
              'torch.CompilationUnit', 'torch.CompleteArgumentSpec', 'torch.ConcreteModuleType*',
              'torch.DeepCopyMemoTable', 'torch.DeviceObjType', 'torch.DictType', 'torch.EnumType',
              'torch.ErrorReport', 'torch.ExecutionPlan', 'torch.FileCheck', 'torch.FloatType', 'torch.ComplexType', 'torch.FunctionSchema',
              'torch.FutureType', 'torch.Gradient', 'torch.Graph', 'torch.GraphExecutorState', 'torch.IODescriptor',
              'torch.InferredType', 'torch.IntType', 'torch.InterfaceType', 'torch.JITException', 'torch.ListType',
              'torch.LiteScriptModule', 'torch.Node', 'torch.NoneType', 'torch.NumberType', 'torch.OptionalType',
              'torch.PyObjectType', 'torch.RRefType', 'torch.Script*', 'torch.StaticModule', 'torch.StreamObjType',
              'torch.StringType', 'torch.SymBoolType', 'torch.SymIntType', 'torch.TracingState',
              'torch.TupleType', 'torch.Type', 'torch.UnionType', 'torch.Use', 'torch.Value', 'torch.ModuleDict',
              'torch.BufferDict', 'torch.ParameterDict', 'torch.LoggerBase', 'torch.LockingLogger', 'torch.NoopLogger',
              'torch.import_ir_module', 'torch.import_ir_module_from_buffer', 'torch.merge_type_from_type_comment',
              'torch.parse_ir', 'torch.parse_schema', 'torch.parse_type_comment', 'torch.unify_type_list',
              'torch.classes', 'torch.OperatorInfo', 'torch.BenchmarkConfig', 'torch.BenchmarkExecutionStats',
              'torch.ThroughputBenchmark', 'torch.SerializationStorageContext', 'torch.DeserializationStorageContext'),
    **_family("the C++ dispatcher's keys, guards and custom-operator registration, which ember does not have",
              'torch.DispatchKey', 'torch.DispatchKeySet', 'torch.ExcludeDispatchKeyGuard', 'torch.Tag',
              'torch.library', 'torch.cpp'),
    **_family('graph capture for compilers and deployment (torch.export)',
              'torch.export'),
    **_family("out-of-place copies of view ops, generated for torch.compile's functionalization pass",
              'torch.alias_copy', 'torch.as_strided_copy', 'torch.detach_copy', 'torch.diagonal_copy',
              'torch.expand_copy', 'torch.permute_copy', 'torch.select_copy', 'torch.slice_copy', 'torch.split_copy',
              'torch.split_with_sizes_copy', 'torch.squeeze_copy', 'torch.t_copy', 'torch.transpose_copy',
              'torch.unbind_copy', 'torch.unfold_copy', 'torch.unsqueeze_copy', 'torch.view_as_complex_copy',
              'torch.view_as_real_copy', 'torch.view_copy', 'torch.slice_inverse', 'torch.Tensor.slice_inverse'),
    **_family('kernels of the multi-GPU SyncBatchNorm, called only by its CUDA implementation',
              'torch.batch_norm_backward_elemt', 'torch.batch_norm_backward_reduce', 'torch.batch_norm_elemt',
              'torch.batch_norm_gather_stats', 'torch.batch_norm_gather_stats_with_counts', 'torch.batch_norm_stats',
              'torch.batch_norm_update_stats'),
    **_family('dtypes with no NumPy counterpart (float8/float4, sub-byte integers, bit packs, complex32)',
              'torch.float8_*', 'torch.float4_*', 'torch.bits*', 'torch.int1', 'torch.int2', 'torch.int3',
              'torch.int4', 'torch.int5', 'torch.int6', 'torch.int7', 'torch.uint1', 'torch.uint2', 'torch.uint3',
              'torch.uint4', 'torch.uint5', 'torch.uint6', 'torch.uint7', 'torch.bit', 'torch.complex32',
              'torch.chalf'),
    **_family("build and loading flags of PyTorch's C++ library",
              'torch.TYPE_CHECKING', 'torch.USE_GLOBAL_DEPS', 'torch.USE_RTLD_GLOBAL_WITH_LIBTORCH',
              'torch.PRIVATE_OPS', 'torch.compiled_with_cxx11_abi', 'torch.get_file_path',
              'torch.prepare_multiprocessing_environment', 'torch.profiler_allow_cudagraph_cupti_lazy_reinit_cuda12',
              'torch.classproperty'),
    **_family('torch.monitor: counters exported to PyTorch\'s C++ event handlers',
              'torch.monitor', 'torch.AggregationType', 'torch.AVG', 'torch.SUM'),
    **_family('DataPipes, deprecated by PyTorch in favour of the separate torchdata package',
              'torch.utils.data.DFIterDataPipe', 'torch.utils.data.IterDataPipe', 'torch.utils.data.MapDataPipe',
              'torch.utils.data.DataChunk', 'torch.utils.data.datapipes', 'torch.utils.data.functional_datapipe',
              'torch.utils.data.guaranteed_datapipes_determinism', 'torch.utils.data.non_deterministic',
              'torch.utils.data.runtime_validation', 'torch.utils.data.runtime_validation_disabled',
              'torch.utils.data.argument_validation', 'torch.utils.data.graph', 'torch.utils.data.graph_settings'),
    **_family('float8 and grouped matrix products for recent NVIDIA GPUs (NumPy has no float8)',
              'torch.nn.functional.scaled_mm', 'torch.nn.functional.scaled_grouped_mm',
              'torch.nn.functional.ScalingType', 'torch.nn.functional.SwizzleType'),
    **_family('legacy instance-style autograd.Function kept by PyTorch for compatibility only: in PyTorch 2.13 '
              'both ways of calling one (an instance, or .apply) raise AttributeError',
              'torch.autograd.NestedIOFunction'),
}
