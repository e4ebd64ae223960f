r"""The synthetic associative-retrieval task of Schlag, Irie and Schmidhuber, with fixed keys.

Schlag, Irie, Schmidhuber, "Linear Transformers Are Secretly Fast Weight Programmers",
ICML 2021 (arXiv:2102.11174), Section 6.1: a sequence presents ``S`` = ``n_keys``
distinct keys, each with a value among ``S``; the fast-weight memory written from the
sequence is queried with every key and must return the value's one-hot vector, scored by
the loss :math:`\tfrac12\|y - e_v\|^2`. The paper trains key embeddings (``d_key = 64``)
and an output layer and finds that the sum rule's loss stays near zero up to
:math:`S \approx d_{dot}`, the dimension of the feature map, then rises (at most
:math:`d_{dot}` keys can be orthogonal). Setting 2 writes every key twice, the second
time with a new value that must win: the sum rule fails there, the delta rule succeeds.

Here nothing is trained (the project measures memories, not optimisers):

* keys: ``n_keys`` i.i.d. standard Gaussian vectors of dimension ``dim_key`` (64 in the
  paper), fixed for a trial; the queries are the keys themselves;
* values: a random permutation of the ``S`` one-hot vectors of dimension ``S`` (every
  value once); in setting 2 the overwriting values are :math:`(v_\mu + r) \bmod S`,
  ``r`` uniform in ``1..S-1`` per trial, so that every new value differs from the old;
* order: setting 1 writes the keys in a random order; setting 2 writes them all in a
  random order, then all again, with the new values, in another random order
  (sequence length ``2S``);
* features: :math:`\hat\phi(k) = \phi(k)/\|\phi(k)\|_2` with :math:`\phi` one of
  :data:`hebbian.attention.layers.FEATURE_MAPS`, for writes and reads alike. The paper
  normalises by the sum, :math:`\phi/\sum_j\phi_j`, and learns the write strength
  :math:`\beta_i` of the delta rule; with the Euclidean norm the delta rule at
  ``learning_rate = 1`` replaces the value of a key exactly, which is what a learned
  :math:`\beta_i = 1/\|\phi/\textstyle\sum\phi\|^2` would do.

The rules (:data:`TASK_RULES`), all from :mod:`hebbian.attention.layers`:

* ``"sum"``: :math:`W = \sum_t e_{v_t}\hat\phi(k_t)^T` (:func:`linear_attention`);
* ``"delta"``: :func:`delta_rule` over the sequence, ``passes`` times, learning rate
  :math:`\eta`;
* ``"lsq"``: :func:`least_squares`, the memory of least loss over the written pairs
  (the converged delta rule). With ``S`` keys and features of rank
  :math:`r = \min(S, d_{dot})` its reads are :math:`P e_\mu` (``P`` the projector on
  the span of the feature rows), so its mean loss is exactly
  :math:`\tfrac12(1 - r/S)`: zero up to :math:`S = d_{dot}`, then
  :math:`\tfrac12(1 - d_{dot}/S)` -- the same as the sum rule with keys that training
  arranged into a tight frame plus a learned output scale
  (``docs/theory/hopfield_attention.md``).

With fixed random keys the sum rule has crosstalk from the second key on (its loss is
about :math:`\tfrac12 (S-1)\langle\cos^2\rangle`, with :math:`\langle\cos^2\rangle =
1/d_{key}` for the identity map and a positive mean cosine for the positive maps), so
its knee is not at :math:`d_{dot}`: the knee of the published curves is that of the
best memory, ``"lsq"``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hebbian._validation import as_generator, check_choice, check_int, check_real
from hebbian.attention.layers import (
    FEATURE_MAPS,
    delta_rule,
    feature_dimension,
    feature_map,
    least_squares,
    linear_attention,
)

__all__ = [
    "MAX_KEYS",
    "SETTINGS",
    "TASK_RULES",
    "TaskResult",
    "task_loss",
    "task_sequence",
]

#: The write rules of :func:`task_loss`.
TASK_RULES = ("sum", "delta", "lsq")

#: Setting 1 (each key once), setting 2 (each key twice, the second value must win).
SETTINGS = (1, 2)

#: Largest number of keys (the memory holds n_keys x d_dot numbers per trial).
MAX_KEYS = 4096


@dataclass(frozen=True)
class TaskResult:
    """Loss of one rule on the task, over ``trials`` random sequences.

    Attributes
    ----------
    loss, loss_stderr : float
        Mean of :math:`\\tfrac12\\|y - e_v\\|^2` over the ``n_keys`` queries and the
        trials, and its standard error over trials.
    accuracy : float
        Fraction of queries whose largest output component is the right value.
    d_dot : int
        Dimension of the feature map.
    """

    rule: str
    feature_map: str
    setting: int
    n_keys: int
    dim_key: int
    d_dot: int
    trials: int
    loss: float
    loss_stderr: float
    accuracy: float

    def as_dict(self) -> dict:
        """Return the fields as a plain dictionary."""
        return dict(self.__dict__)


def task_sequence(trials: int, n_keys: int, dim_key: int, setting: int, rng):
    """Draw ``trials`` task sequences (module docstring).

    Returns
    -------
    keys : float64 array (trials, n_keys, dim_key)
        The distinct keys, also the queries.
    order : int array (trials, length)
        The key written at each step (``length`` = ``n_keys``, or ``2 n_keys`` in
        setting 2).
    written : int array (trials, length)
        The value written at each step.
    targets : int array (trials, n_keys)
        The value each key must return (the last one written).
    """
    trials = check_int("trials", trials, minimum=1, maximum=10**6)
    n_keys = check_int("n_keys", n_keys, minimum=1, maximum=MAX_KEYS)
    dim_key = check_int("dim_key", dim_key, minimum=1, maximum=4096)
    setting = check_int("setting", setting, minimum=1, maximum=2)
    rng = as_generator(rng)
    keys = rng.standard_normal((trials, n_keys, dim_key))
    first = np.argsort(rng.random((trials, n_keys)), axis=-1)
    values = np.argsort(rng.random((trials, n_keys)), axis=-1)
    if setting == 1:
        return keys, first, np.take_along_axis(values, first, axis=-1), values
    shift = rng.integers(1, max(n_keys, 2), size=(trials, 1))
    new = (values + shift) % n_keys
    second = np.argsort(rng.random((trials, n_keys)), axis=-1)
    order = np.concatenate([first, second], axis=-1)
    written = np.concatenate(
        [np.take_along_axis(values, first, axis=-1), np.take_along_axis(new, second, axis=-1)],
        axis=-1,
    )
    return keys, order, written, new


def _unit_features(keys, name):
    phi = feature_map(keys, name)
    return phi / np.linalg.norm(phi, axis=-1, keepdims=True)


def task_loss(
    n_keys: int,
    *,
    feature_map_name: str = "identity",
    rule: str = "sum",
    setting: int = 1,
    dim_key: int = 64,
    trials: int = 10,
    learning_rate: float = 1.0,
    passes: int = 1,
    seed=None,
) -> TaskResult:
    """Write the task's sequence with a rule, query every key, return the loss.

    Parameters
    ----------
    n_keys : int
        ``S``, distinct keys (and values), ``1 <= n_keys <= 4096``.
    feature_map_name : str
        One of :data:`hebbian.attention.layers.FEATURE_MAPS`.
    rule : {"sum", "delta", "lsq"}
    setting : {1, 2}
    dim_key : int
        Key dimension, ``1 <= dim_key <= 4096`` (64 in the paper).
    trials : int
        Independent sequences, ``1 <= trials <= 10**6``.
    learning_rate : float
        :math:`\\eta` of the delta rule, ``0 < learning_rate <= 2``.
    passes : int
        Passes of the delta rule over the sequence, ``1 <= passes <= 10**4``.
    seed : int, Generator or None

    Returns
    -------
    TaskResult
    """
    n_keys = check_int("n_keys", n_keys, minimum=1, maximum=MAX_KEYS)
    check_choice("feature_map", feature_map_name, FEATURE_MAPS)
    check_choice("rule", rule, TASK_RULES)
    setting = check_int("setting", setting, minimum=1, maximum=2)
    dim_key = check_int("dim_key", dim_key, minimum=1, maximum=4096)
    trials = check_int("trials", trials, minimum=1, maximum=10**6)
    learning_rate = check_real("learning_rate", learning_rate, minimum=0.0, maximum=2.0,
                               include_minimum=False)  # fmt: skip
    passes = check_int("passes", passes, minimum=1, maximum=10**4)
    rng = as_generator(seed)
    d_dot = feature_dimension(feature_map_name, dim_key)
    chunk = max(1, min(trials, (1 << 22) // (n_keys * max(d_dot, n_keys))))
    losses, correct, done = [], 0, 0
    eye = np.eye(n_keys)
    while done < trials:
        size = min(chunk, trials - done)
        keys, order, written, targets = task_sequence(size, n_keys, dim_key, setting, rng)
        phi = _unit_features(keys, feature_map_name)
        sequence = np.take_along_axis(phi, order[..., None], axis=1)
        values = eye[written]
        if rule == "sum":
            memory = linear_attention(sequence, values)
        elif rule == "delta":
            memory = delta_rule(sequence, values, learning_rate=learning_rate, passes=passes)
        else:
            memory = least_squares(sequence, values)
        reads = phi @ memory.swapaxes(-1, -2)
        error = reads - eye[targets]
        losses.append(0.5 * np.mean(np.sum(error * error, axis=-1), axis=-1))
        correct += int(np.sum(np.argmax(reads, axis=-1) == targets))
        done += size
    per_trial = np.concatenate(losses)
    stderr = float(per_trial.std(ddof=1) / math.sqrt(trials)) if trials > 1 else float("nan")
    return TaskResult(
        rule=rule,
        feature_map=feature_map_name,
        setting=setting,
        n_keys=n_keys,
        dim_key=dim_key,
        d_dot=d_dot,
        trials=trials,
        loss=float(per_trial.mean()),
        loss_stderr=stderr,
        accuracy=correct / (trials * n_keys),
    )
