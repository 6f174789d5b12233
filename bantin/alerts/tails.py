"""Upper-tail probabilities P(X ≥ c) for the negative binomial and the Poisson, vectorised with numpy.

The negative binomial is parametrised by its mean ``mu`` and dispersion ``phi = Var/mean ≥ 1`` (``phi = 1`` is
the Poisson), i.e. size ``r = mu / (phi - 1)``. The pmf comes from its recurrence
``p(k+1) = p(k) · (k + r)/(k + 1) · mu/(r + mu)``, which needs no log-gamma (scipy is not a dependency).
"""

from __future__ import annotations

import numpy as np

# Above this size (phi - 1 below mu / 1e8) the negative binomial is the Poisson to far better than any threshold.
POISSON_SIZE = 1e8
# The tail sum stops when a term adds less than this share of it: p-values keep ~10 digits.
TAIL_RTOL = 1e-12
# A bound on the terms summed: counts of a 2-hour window stay far below; a heavy tail (phi=5) needs ~150.
MAX_TERMS = 5_000


def nb_upper_tail(count: np.ndarray, mu: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """P(X ≥ count) for X ~ NB(mean mu, Var = phi·mu), elementwise; count ≤ 0 gives 1.

    The tail is summed term by term from ``count`` upward (not ``1 - cdf``), so a p-value of 1e-9 keeps its
    digits; the sum stops when the next terms no longer change it (``TAIL_RTOL``) or after ``MAX_TERMS``.
    """
    count = np.asarray(count, dtype=np.int64)
    mu = np.maximum(np.asarray(mu, dtype=float), 1e-12)
    phi = np.maximum(np.asarray(phi, dtype=float), 1.0)
    count, mu, phi = (np.array(a) for a in np.broadcast_arrays(count, mu, phi))
    poisson = (phi - 1.0) * POISSON_SIZE <= mu
    size = np.where(poisson, 1.0, mu / np.where(poisson, 1.0, phi - 1.0))
    q = mu / (size + mu)
    pmf = np.exp(np.where(poisson, -mu, size * np.log(np.where(poisson, 1.0, size / (size + mu)))))
    tail = np.zeros(count.shape)
    top = int(count.max()) if count.size else 0
    for k in range(MAX_TERMS):
        if k >= count.min(initial=0):
            tail = np.where(k >= count, tail + pmf, tail)
            if k >= top and np.all(pmf <= TAIL_RTOL * tail):
                break
        pmf = pmf * np.where(poisson, mu / (k + 1), (k + size) / (k + 1) * q)
    return np.where(count <= 0, 1.0, np.clip(tail, 0.0, 1.0))


def poisson_upper_tail(count: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """P(X ≥ count) for X ~ Poisson(mu)."""
    return nb_upper_tail(count, mu, np.ones(np.shape(mu)))
