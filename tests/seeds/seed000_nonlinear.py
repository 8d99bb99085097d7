# Seed 000's nonlinear regression. The seed draws x with torch.rand; bit-identical random
# streams with PyTorch are not a goal, so the same N points are built deterministically here.
import torch

N = 1000
x = 2 * torch.pi * torch.arange(N, dtype=torch.float32).mul(0.6180339887).remainder(1.0)
y = 1 * torch.sin(1 * x) #+ 2 * torch.sin(0.7*x)

params = torch.tensor([1.3, 1], requires_grad=True)
gradient_size = 0.1

for i in range(40):
	model = params[0] * torch.sin(params[1] * x)
	loss = ((y - model)**2).sum() # Construct loss
	loss.backward() # Backprop
	print(loss,params.grad/sum(params.grad**2)**0.5)
	with torch.no_grad(): # Don't track gradients in this step
		params -= gradient_size * params.grad / (1 + sum(params.grad**2)**0.5) # Gradient descent
		params.grad = None # Zero out for next iteration

loss = ((y - model)**2).sum() # Construct loss
print(loss)
print(params)
