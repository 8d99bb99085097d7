"""PyTorch's intermediate tutorial "Generating Names with a Character-Level RNN"
(intermediate_source/char_rnn_generation_tutorial.py, the Variable version): names files written to
a scratch folder, 200 iterations, no plot, no times; the old 0-dim target (refused by today's
NLLLoss) is tried once, then the targets are unsqueezed as the current tutorial does."""
from __future__ import unicode_literals, print_function, division
from io import open
import glob
import os
import tempfile
import unicodedata
import string
import warnings

warnings.simplefilter('ignore')   # (LogSoftmax() without dim, the deprecated add_ overload)
NAMES = {
    'Russian': ['Ababko', 'Abaev', 'Abagyan', 'Abaidulin', 'Rovakov', 'Uantov', 'Shavakov', 'Sokolov'],
    'German': ['Abbing', 'Abel', 'Abeln', 'Gerren', 'Ereng', 'Rosher', 'Schmidt', 'Weber'],
    'Spanish': ['Abana', 'Abano', 'Abarca', 'Salla', 'Parer', 'Allan', "O'Néàl", 'Garcia'],
    'Chinese': ['Ang', 'AuYong', 'Bai', 'Chan', 'Hang', 'Iun', 'Chen', 'Li'],
}
root = tempfile.mkdtemp()
os.makedirs(os.path.join(root, 'data', 'names'))
for lang, names in NAMES.items():
    with open(os.path.join(root, 'data', 'names', lang + '.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(names) + '\n')
os.chdir(root)

all_letters = string.ascii_letters + " .,;'-"
n_letters = len(all_letters) + 1 # Plus EOS marker


def findFiles(path): return sorted(glob.glob(path))


def unicodeToAscii(s):
    return ''.join(
        c for c in unicodedata.normalize('NFD', s)
        if unicodedata.category(c) != 'Mn'
        and c in all_letters
    )


def readLines(filename):
    lines = open(filename, encoding='utf-8').read().strip().split('\n')
    return [unicodeToAscii(line) for line in lines]


category_lines = {}
all_categories = []
for filename in findFiles('data/names/*.txt'):
    category = filename.split('/')[-1].split('.')[0]
    all_categories.append(category)
    lines = readLines(filename)
    category_lines[category] = lines

n_categories = len(all_categories)

print('# categories:', n_categories, all_categories)
print(unicodeToAscii("O'Néàl"))

import torch
import torch.nn as nn
from torch.autograd import Variable
torch.manual_seed(0)


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size

        self.i2h = nn.Linear(n_categories + input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(n_categories + input_size + hidden_size, output_size)
        self.o2o = nn.Linear(hidden_size + output_size, output_size)
        self.dropout = nn.Dropout(0.1)
        self.softmax = nn.LogSoftmax()

    def forward(self, category, input, hidden):
        input_combined = torch.cat((category, input, hidden), 1)
        hidden = self.i2h(input_combined)
        output = self.i2o(input_combined)
        output_combined = torch.cat((hidden, output), 1)
        output = self.o2o(output_combined)
        output = self.dropout(output)
        output = self.softmax(output)
        return output, hidden

    def initHidden(self):
        return Variable(torch.zeros(1, self.hidden_size))


import random
random.seed(0)


def randomChoice(l):
    return l[random.randint(0, len(l) - 1)]


def randomTrainingPair():
    category = randomChoice(all_categories)
    line = randomChoice(category_lines[category])
    return category, line


def categoryTensor(category):
    li = all_categories.index(category)
    tensor = torch.zeros(1, n_categories)
    tensor[0][li] = 1
    return tensor


def inputTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li in range(len(line)):
        letter = line[li]
        tensor[li][0][all_letters.find(letter)] = 1
    return tensor


def targetTensor(line):
    letter_indexes = [all_letters.find(line[li]) for li in range(1, len(line))]
    letter_indexes.append(n_letters - 1) # EOS
    return torch.LongTensor(letter_indexes)


def randomTrainingExample():
    category, line = randomTrainingPair()
    category_tensor = Variable(categoryTensor(category))
    input_line_tensor = Variable(inputTensor(line))
    target_line_tensor = Variable(targetTensor(line))
    return category_tensor, input_line_tensor, target_line_tensor


criterion = nn.NLLLoss()

learning_rate = 0.0005
rnn = RNN(n_letters, 128, n_letters)

category_tensor, input_line_tensor, target_line_tensor = randomTrainingExample()
try:
    output, hidden = rnn(category_tensor, input_line_tensor[0], rnn.initHidden())
    criterion(output, target_line_tensor[0])
except (RuntimeError, ValueError) as e:
    print(type(e).__name__, e)


def train(category_tensor, input_line_tensor, target_line_tensor):
    target_line_tensor.unsqueeze_(-1)
    hidden = rnn.initHidden()

    rnn.zero_grad()

    loss = 0

    for i in range(input_line_tensor.size()[0]):
        output, hidden = rnn(category_tensor, input_line_tensor[i], hidden)
        loss += criterion(output, target_line_tensor[i])

    loss.backward()

    for p in rnn.parameters():
        p.data.add_(-learning_rate, p.grad.data)

    return output, loss.item() / input_line_tensor.size()[0]


n_iters = 200
print_every = 50
plot_every = 25
all_losses = []
total_loss = 0 # Reset every plot_every iters

for iter in range(1, n_iters + 1):
    output, loss = train(*randomTrainingExample())
    total_loss += loss

    if iter % print_every == 0:
        print('(%d %d%%) %.4f' % (iter, iter / n_iters * 100, loss))

    if iter % plot_every == 0:
        all_losses.append(total_loss / plot_every)
        total_loss = 0

print(['%.4f' % l for l in all_losses])
max_length = 20


def sample(category, start_letter='A'):
    category_tensor = Variable(categoryTensor(category))
    input = Variable(inputTensor(start_letter))
    hidden = rnn.initHidden()

    output_name = start_letter

    for i in range(max_length):
        output, hidden = rnn(category_tensor, input[0], hidden)
        topv, topi = output.data.topk(1)
        topi = topi[0][0]
        if topi == n_letters - 1:
            break
        else:
            letter = all_letters[topi]
            output_name += letter
        input = Variable(inputTensor(letter))

    return output_name


def samples(category, start_letters='ABC'):
    for start_letter in start_letters:
        print(sample(category, start_letter))


rnn.eval()
samples('Russian', 'RUS')

samples('German', 'GER')

samples('Spanish', 'SPA')

samples('Chinese', 'CHI')
