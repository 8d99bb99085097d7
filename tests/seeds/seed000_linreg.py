import torch

for gradient_damp in (0.5, 0.1):
    b = torch.tensor([1.,1], requires_grad=False)
    A = torch.tensor([[0.,1],[1,0]], requires_grad=False)
    x = torch.tensor([0.,0], requires_grad=True)
    for i in range(10):
        print(x)
        loss = ((torch.einsum('ij,j->i',A,x)-b)**2).sum() # Construct loss
        loss.backward() # Backprop
        with torch.no_grad(): # Don't track gradients in this step
            x -= gradient_damp * x.grad # Gradient descent
            x.grad = None # Zero out for next iteration

    loss = ((torch.einsum('ij,j->i',A,x)-b)**2).sum() # Construct loss
    print(loss)
    print(x)
