"""fx's settings, as PyTorch's ``torch.fx.config``: read where fx reports progress and writes
stack traces into generated code."""

# no progress bars while passes run over a graph
disable_progress = True
# progress bars name the node being processed (when shown)
verbose_progress = False
# generated code leaves out the stack-trace comments of its nodes
do_not_emit_stack_traces = False
