"""PyTorch's CPU random streams, reproduced word for word on NumPy.

``engine`` holds the Mersenne Twister and its saved-state layout, ``exact`` the correctly rounded
arithmetic and libm calls the transformations need, ``avx_math`` the float32 logarithm and
sine/cosine PyTorch's vectorised normal kernel uses, and ``draw`` the distributions themselves.
"""
