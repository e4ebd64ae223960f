"""``hebbian solve ...``: the replica-symmetric theory from the command line."""

from __future__ import annotations

import json

import click

from hebbian.cli._app import _bad, _finite_list, _json_number, _number_or_none, _one_line, main


@main.group(short_help="Replica-symmetric theory.", invoke_without_command=True)
@click.pass_context
def solve(ctx):
    """Replica-symmetric theory from the command line."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@solve.command("hopfield", short_help="RS branches of the Hopfield model at (alpha, T).")
@click.option("--alpha", type=float, required=True, help="Load alpha >= 0.")
@click.option("--temperature", type=float, required=True, help="Temperature T >= 0.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError)
def solve_hopfield(alpha, temperature, as_json):
    """Every RS branch of the Hopfield model that exists at (alpha, T): m, q, r, f.

    \b
    Example:
      hebbian solve hopfield --alpha 0.05 --temperature 0.3 --json
    """
    from hebbian._validation import check_real
    from hebbian.theory import solve_hopfield as solve_branch

    check_real("--alpha", alpha, minimum=0.0)
    check_real("--temperature", temperature, minimum=0.0)
    branches = []
    for branch in ("retrieval", "spin_glass", "paramagnet"):
        sol = solve_branch(alpha, temperature, branch=branch)
        if bool(sol.converged):
            values = {key: _json_number(getattr(sol, key)) for key in ("m", "q", "r", "f")}
            branches.append({"branch": branch, **values, "converged": True})
    if as_json:
        click.echo(json.dumps({"alpha": alpha, "temperature": temperature, "branches": branches}))
        return
    click.echo(f"Hopfield RS solutions at alpha = {alpha:g}, T = {temperature:g}")
    click.echo(f"{'branch':<12}" + "".join(f"{c:>13}" for c in ("m", "q", "r", "f")))
    for b in branches:
        cells = ["-" if b[key] is None else f"{b[key]:.6g}" for key in ("m", "q", "r", "f")]
        click.echo(f"{b['branch']:<12}" + "".join(f"{c:>13}" for c in cells))


@solve.command("hopfield-lines", short_help="AGS lines T_g, T_M, T_c, T_AT on loads.")
@click.option(
    "--alphas", default="0.01,0.02,0.05,0.1,0.13", show_default=True, help="Comma-separated loads."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def solve_hopfield_lines(alphas, as_json):
    """Compute the AGS lines T_g, T_M, T_c and T_AT on a list of loads (null: absent).

    \b
    Example:
      hebbian solve hopfield-lines --alphas 0.01,0.05,0.1 --json
    """
    values = _finite_list(alphas, "--alphas")
    import numpy as np

    from hebbian.theory import phase_lines

    lines = phase_lines(values)
    data = {
        "alpha": values,
        "T_g": [_json_number(x) for x in np.atleast_1d(lines.freezing)],
        "T_M": [_json_number(x) for x in np.atleast_1d(lines.retrieval_spinodal)],
        "T_c": [_json_number(x) for x in np.atleast_1d(lines.retrieval_transition)],
        "T_AT": [_json_number(x) for x in np.atleast_1d(lines.almeida_thouless)],
    }
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(f"{'alpha':<10}{'T_g':>10}{'T_M':>10}{'T_c':>10}{'T_AT':>10}")
    for row in zip(*data.values()):
        cells = ["-" if x is None else f"{x:.5f}" for x in row[1:]]
        click.echo(f"{row[0]:<10g}" + "".join(f"{c:>10}" for c in cells))


_PATTERNS = click.option(
    "--patterns", "n_patterns", type=int, required=True, help="Number of patterns K (1-10)."
)
_DILUTION = click.option(
    "--dilution", type=float, required=True, help="Fraction d of blank entries, in [0, 1)."
)
_NORMALIZED = click.option(
    "--normalized", is_flag=True, help="Divide H by 1 - d, so that T_c = 1 (default: T_c = 1 - d)."
)


@solve.command("multitasking", short_help="Low-load states of the multitasking network.")
@_PATTERNS
@_DILUTION
@click.option("--temperature", type=float, required=True, help="Temperature T >= 0.")
@_NORMALIZED
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError)
def solve_multitasking(n_patterns, dilution, temperature, normalized, as_json):
    """List every low-load state of a network with diluted patterns at (K, d, T), lowest f first.

    Pure, hierarchical (cascade), parallel (symmetric) and mixture states with their
    overlaps m, free energy f, and stability (Agliari et al., PRL 109, 268101 (2012)).

    \b
    Example:
      hebbian solve multitasking --patterns 3 --dilution 0.3 --temperature 0.1 --json
    """
    from hebbian.theory import multitasking_states

    states = multitasking_states(n_patterns, dilution, temperature, normalized=normalized)
    rows = [
        {
            "state": str(s.name),
            "m": [_json_number(x) for x in s.overlaps],
            "f": _json_number(s.free_energy),
            "stable": bool(s.stable),
            "converged": bool(s.converged),
        }
        for s in states
    ]
    if as_json:
        click.echo(
            json.dumps(
                {"K": n_patterns, "dilution": dilution, "temperature": temperature, "states": rows}
            )
        )
        return
    click.echo(f"multitasking states at K = {n_patterns}, d = {dilution:g}, T = {temperature:g}")
    for r in rows:
        m = ", ".join(f"{x:.4f}" for x in r["m"])
        click.echo(
            f"  {r['state']:<13} f = {r['f']:.6f}  {'stable  ' if r['stable'] else 'unstable'}"
            f"  m = ({m})"
        )


@solve.command("multitasking-thresholds", short_help="Dilution thresholds d_c(K) and d*(K).")
@_PATTERNS
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError)
def solve_multitasking_thresholds(n_patterns, as_json):
    """Compute the dilution thresholds of the multitasking network with K patterns.

    d_c: the T = 0 cascade m_k = (1 - d) d^(k-1) is a fixed point iff d < d_c
    (d + ... + d^(K-1) < 1). d_star: the parallel state is stable just below T_c iff
    d > d_star; d_star_any: the dilution above which it is stable at some temperature.

    \b
    Example:
      hebbian solve multitasking-thresholds --patterns 3 --json
    """
    from hebbian.theory import hierarchical_threshold_dilution, parallel_threshold_dilution

    data = {
        "K": n_patterns,
        "d_c": _json_number(hierarchical_threshold_dilution(n_patterns)),
        "d_star": _json_number(parallel_threshold_dilution(n_patterns, window="critical")),
        "d_star_any": _json_number(parallel_threshold_dilution(n_patterns, window="any")),
    }
    if as_json:
        click.echo(json.dumps(data))
        return
    click.echo(f"K = {n_patterns}")
    click.echo(f"  d_c         {data['d_c']:.6f}   cascade is a T = 0 fixed point below")
    click.echo(f"  d_star      {data['d_star']:.6f}   parallel state stable just below T_c above")
    click.echo(f"  d_star_any  {data['d_star_any']:.6f}   parallel state stable at some T above")


@solve.command("multitasking-window", short_help="Where the parallel state is stable in T.")
@_PATTERNS
@_DILUTION
@_NORMALIZED
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError)
def solve_multitasking_window(n_patterns, dilution, normalized, as_json):
    """Find the temperatures where the parallel (symmetric) state is stable at (K, d).

    T_p is the lower end of the interval that ends at T_c (null when the parallel state
    is unstable just below T_c); stable_intervals lists every interval.

    \b
    Example:
      hebbian solve multitasking-window --patterns 2 --dilution 0.8 --json
    """
    from hebbian.theory import (
        critical_temperature,
        parallel_onset_temperature,
        parallel_stability_intervals,
    )

    intervals = parallel_stability_intervals(n_patterns, dilution, normalized=normalized)
    data = {
        "K": n_patterns,
        "dilution": dilution,
        "T_p": _number_or_none(
            parallel_onset_temperature(n_patterns, dilution, normalized=normalized)
        ),
        "T_c": _json_number(critical_temperature(dilution, normalized=normalized)),
        "stable_intervals": [[float(lo), float(hi)] for lo, hi in intervals],
    }
    if as_json:
        click.echo(json.dumps(data))
        return
    t_p = "none (unstable just below T_c)" if data["T_p"] is None else f"{data['T_p']:.6f}"
    click.echo(f"K = {n_patterns}, d = {dilution:g}: T_c = {data['T_c']:.6f}, T_p = {t_p}")
    for lo, hi in data["stable_intervals"]:
        click.echo(f"  stable for {lo:.6f} < T < {hi:.6f}")


_ORDER = click.option("--p", "p", type=int, required=True, help="Interaction order p (2-20).")
_RHO = click.option(
    "--rho", type=float, default=None, help="Dataset entropy rho >= 0 (needs --learning)."
)
_LEARNING = click.option(
    "--learning",
    type=click.Choice(["supervised", "unsupervised"]),
    default=None,
    help="Learn archetypes from examples (default: store the patterns).",
)
_DENSE_FLAGS = {"p": "--p", "alpha": "--alpha", "temperature": "--temperature", "rho": "--rho",
                "n_examples": "--examples"}  # fmt: skip


def _learning_settings(rho, learning):
    """Check that --rho and --learning come together; return rho (0 for pure storage)."""
    if rho is not None and learning is None:
        raise _bad("--rho needs --learning supervised|unsupervised")
    if learning is not None and rho is None:
        raise _bad("--learning needs --rho (the dataset entropy)")
    return rho


@solve.command("dense", short_help="RS branches of a dense (p-body) network at (alpha, T).")
@_ORDER
@click.option("--alpha", type=float, required=True, help="Load alpha = K / N^(p-1) >= 0.")
@click.option("--temperature", type=float, required=True, help="Temperature T >= 0.")
@_RHO
@_LEARNING
@click.option(
    "--examples",
    "n_examples",
    type=int,
    default=None,
    help="Examples per archetype M (exact binomial mode; default: large M).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, flags=_DENSE_FLAGS)
def solve_dense(p, alpha, temperature, rho, learning, n_examples, as_json):
    """Every RS branch of the p-spin Hopfield model at (alpha, T), or its learning state.

    Storage (H = -(N/p!) sum_k m_k^p, K = alpha N^(p-1)): retrieval, spin glass and
    paramagnet with m, q, f (p = 2 is the AGS model). With --rho and --learning: the
    retrieval state of a network trained on examples, with the archetype overlap m and
    the example overlap n (at alpha > 0 only the supervised theory exists).

    \b
    Examples:
      hebbian solve dense --p 3 --alpha 0.05 --temperature 0.1 --json
      hebbian solve dense --p 3 --alpha 0 --temperature 0 --rho 0.5 --learning supervised
    """
    from hebbian.theory import solve_dense as solve_branch
    from hebbian.theory import solve_dense_learning

    rho = _learning_settings(rho, learning)
    if n_examples is not None and learning is None:
        raise _bad("--examples needs --learning and --rho")
    branches = []
    if learning is None:
        for branch in ("retrieval", "spin_glass", "paramagnet"):
            sol = solve_branch(p, alpha, temperature, branch=branch)
            if bool(sol.converged):
                values = {key: _json_number(getattr(sol, key)) for key in ("m", "q", "f")}
                branches.append({"branch": branch, **values, "n": None, "converged": True})
    else:
        sol = solve_dense_learning(
            p, rho, temperature, alpha=alpha, learning=learning, n_examples=n_examples
        )
        if bool(sol.converged):
            values = {key: _json_number(getattr(sol, key)) for key in ("m", "n", "q")}
            branches.append({"branch": "retrieval", **values, "f": None, "converged": True})
    data = {
        "p": p,
        "alpha": alpha,
        "temperature": temperature,
        "rho": rho,
        "learning": learning,
        "n_examples": n_examples,
        "branches": [
            {k: b[k] for k in ("branch", "m", "n", "q", "f", "converged")} for b in branches
        ],  # fmt: skip
    }
    if as_json:
        click.echo(json.dumps(data))
        return
    what = "storage" if learning is None else f"{learning} learning, rho = {rho:g}"
    click.echo(f"dense p = {p} at alpha = {alpha:g}, T = {temperature:g} ({what})")
    if not branches:
        click.echo("  no retrieval state")
    for b in data["branches"]:
        cells = "  ".join(
            f"{key} = {'-' if b[key] is None else f'{b[key]:.6g}'}" for key in ("m", "n", "q", "f")
        )
        click.echo(f"  {b['branch']:<11} {cells}")


@solve.command("dense-capacity", short_help="Critical load alpha_c of a dense network at T = 0.")
@_ORDER
@_RHO
@_LEARNING
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, flags=_DENSE_FLAGS)
def solve_dense_capacity(p, rho, learning, as_json):
    """Compute the RS critical load alpha_c (K = alpha_c N^(p-1)) at T = 0 and m there.

    Storage: alpha_c(3) = 0.1261 (m = 0.8385), p = 2 gives AGS 0.1379. With --rho and
    --learning supervised: the largest load at which a network trained on examples of
    dataset entropy rho still retrieves the archetypes.

    \b
    Examples:
      hebbian solve dense-capacity --p 3 --json
      hebbian solve dense-capacity --p 2 --rho 0.05 --learning supervised --json
    """
    from hebbian.theory import (
        dense_critical_capacity,
        dense_learning_capacity,
        solve_dense_learning,
    )

    rho = _learning_settings(rho, learning)
    if learning == "unsupervised":
        raise _bad(
            "--learning unsupervised: the high-load theory of the unsupervised rule is not "
            "derived here; use supervised"
        )
    if learning is None:
        cap = dense_critical_capacity(p)
        alpha_c, m = cap.alpha_c, cap.m
    else:
        alpha_c = float(dense_learning_capacity(p, rho))
        m = float(solve_dense_learning(p, rho, 0.0, alpha=alpha_c * (1 - 1e-9)).m)
    data = {"p": p, "rho": rho, "learning": learning, "alpha_c": _json_number(alpha_c),
            "m": _json_number(m)}  # fmt: skip
    if as_json:
        click.echo(json.dumps(data))
        return
    what = "storage" if learning is None else f"supervised learning, rho = {rho:g}"
    click.echo(f"dense p = {p} ({what}): alpha_c = {alpha_c:.6f}, m(alpha_c) = {m:.6f}")


@solve.command("gardner", short_help="Gardner's optimal capacity alpha_c(kappa, m).")
@click.option("--kappa", type=float, default=0.0, show_default=True,
              help="Stability kappa, in [-10, 10].")  # fmt: skip
@click.option("--magnetization", type=float, default=0.0, show_default=True,
              help="Pattern magnetization m, in (-1, 1).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_one_line(ValueError, flags={"kappa": "--kappa", "magnetization": "--magnetization"})
def solve_gardner(kappa, magnetization, as_json):
    """Compute the largest load alpha_c = K/N at which K patterns all have stability kappa.

    Gardner's volume (J. Phys. A 21, 257 (1988)): alpha_c(0) = 2 for unbiased patterns;
    with --magnetization m the patterns are biased, and alpha_c grows as |m| -> 1. This
    is the capacity of the best couplings (the measure: every pattern a fixed point
    with margin kappa), which the Krauth-Mezard and Gardner rules approach.

    \b
    Examples:
      hebbian solve gardner --kappa 0 --json
      hebbian solve gardner --kappa 0.5 --magnetization 0.4
    """
    from hebbian.theory import gardner_capacity

    alpha_c = float(gardner_capacity(kappa, magnetization))
    if as_json:
        click.echo(json.dumps({"kappa": kappa, "magnetization": magnetization,
                               "alpha_c": _json_number(alpha_c)}))  # fmt: skip
        return
    click.echo(f"Gardner: kappa = {kappa:g}, m = {magnetization:g}: alpha_c = {alpha_c:.6f}")
