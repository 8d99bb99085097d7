import warnings

import torch
from peft import (IA3Config, LoraConfig, PeftModel, PrefixTuningConfig, TaskType, get_peft_model,
                  get_peft_model_state_dict)
from transformers import GPT2Config, GPT2LMHeadModel

warnings.filterwarnings('ignore')
torch.manual_seed(0)
config = GPT2Config(vocab_size=40, n_positions=16, n_embd=32, n_layer=2, n_head=2, bos_token_id=0, eos_token_id=0)
base = GPT2LMHeadModel(config)
lora = get_peft_model(base, LoraConfig(task_type=TaskType.CAUSAL_LM, r=4, lora_alpha=8, lora_dropout=0.0,
                                       target_modules=['c_attn', 'c_proj'], fan_in_fan_out=True))
lora.print_trainable_parameters()
print(type(lora).__name__, lora.active_adapter, sorted(lora.peft_config['default'].target_modules))
opt = torch.optim.AdamW([p for p in lora.parameters() if p.requires_grad], lr=1e-2)
ids = torch.randint(0, 40, (4, 12))
for step in range(4):
    out = lora(input_ids=ids, labels=ids)
    opt.zero_grad()
    out.loss.backward()
    opt.step()
    print(step, f'{out.loss.item():.5f}')
state = get_peft_model_state_dict(lora)
print(len(state), sorted(state)[:2])
lora.save_pretrained('adapter')
lora.eval()
with torch.no_grad():
    expected = lora(input_ids=ids[:1]).logits
    with lora.disable_adapter():
        plain = lora(input_ids=ids[:1]).logits
print('adapter changes logits', not torch.allclose(expected, plain))

torch.manual_seed(0)
fresh = PeftModel.from_pretrained(GPT2LMHeadModel(config), 'adapter')
fresh.eval()
with torch.no_grad():
    print('reloaded', torch.allclose(fresh(input_ids=ids[:1]).logits, expected, atol=1e-5))
merged = fresh.merge_and_unload()
with torch.no_grad():
    print('merged', type(merged).__name__, torch.allclose(merged(input_ids=ids[:1]).logits, expected, atol=1e-5))

# adapters on a plain PyTorch module
mlp = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
peft_mlp = get_peft_model(mlp, LoraConfig(r=2, target_modules=['0', '2'], modules_to_save=None))
peft_mlp.print_trainable_parameters()
print(peft_mlp.base_model.model[0])
x = torch.randn(5, 6)
peft_mlp(x).sum().backward()
print('lora grads', [n for n, p in peft_mlp.named_parameters() if p.grad is not None])
ia3 = get_peft_model(torch.nn.Sequential(torch.nn.Linear(6, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)),
                     IA3Config(target_modules=['0', '2'], feedforward_modules=['2']))
ia3.print_trainable_parameters()
prefix = get_peft_model(GPT2LMHeadModel(config), PrefixTuningConfig(task_type=TaskType.CAUSAL_LM, num_virtual_tokens=3))
prefix.print_trainable_parameters()
print('prefix logits', prefix(input_ids=ids[:2]).logits.shape)
