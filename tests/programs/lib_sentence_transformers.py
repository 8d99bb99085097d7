import os

import torch
import transformers
from sentence_transformers import CrossEncoder, SentenceTransformer, quantize_embeddings, util
from sentence_transformers.sentence_transformer import losses
from sentence_transformers.base.modules import Dense, Normalize, Transformer
from sentence_transformers.sentence_transformer.modules import Pooling

transformers.logging.set_verbosity_error()
# a tiny BERT and a WordPiece tokenizer written here, as a user's local checkpoint (nothing downloaded)
words = ('the cat dog sat on mat a runs fast slow bird sings car drives road red blue big small house tree '
         'eats fish bone and is in park sleeps').split()
vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] + words + ['##s', '##ing']
os.makedirs('tiny-bert', exist_ok=True)
with open('tiny-bert/vocab.txt', 'w') as f:
    f.write('\n'.join(vocab) + '\n')
tokenizer = transformers.BertTokenizerFast('tiny-bert/vocab.txt')
torch.manual_seed(0)
config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                                 intermediate_size=64, max_position_embeddings=32)
transformers.BertModel(config).save_pretrained('tiny-bert')
tokenizer.save_pretrained('tiny-bert')

torch.manual_seed(0)
# (no Hub kernels: transformers would otherwise ask for its optional 'kernels' package)
no_kernels = {'use_kernels': False}
transformer = Transformer('tiny-bert', max_seq_length=16, model_kwargs=no_kernels)
pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode='mean')
model = SentenceTransformer(modules=[transformer, pooling, Dense(32, 16, activation_function=torch.nn.Tanh()),
                                     Normalize()], device='cpu')
print(model)
sentences = ['the cat sat on the mat', 'a dog runs fast in the park', 'the bird sings', 'a red car drives on the road',
             'the big dog eats a bone', 'the cat sleeps in the house']
features = model.preprocess(sentences[:2])
print('tokens', features['input_ids'].tolist())
embeddings = model.encode(sentences, convert_to_tensor=True)
print('encode', embeddings.shape, embeddings.dtype, [round(v, 4) for v in embeddings[0, :6].tolist()])
print('norms', [round(v, 4) for v in embeddings.norm(dim=-1).tolist()])
numpy_embeddings = model.encode(sentences[:2], batch_size=1)
print('numpy', type(numpy_embeddings).__name__, numpy_embeddings.shape, f'{numpy_embeddings[1, 3]:.4f}')
scores = model.similarity(embeddings, embeddings)
print('similarity', [round(v, 4) for v in scores[0].tolist()])
print('cos_sim', torch.allclose(util.cos_sim(embeddings, embeddings), scores, atol=1e-6))
hits = util.semantic_search(embeddings[:2], embeddings[2:], top_k=2)
print('search', [[(h['corpus_id'], round(h['score'], 4)) for h in hit] for hit in hits])
tokens = model.encode(sentences[:2], output_value='token_embeddings')
print('token embeddings', [tuple(t.shape) for t in tokens])
with model.truncate_embeddings(8):
    print('truncated', model.encode(sentences[:1]).shape)
print('int8', quantize_embeddings(embeddings.numpy(), precision='int8', calibration_embeddings=embeddings.numpy())[0, :6].tolist())
print('ubinary', quantize_embeddings(embeddings.numpy(), precision='ubinary')[:, 0].tolist())
print('mining', [(round(score, 4), i, j) for score, i, j in util.paraphrase_mining(model, sentences, top_k=1)[:3]])
print('communities', util.community_detection(embeddings, threshold=0.95, min_community_size=2))

# contrastive training on (anchor, positive) pairs with in-batch negatives, by hand as a user's loop
loss_fn = losses.MultipleNegativesRankingLoss(model)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
anchors = ['the cat sat on the mat', 'a dog runs fast', 'the bird sings', 'a red car drives']
positives = ['the cat sleeps on the mat', 'the dog runs in the park', 'a small bird sings', 'a blue car on the road']
model.train()
for step in range(4):
    batch = [model.preprocess(anchors), model.preprocess(positives)]
    loss = loss_fn(batch, labels=None)
    opt.zero_grad()
    loss.backward()
    opt.step()
    # (4 decimals: NumPy's BLAS rounds BERT's float32 matmuls apart from PyTorch's in the last bits)
    print(step, f'{loss.item():.4f}')
model.eval()
matryoshka = losses.MatryoshkaLoss(model, losses.MultipleNegativesRankingLoss(model), matryoshka_dims=[16, 8, 4])
print('matryoshka', f'{matryoshka([model.preprocess(anchors), model.preprocess(positives)], None).item():.4f}')
cosent = losses.CoSENTLoss(model)
labels = torch.tensor([1.0, 0.8, 0.9, 0.2])
print('cosent', f'{cosent([model.preprocess(anchors), model.preprocess(positives)], labels).item():.4f}')

model.save('trained')
print(sorted(os.listdir('trained'))[:6])
reloaded = SentenceTransformer('trained', device='cpu', model_kwargs=no_kernels)
print('reloaded', torch.allclose(reloaded.encode(sentences, convert_to_tensor=True),
                                 model.encode(sentences, convert_to_tensor=True), atol=1e-6))

# a cross-encoder scoring sentence pairs with a one-label head
torch.manual_seed(1)
transformers.BertForSequenceClassification(transformers.BertConfig(**config.to_dict(), num_labels=1)).save_pretrained('tiny-ce')
tokenizer.save_pretrained('tiny-ce')
cross = CrossEncoder('tiny-ce', device='cpu', model_kwargs=no_kernels)
pairs = [('the cat sat on the mat', 'the cat sleeps'), ('the cat sat on the mat', 'a car drives')]
print('cross scores', [round(v, 6) for v in cross.predict(pairs).tolist()])
ranks = cross.rank('the dog runs', ['a dog runs fast', 'the bird sings', 'a red car'])
print('rank', [(r['corpus_id'], round(float(r['score']), 6)) for r in ranks])
