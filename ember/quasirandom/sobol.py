"""``SobolEngine``: Sobol' sequences with PyTorch's direction numbers, Gray-code ordering and
Owen-style random linear scrambling, so that the same seed gives PyTorch's points."""
import numpy as np

from ember.quasirandom._directions import MAXBIT, MAXDIM, direction_numbers


def _lowest_zero_bit_counts(start, n):
    """How often each bit position ``l < 64`` is the lowest zero bit of the integers in ``[start, start + n)``.

    Integers whose lowest zero bit is ``l`` are those ``≡ 2**l - 1 (mod 2**(l + 1))``."""
    def below(limit, residue, modulus):       # how many x in [0, limit) are ≡ residue (mod modulus)
        return 0 if limit <= residue else (limit - residue + modulus - 1) // modulus
    return np.array([below(start + n, (1 << l) - 1, 1 << (l + 1)) - below(start, (1 << l) - 1, 1 << (l + 1))
                     for l in range(MAXBIT)], dtype=np.int64)


def _lowest_zero_bits(start, n):
    """The lowest zero bit of each integer in ``[start, start + n)``: the Gray-code step of each point."""
    i = np.arange(start, start + n, dtype=np.int64)
    return np.log2(~i & (i + 1)).astype(np.int64)


class SobolEngine:
    r"""An engine for (optionally scrambled) Sobol' sequences, a kind of low-discrepancy
    quasi-random sequence, in up to 21201 dimensions.

    It uses the direction numbers of Joe and Kuo (search criterion D(6)), and scrambles with a
    random linear matrix scramble plus a random digital shift.

    Args:
        dimension (int): the dimensionality of the sequence, in ``[1, 21201]``.
        scramble (bool, optional): produce a scrambled sequence. Default: ``False``.
        seed (int, optional): the seed of the scrambling's random numbers; without it they come
            from the default generator. Default: ``None``.

    Example::

        >>> engine = ember.quasirandom.SobolEngine(dimension=3)
        >>> engine.draw(4)
        tensor([[0.0000, 0.0000, 0.0000],
                [0.5000, 0.5000, 0.5000],
                [0.7500, 0.2500, 0.2500],
                [0.2500, 0.7500, 0.7500]])
    """
    MAXBIT = MAXBIT
    MAXDIM = MAXDIM

    def __init__(self, dimension, scramble=False, seed=None):
        import ember
        if dimension > self.MAXDIM or dimension < 1:
            raise ValueError("Supported range of dimensionality "
                             f"for SobolEngine is [1, {self.MAXDIM}]")
        self.seed = seed
        self.scramble = scramble
        self.dimension = dimension
        self.sobolstate = ember.from_numpy(direction_numbers(dimension))
        if not self.scramble:
            self.shift = ember.zeros(self.dimension, dtype=ember.long)
        else:
            self._scramble()
        self.quasi = self.shift.clone(memory_format=ember.contiguous_format)
        # the first point, in the default dtype as PyTorch computes it (a true division of integers)
        self._first_point = (self.quasi / 2 ** self.MAXBIT).reshape(1, -1)
        self.num_generated = 0

    def draw(self, n=1, out=None, dtype=None):
        r"""Draws the next ``n`` points of the sequence, an ``(n, dimension)`` tensor.

        Args:
            n (int, optional): the number of points. Default: 1.
            out (Tensor, optional): the output tensor (resized to the result).
            dtype (ember.dtype, optional): the dtype of the result; the default dtype when not given.

        Returns:
            Tensor: the points, in ``[0, 1)``.

        Example::

            >>> ember.quasirandom.SobolEngine(2).draw(3, dtype=ember.float64)
            tensor([[0.0000, 0.0000],
                    [0.5000, 0.5000],
                    [0.7500, 0.2500]], dtype=ember.float64)
        """
        import ember
        if dtype is None:
            dtype = ember.get_default_dtype()
        if self.num_generated == 0:
            if n == 1:
                result = self._first_point.to(dtype)
            else:
                result = ember.cat((self._first_point.to(dtype), self._next(n - 1, 0, dtype)), dim=-2)
        else:
            result = self._next(n, self.num_generated - 1, dtype)
        self.num_generated += n
        if out is not None:
            out.resize_as_(result).copy_(result)
            return out
        return result

    def _next(self, n, index, dtype):
        """The next ``n`` points after the current one, whose Gray-code index is ``index``."""
        import ember
        state = self.sobolstate.numpy()
        steps = state[:, _lowest_zero_bits(index, n)].T                      # (n, dimension)
        points = np.bitwise_xor.accumulate(np.concatenate([self.quasi.numpy()[None], steps]), axis=0)[1:]
        if n:
            self.quasi = ember.from_numpy(points[-1].copy())
        np_dtype = dtype.np_dtype
        # each integer rounds to the dtype first, then scales by 2**-30 (exact), as PyTorch's kernel
        values = points.astype(np_dtype) * np_dtype.type(1.0 / (1 << self.MAXBIT))
        return ember.from_numpy(values.reshape(n, self.dimension))

    def draw_base2(self, m, out=None, dtype=None):
        r"""Draws the next ``2**m`` points; the total drawn must stay a power of two, which keeps
        the balance properties of Sobol' points.

        Args:
            m (int): the base-2 exponent of the number of points.
            out (Tensor, optional): the output tensor.
            dtype (ember.dtype, optional): the dtype of the result.

        Returns:
            Tensor: ``(2**m, dimension)`` points.

        Example::

            >>> ember.quasirandom.SobolEngine(1).draw_base2(2)
            tensor([[0.0000],
                    [0.5000],
                    [0.7500],
                    [0.2500]])
        """
        n = 2 ** m
        total_n = self.num_generated + n
        if not (total_n & (total_n - 1) == 0):
            raise ValueError("The balance properties of Sobol' points require "
                             f"n to be a power of 2. {self.num_generated} points have been "
                             f"previously generated, then: n={self.num_generated}+2**{m}={total_n}. "
                             "If you still want to do this, please use "
                             "'SobolEngine.draw()' instead.")
        return self.draw(n=n, out=out, dtype=dtype)

    def reset(self):
        r"""Returns the engine to its initial state (the first point next); returns ``self``."""
        self.quasi.copy_(self.shift)
        self.num_generated = 0
        return self

    def fast_forward(self, n):
        r"""Skips ``n`` points, as drawing them would; returns ``self``.

        Args:
            n (int): the number of points to skip.
        """
        import ember
        start = 0 if self.num_generated == 0 else self.num_generated - 1
        steps = n - 1 if self.num_generated == 0 else n
        if steps > 0:
            odd = _lowest_zero_bit_counts(start, steps) % 2 == 1  # a direction applied twice cancels
            state = self.sobolstate.numpy()
            quasi = self.quasi.numpy() ^ np.bitwise_xor.reduce(state[:, odd], axis=1) if odd.any() \
                else self.quasi.numpy()
            self.quasi = ember.from_numpy(np.ascontiguousarray(quasi))
        self.num_generated += n
        return self

    def _scramble(self):
        import ember
        g = None
        if self.seed is not None:
            g = ember.Generator()
            g.manual_seed(self.seed)
        shift_bits = ember.randint(2, (self.dimension, self.MAXBIT), generator=g).numpy()
        self.shift = ember.from_numpy(shift_bits @ (1 << np.arange(self.MAXBIT, dtype=np.int64)))
        ltm = ember.randint(2, (self.dimension, self.MAXBIT, self.MAXBIT), generator=g).numpy()
        # each lower-triangular row p (diagonal set to 1) as a bit mask, column k weighing 2**(29 - k)
        weights = np.tril(1 << np.arange(self.MAXBIT - 1, -1, -1, dtype=np.int64)[None, :].repeat(self.MAXBIT, 0))
        masks = (ltm * weights).sum(-1) | np.diag(weights)                                # (D, p)
        # bit (29 - p) of a scrambled direction number is the parity of its overlap with mask p
        overlap = self.sobolstate.numpy()[:, :, None] & masks[:, None, :]                  # (D, j, p)
        for shift in (16, 8, 4, 2, 1):
            overlap ^= overlap >> shift
        scrambled = (overlap & 1) @ (1 << np.arange(self.MAXBIT - 1, -1, -1, dtype=np.int64))
        self.sobolstate = ember.from_numpy(np.ascontiguousarray(scrambled))

    def __repr__(self):
        fmt_string = [f"dimension={self.dimension}"]
        if self.scramble:
            fmt_string += ["scramble=True"]
        if self.seed is not None:
            fmt_string += [f"seed={self.seed}"]
        return self.__class__.__name__ + "(" + ", ".join(fmt_string) + ")"
