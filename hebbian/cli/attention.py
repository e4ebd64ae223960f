"""``hebbian attention ...``: attention layers as associative memories, from the command line."""

from __future__ import annotations

import json

import click

from hebbian.cli._app import _json_number, _one_line, main

#: The rules of ``hebbian attention capacity`` (those of hebbian.attention.capacity.RULES).
_RULES = ("hebbian", "delta", "lsq", "softmax", "softmax1", "dense", "dense-exp", "sdm")
_FEATURE_MAPS = ("identity", "elu1", "dpfp1", "dpfp2", "dpfp3")
_CAPACITY_FLAGS = {"dim": "--dim", "n_pairs": "--pairs", "beta": "--beta",
                   "order": "--order", "trials": "--trials", "passes": "--passes",
                   "n_locations": "--locations", "radius": "--radius"}  # fmt: skip


@main.group(short_help="Attention layers as associative memories.", invoke_without_command=True)
@click.pass_context
def attention(ctx):
    """Attention layers (softmax, linear, delta rule, dense) as associative memories."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@attention.command("capacity", short_help="Retrieval error and WTA accuracy of one layer.")
@click.option("--rule", type=click.Choice(_RULES), required=True, help="The layer.")
@click.option("--dim", type=int, required=True, help="Key and value dimension, 2 to 4096.")
@click.option("--pairs", "n_pairs", type=int, required=True,
              help="Stored pairs, 1 to 16384.")  # fmt: skip
@click.option("--beta", type=float, default=8.0, show_default=True,
              help="Inverse temperature of softmax, softmax1, dense-exp: 0 to 700.")  # fmt: skip
@click.option("--feature-map", "feature_map_name", type=click.Choice(_FEATURE_MAPS),
              default="identity", show_default=True,
              help="Feature map of hebbian, delta and lsq.")  # fmt: skip
@click.option("--order", type=int, default=3, show_default=True,
              help="Interaction order p of dense, 2 to 12.")  # fmt: skip
@click.option("--passes", type=int, default=1, show_default=True,
              help="Passes of the delta rule over the pairs.")  # fmt: skip
@click.option("--locations", "n_locations", type=int, default=16384, show_default=True,
              help="Hard locations of sdm, 1 to 2^20.")  # fmt: skip
@click.option("--radius", type=int, default=None,
              help="Hamming radius of sdm (default: the SNR-optimal one).")  # fmt: skip
@click.option("--trials", type=int, default=100, show_default=True,
              help="Independent memories, 2 to 1e6.")  # fmt: skip
@click.option("--seed", type=int, default=None, help="Seed >= 0.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, flags=_CAPACITY_FLAGS)
def attention_capacity(rule, dim, n_pairs, beta, feature_map_name, order, passes, n_locations,
                       radius, trials, seed, as_json):  # fmt: skip
    """Store random pairs in one layer and read every key back.

    Keys uniform on the unit sphere of dimension d, values of d random +-1 components,
    every stored key used as the query. rel_err is the mean of |v_hat - v|^2 / |v|^2;
    wta_accuracy the fraction of reads whose nearest stored value is the right one.
    Rules: hebbian (sum rule, W = sum v phi(k)^T), delta (the delta rule, --passes
    passes; one by default), lsq (least squares, the converged delta rule), softmax
    and softmax1 (softmax attention at --beta, Softmax1 with a null slot), dense
    (sum_mu v_mu (k_mu . q)^(p-1), Krotov-Hopfield order p), dense-exp
    (sum_mu v_mu exp(beta (k_mu . q - 1)), Demircigil et al.'s exponential), sdm (Kanerva's sparse
    distributed memory: binary keys of d bits, --locations hard locations, --radius;
    the read normalised by the shared locations, Bricken and Pehlevan 2021; the
    default radius makes the activation probability (2 N r)^(-1/3)). rel_err_theory:
    (N-1)/d (hebbian), max(0, 1-d/N) (lsq), (N-1)<s^(2(p-1))> (dense),
    (N-1) e^(-2 beta) <e^(2 beta s)> (dense-exp), the mean field
    (softmax, softmax1); null where no formula applies (delta, sdm, other feature maps).

    \b
    Example:
      hebbian attention capacity --rule hebbian --dim 64 --pairs 128 --json
    """
    from hebbian._validation import check_int, check_real
    from hebbian.attention import retrieval_trials
    from hebbian.theory.attention import relative_error

    if seed is not None:
        check_int("--seed", seed, minimum=0, maximum=2**63 - 1)
    check_int("trials", trials, minimum=2, maximum=10**6)
    check_real("beta", beta, minimum=0.0, maximum=700.0)
    if rule == "sdm":
        from hebbian.theory.sdm import snr_optimal_radius

        check_int("--locations", n_locations, minimum=1, maximum=2**20)
        check_int("--dim", dim, minimum=2, maximum=4096)
        check_int("--pairs", n_pairs, minimum=1, maximum=16384)
        if radius is None:
            radius = int(snr_optimal_radius(dim, n_pairs, n_locations))
    result = retrieval_trials(rule, dim, n_pairs, trials=trials, beta=beta,
                              feature_map_name=feature_map_name, order=order, passes=passes,
                              n_locations=n_locations, radius=radius, seed=seed)  # fmt: skip
    theory = relative_error(rule, dim, n_pairs, beta=beta, feature_map_name=feature_map_name,
                            order=order, passes=passes)  # fmt: skip
    data = {"rule": rule, "dim": dim, "pairs": n_pairs, "beta": beta,
            "rel_err": _json_number(result.rel_err),
            "wta_accuracy": _json_number(result.wta_accuracy),
            "rel_err_theory": None if theory is None else _json_number(theory),
            "rel_err_stderr": _json_number(result.rel_err_stderr), "trials": trials,
            "feature_map": feature_map_name, "order": order, "passes": passes}  # fmt: skip
    if rule == "sdm":
        data.update(locations=n_locations, radius=radius)
    if as_json:
        click.echo(json.dumps(data))
        return
    predicted = "no formula" if theory is None else f"theory {theory:.4g}"
    click.echo(
        f"{rule}, d = {dim}, N = {n_pairs}, {trials} memories: relative error "
        f"{result.rel_err:.4g} +- {result.rel_err_stderr:.2g} ({predicted}), "
        f"WTA accuracy {result.wta_accuracy:.4f}"
    )


_SCALING_FLAGS = {"dim": "--dim", "n_tokens": "--tokens", "n_labels": "--labels",
                  "zipf_exponent": "--zipf-exponent", "top": "--top",
                  "n_samples": "--samples", "trials": "--trials"}  # fmt: skip


@attention.command("scaling", short_help="Error of the Zipf associative memory (scaling laws).")
@click.option("--dim", type=int, required=True, help="Embedding dimension d.")
@click.option("--scheme", type=click.Choice(("frequency", "top", "uniform")),
              default="frequency", show_default=True, help="What the memory stores.")  # fmt: skip
@click.option("--zipf-exponent", type=float, default=2.0, show_default=True,
              help="Zipf exponent alpha of the token frequencies, > 1.")  # fmt: skip
@click.option("--tokens", "n_tokens", type=int, default=1000, show_default=True,
              help="Tokens N.")  # fmt: skip
@click.option("--labels", "n_labels", type=int, default=5, show_default=True,
              help="Labels M (f*(x) = x mod M).")  # fmt: skip
@click.option("--top", type=int, default=None,
              help="Stored tokens of --scheme top (default: d/8, at least 1).")  # fmt: skip
@click.option("--samples", "n_samples", type=int, default=None,
              help="Training samples T (default: the exact frequencies).")  # fmt: skip
@click.option("--trials", type=int, default=100, show_default=True, help="Embedding draws.")
@click.option("--seed", type=int, default=None, help="Seed >= 0.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, flags=_SCALING_FLAGS)
def attention_scaling(dim, scheme, zipf_exponent, n_tokens, n_labels, top, n_samples, trials,
                      seed, as_json):  # fmt: skip
    """Store Zipf-distributed tokens in a one-layer memory and measure its error.

    Cabannes, Dohmatob, Bietti (ICLR 2024): tokens x with p(x) ~ (x+1)^(-alpha),
    labels x mod M, random embeddings e_x ~ N(0, I/d) and u_y on the sphere, the memory
    W = sum_x q(x) e_x u_{f(x)}^T read by argmax_y e_x^T W u_y; the error is the
    probability of a wrong label. q: the frequencies (frequency), 1 on the --top most
    frequent tokens (top), 1 on every token (uniform); with --samples T, counted from T
    draws. Predicted slopes: E ~ d^(-(alpha-1)/(2 alpha)) (frequency), d^(-(alpha-1))
    (top with top ~ d), T^(-(1-1/alpha)) in the samples.

    \b
    Example:
      hebbian attention scaling --dim 200 --scheme top --json
    """
    from hebbian._validation import check_int
    from hebbian.attention.scaling import memory_error
    from hebbian.theory.scaling_laws import (
        frequency_dim_exponent,
        samples_exponent,
        top_dim_exponent,
    )

    if seed is not None:
        check_int("--seed", seed, minimum=0, maximum=2**63 - 1)
    check_int("dim", dim, minimum=1, maximum=100_000)
    if scheme == "top" and top is None:
        top = max(1, dim // 8)
    result = memory_error(dim, n_tokens=n_tokens, n_labels=n_labels,
                          zipf_exponent=zipf_exponent, scheme=scheme,
                          top=top if scheme == "top" else None, n_samples=n_samples,
                          trials=trials, seed=seed)  # fmt: skip
    dim_exponent = {"frequency": frequency_dim_exponent, "top": top_dim_exponent}.get(scheme)
    data = {"dim": dim, "scheme": scheme, "zipf_exponent": zipf_exponent,
            "tokens": n_tokens, "labels": n_labels,
            "top": top if scheme == "top" else None, "samples": n_samples,
            "trials": trials, "error": _json_number(result.mean),
            "error_stderr": _json_number(result.stderr),
            "dim_exponent_theory": (None if dim_exponent is None
                                    else _json_number(dim_exponent(zipf_exponent))),
            "samples_exponent_theory": _json_number(samples_exponent(zipf_exponent))}  # fmt: skip
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(f"{scheme} storage, d = {dim}, alpha = {zipf_exponent:g}: error "
               f"{result.mean:.4g} +- {result.stderr:.2g} over {trials} draws")  # fmt: skip
