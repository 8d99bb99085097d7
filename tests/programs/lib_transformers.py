import torch
from transformers import BertConfig, BertForSequenceClassification, GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)
config = GPT2Config(n_layer=2, n_head=2, n_embd=32, vocab_size=100, n_positions=64)
model = GPT2LMHeadModel(config)
print(sum(p.numel() for p in model.parameters()), 'parameters')
ids = torch.randint(0, 100, (4, 12))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
model.train()
for step in range(4):
    out = model(ids, labels=ids)
    opt.zero_grad()
    out.loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    print(step, f'{out.loss.item():.4f}', tuple(out.logits.shape))
model.eval()
with torch.no_grad():
    generated = model.generate(ids[:1, :4], max_new_tokens=6, do_sample=False, pad_token_id=0)
print(generated.tolist())
bert = BertForSequenceClassification(BertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                                intermediate_size=64, vocab_size=100, num_labels=3))
bert.eval()
with torch.no_grad():
    logits = bert(ids, attention_mask=torch.ones_like(ids)).logits
print(logits.argmax(-1).tolist(), f'{logits.abs().sum().item():.3f}')
