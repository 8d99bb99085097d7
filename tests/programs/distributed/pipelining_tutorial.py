"""PyTorch's "Introduction to Distributed Pipeline Parallelism" tutorial (intermediate/pipelining_tutorial),
run on CPU under torchrun with 2 processes: a GPT-style Transformer split by hand into two stages
(``PipelineStage``) and run with ``ScheduleGPipe`` over 4 microbatches; the last stage prints the losses.

Changes from the tutorial, only where it cannot run here or is not repeatable: a smaller model and batch
(dim 64, 4 heads, vocabulary 1000, 8 x 32 tokens: the tutorial's 32 x 500 tokens over a 10000-word
vocabulary make 640 MB of logits), a seed before building the model and the targets, the losses printed
to 4 decimals, the last stage's output shape and each stage's gradients printed, the model in float64 (in float32,
one of stage 0's activations with this seed lies within float32 rounding of ReLU's kink, 3e-7 from zero: the
side of zero it lands on depends on the order of a matrix product's sums, and the one element's gradient it
switches on or off moves stage 0's gradients by about 1e-4; in float64 both stages' gradients agree with
PyTorch's to 1e-15), and the import of ``pipeline``/``SplitPoint`` (the tutorial's optional tracer-based split,
which ember does not provide) left out."""
import sys

import torch
import torch.nn as nn
from dataclasses import dataclass


def print(*args):
    # one write per line (the ranks print side by side; print's pieces could interleave)
    sys.stdout.write(' '.join(str(a) for a in args) + '\n')


@dataclass
class ModelArgs:
   dim: int = 64
   n_layers: int = 8
   n_heads: int = 4
   vocab_size: int = 1000

class Transformer(nn.Module):
   def __init__(self, model_args: ModelArgs):
      super().__init__()

      self.tok_embeddings = nn.Embedding(model_args.vocab_size, model_args.dim)

      # Using a ModuleDict lets us delete layers witout affecting names,
      # ensuring checkpoints will correctly save and load.
      self.layers = torch.nn.ModuleDict()
      for layer_id in range(model_args.n_layers):
            self.layers[str(layer_id)] = nn.TransformerDecoderLayer(model_args.dim, model_args.n_heads)

      self.norm = nn.LayerNorm(model_args.dim)
      self.output = nn.Linear(model_args.dim, model_args.vocab_size)

   def forward(self, tokens: torch.Tensor):
      # Handling layers being 'None' at runtime enables easy pipeline splitting
      h = self.tok_embeddings(tokens) if self.tok_embeddings else tokens

      for layer in self.layers.values():
            h = layer(h, h)

      h = self.norm(h) if self.norm else h
      output = self.output(h).clone() if self.output else h
      return output


import os
import torch.distributed as dist
from torch.distributed.pipelining import PipelineStage, ScheduleGPipe

global rank, device, pp_group, stage_index, num_stages
def init_distributed():
   global rank, device, pp_group, stage_index, num_stages
   rank = int(os.environ["LOCAL_RANK"])
   world_size = int(os.environ["WORLD_SIZE"])
   device = torch.device(f"cuda:{rank}") if torch.cuda.is_available() else torch.device("cpu")
   dist.init_process_group()

   # This group can be a sub-group in the N-D parallel case
   pp_group = dist.new_group()
   stage_index = rank
   num_stages = world_size


def manual_model_split(model) -> PipelineStage:
   if stage_index == 0:
      # prepare the first stage model
      for i in range(4, 8):
            del model.layers[str(i)]
      model.norm = None
      model.output = None

   elif stage_index == 1:
      # prepare the second stage model
      for i in range(4):
            del model.layers[str(i)]
      model.tok_embeddings = None

   stage = PipelineStage(
      model,
      stage_index,
      num_stages,
      device,
   )
   return stage


if __name__ == "__main__":
   init_distributed()
   num_microbatches = 4
   model_args = ModelArgs()
   torch.set_default_dtype(torch.float64)
   torch.manual_seed(0)
   model = Transformer(model_args)

   # Dummy data
   x = torch.ones(8, 32, dtype=torch.long)
   y = torch.randint(0, model_args.vocab_size, (8, 32), dtype=torch.long)
   example_input_microbatch = x.chunk(num_microbatches)[0]

   # Option 1: Manual model splitting
   stage = manual_model_split(model)

   model.to(device)
   x = x.to(device)
   y = y.to(device)

   def tokenwise_loss_fn(outputs, targets):
      loss_fn = nn.CrossEntropyLoss()
      outputs = outputs.reshape(-1, model_args.vocab_size)
      targets = targets.reshape(-1)
      return loss_fn(outputs, targets)

   schedule = ScheduleGPipe(stage, n_microbatches=num_microbatches, loss_fn=tokenwise_loss_fn)

   if rank == 0:
      schedule.step(x)
   elif rank == 1:
      losses = []
      output = schedule.step(target=y, losses=losses)
      print(f"losses: {[round(l.item(), 4) for l in losses]}")
      print(f"output: {tuple(output.shape)}")
   grads = sum(p.grad.abs().sum().item() for p in model.parameters() if p.grad is not None)
   print(f"rank {rank} gradient abs sum {grads:.10g}")
   dist.destroy_process_group()
