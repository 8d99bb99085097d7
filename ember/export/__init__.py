"""ember.export: PyTorch's ``torch.export`` — capture a module's forward as a graph of ATen operators
(``ExportedProgram``) with its parameters and buffers lifted to inputs, print it, run it
(``module()``), lower it (``run_decompositions()``), and save or load it."""
from ember.export._export import export
from ember.export.dynamic_shapes import Dim, dims
from ember.export.exported_program import ExportedProgram
from ember.export.graph_signature import (ExportBackwardSignature, ExportGraphSignature, InputKind, InputSpec,
                                          OutputKind, OutputSpec)
from ember.export.decomp_utils import default_decompositions
from ember.export._serialize import load, save
from ember.export._module_calls import ModuleCallEntry, ModuleCallSignature
from ember.export.unflatten import FlatArgsAdapter, UnflattenedModule, unflatten
from ember.fx.passes.infra.pass_base import PassResult

__all__ = ['Dim', 'ExportBackwardSignature', 'ExportGraphSignature', 'ExportedProgram', 'FlatArgsAdapter', 'InputKind',
           'InputSpec', 'ModuleCallEntry', 'ModuleCallSignature', 'OutputKind', 'OutputSpec', 'PassResult',
           'UnflattenedModule', 'default_decompositions', 'dims', 'export', 'load', 'save', 'unflatten']
