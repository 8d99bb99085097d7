"""Functions PyTorch removed in version 1.9 and keeps only to say what replaces them: old scripts that
call them get PyTorch's explanation (a RuntimeError naming the replacement), not an AttributeError."""
import warnings

from ember._tensor import Tensor

__all__ = ['eig', 'lstsq', 'matrix_rank', 'solve', 'symeig']

_GONE = "This function was deprecated since version 1.9 and is now removed."


def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    """Removed: use :func:`ember.linalg.matrix_rank` (its ``hermitian`` is the old ``symmetric``).

    Example::

        >>> ember.matrix_rank(ember.eye(2))
        Traceback (most recent call last):
            ...
        RuntimeError: This function was deprecated since version 1.9 and is now removed...
    """
    raise RuntimeError(f"{_GONE}\nPlease use the `ember.linalg.matrix_rank` function instead. The parameter "
                       "'symmetric' was renamed in `ember.linalg.matrix_rank()` to 'hermitian'.")


def solve(input, A, *, out=None):
    """Removed: ``ember.solve(B, A).solution`` is ``ember.linalg.solve(A, B)``.

    Example::

        >>> ember.solve(ember.eye(2), ember.eye(2))
        Traceback (most recent call last):
            ...
        RuntimeError: This function was deprecated since version 1.9 and is now removed. `ember.solve` is deprecated...
    """
    raise RuntimeError(f"{_GONE} `ember.solve` is deprecated in favor of `ember.linalg.solve`. `ember.linalg.solve` "
                       "has its arguments reversed and does not return the LU factorization.\n\nTo get the LU "
                       "factorization see `ember.lu`, which can be used with `ember.lu_solve` or `ember.lu_unpack`.\n"
                       "X = ember.solve(B, A).solution should be replaced with:\nX = ember.linalg.solve(A, B)")


def lstsq(input, A, *, out=None):
    """Removed: ``ember.lstsq(B, A)`` is ``ember.linalg.lstsq(A, B)``.

    Example::

        >>> ember.lstsq(ember.eye(2), ember.eye(2))
        Traceback (most recent call last):
            ...
        RuntimeError: This function was deprecated since version 1.9 and is now removed. `ember.lstsq` is deprecated...
    """
    raise RuntimeError(f"{_GONE} `ember.lstsq` is deprecated in favor of `ember.linalg.lstsq`.\n`ember.linalg.lstsq` "
                       "has reversed arguments and does not return the QR decomposition in the returned tuple "
                       "(although it returns other information about the problem).\n\nTo get the QR decomposition "
                       "consider using `ember.linalg.qr`.\n\nThe returned solution in `ember.lstsq` stored the "
                       "residuals of the solution in the last m - n columns of the returned value whenever m > n. In "
                       "ember.linalg.lstsq, the residuals are in the field 'residuals' of the returned named tuple."
                       "\n\nThe unpacking of the solution, as in\nX, _ = ember.lstsq(B, A).solution[:A.size(1)]\n"
                       "should be replaced with:\nX = ember.linalg.lstsq(A, B).solution")


def _symeig(input, eigenvectors=False, upper=True, *, out=None):
    """Removed: use :func:`ember.linalg.eigvalsh` or :func:`ember.linalg.eigh`.

    Example::

        >>> ember.symeig(ember.eye(2))
        Traceback (most recent call last):
            ...
        RuntimeError: This function was deprecated since version 1.9 and is now removed...
    """
    raise RuntimeError(f"{_GONE} The default behavior has changed from using the upper triangular portion of the "
                       "matrix by default to using the lower triangular portion.\n\nL, _ = ember.symeig(A, "
                       "upper=upper) should be replaced with:\nL = ember.linalg.eigvalsh(A, UPLO='U' if upper else "
                       "'L')\n\nand\n\nL, V = ember.symeig(A, eigenvectors=True) should be replaced with:\nL, V = "
                       "ember.linalg.eigh(A, UPLO='U' if upper else 'L')")


symeig = _symeig   # PyTorch's is this private function (its __name__)


def eig(self, eigenvectors=False, *, e=None, v=None):
    """Removed: use :func:`ember.linalg.eigvals` or :func:`ember.linalg.eig` (complex results).

    Example::

        >>> ember.eig(ember.eye(2))
        Traceback (most recent call last):
            ...
        RuntimeError: This function was deprecated since version 1.9 and is now removed...
    """
    raise RuntimeError(f"{_GONE} `ember.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather "
                       "than real tensors mimicking complex tensors.\n\nL, _ = ember.eig(A) should be replaced with:\n"
                       "L_complex = ember.linalg.eigvals(A)\n\nand\n\nL, V = ember.eig(A, eigenvectors=True) should "
                       "be replaced with:\nL_complex, V_complex = ember.linalg.eig(A)")


def _reinforce(self, reward):
    """Removed: sample through :mod:`ember.distributions` and weigh the log-probability by the reward.

    Example::

        >>> ember.ones(1).reinforce(1.0)
        Traceback (most recent call last):
            ...
        RuntimeError: reinforce() was removed...
    """
    raise RuntimeError("reinforce() was removed.\nUse ember.distributions instead.\n"
                       "See https://pytorch.org/docs/main/distributions.html\n\nInstead of:\n\n"
                       "probs = policy_network(state)\naction = probs.multinomial()\n"
                       "next_state, reward = env.step(action)\naction.reinforce(reward)\naction.backward()\n\n"
                       "Use:\n\nprobs = policy_network(state)\n"
                       "# NOTE: categorical is equivalent to what used to be called multinomial\n"
                       "m = ember.distributions.Categorical(probs)\naction = m.sample()\n"
                       "next_state, reward = env.step(action)\nloss = -m.log_prob(action) * reward\nloss.backward()\n")


def _get_volatile(self):
    warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
    return False


def _set_volatile(self, value):
    warnings.warn("volatile was removed and now has no effect. Use `with ember.no_grad():` instead.", UserWarning,
                  stacklevel=2)


Tensor.solve = lambda self, other: solve(self, other)
Tensor.lstsq = lambda self, other: lstsq(self, other)
Tensor.eig = lambda self, eigenvectors=False: eig(self, eigenvectors=eigenvectors)
Tensor.symeig = lambda self, eigenvectors=False: symeig(self, eigenvectors=eigenvectors)
for _name in ('solve', 'lstsq', 'eig', 'symeig'):
    getattr(Tensor, _name).__name__ = _name
    getattr(Tensor, _name).__qualname__ = f'Tensor.{_name}'   # (pickled by reference: ember._removed.Tensor.<name>)
    getattr(Tensor, _name).__doc__ = globals()[_name].__doc__
Tensor.reinforce = _reinforce
Tensor.reinforce.__name__ = 'reinforce'
Tensor.volatile = property(_get_volatile, _set_volatile, doc="Removed: always False (use ``ember.no_grad()``).")
