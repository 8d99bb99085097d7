import torch
from x_transformers import (AutoregressiveWrapper, ContinuousTransformerWrapper, Decoder, Encoder,
                            TransformerWrapper, ViTransformerWrapper, XTransformer)

torch.manual_seed(0)
gpt = TransformerWrapper(num_tokens=32, max_seq_len=16,
                         attn_layers=Decoder(dim=32, depth=2, heads=4, rotary_pos_emb=True, attn_dim_head=8,
                                             ff_glu=True, use_rmsnorm=True))
model = AutoregressiveWrapper(gpt)
print(sum(p.numel() for p in model.parameters()))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
data = torch.arange(16).repeat(8, 1) % 32 + torch.randint(0, 2, (8, 1))
for step in range(5):
    loss = model(data)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    opt.step()
    print(step, f'{loss.item():.5f}')
model.eval()
generated = model.generate(data[:2, :4], seq_len=6, temperature=0.0)
print('greedy', generated.tolist())
logits, cache = gpt(data[:1], return_intermediates=True)
print('logits', logits.shape, type(cache).__name__, len(cache.attn_intermediates))
embeddings = gpt(data[:2], return_embeddings=True)
print('embeddings', embeddings.shape, f'{embeddings.std().item():.5f}')

torch.save(gpt.state_dict(), 'gpt.pt')
clone = TransformerWrapper(num_tokens=32, max_seq_len=16,
                           attn_layers=Decoder(dim=32, depth=2, heads=4, rotary_pos_emb=True, attn_dim_head=8,
                                               ff_glu=True, use_rmsnorm=True))
clone.load_state_dict(torch.load('gpt.pt'))
clone.eval()
gpt.eval()
print('reloaded', torch.allclose(clone(data[:2]), gpt(data[:2])))

# an encoder with a padding mask, alibi positions and a classification head
encoder = TransformerWrapper(num_tokens=20, max_seq_len=12, logits_dim=3, use_abs_pos_emb=False,
                             attn_layers=Encoder(dim=24, depth=2, heads=3, alibi_pos_bias=True, attn_dim_head=8),
                             average_pool_embed=True)
tokens = torch.randint(0, 20, (3, 12))
mask = torch.ones(3, 12, dtype=torch.bool)
mask[1, 8:] = False
out = encoder(tokens, mask=mask)
print('classes', out.shape, [round(v, 4) for v in out[1].tolist()])
torch.nn.functional.cross_entropy(out, torch.tensor([0, 1, 2])).backward()
print('grad', f'{encoder.token_emb.emb.weight.grad.abs().sum().item():.4f}')

vit = ViTransformerWrapper(image_size=16, patch_size=4, num_classes=5,
                           attn_layers=Encoder(dim=24, depth=1, heads=2, attn_dim_head=12))
print('vit', [round(v, 4) for v in vit(torch.randn(2, 3, 16, 16))[0].tolist()])

seq2seq = XTransformer(dim=24, enc_num_tokens=20, enc_depth=1, enc_heads=2, enc_max_seq_len=10,
                       dec_num_tokens=20, dec_depth=1, dec_heads=2, dec_max_seq_len=10, tie_token_emb=True)
src = torch.randint(0, 20, (2, 10))
tgt = torch.randint(0, 20, (2, 10))
seq_loss = seq2seq(src, tgt, mask=torch.ones_like(src).bool())
seq_loss.backward()
print('seq2seq', f'{seq_loss.item():.5f}')

continuous = ContinuousTransformerWrapper(dim_in=6, dim_out=2, max_seq_len=8,
                                          attn_layers=Encoder(dim=16, depth=1, heads=2, attn_dim_head=8))
print('continuous', continuous(torch.randn(2, 8, 6)).shape)
