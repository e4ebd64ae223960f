"""Experiment configurations: TOML files, validated into frozen dataclasses.

A configuration names an experiment *kind* (a registered module of
:mod:`hebbian.experiments`) and gives its parameters at two sizes, ``quick`` and
``full``, plus the published values it should reproduce (``[expected]``). Validation
happens before anything runs: unknown tables or keys (with a did-you-mean
suggestion), wrong types and out-of-range values raise :class:`ConfigError`, a
:class:`ValueError` whose message is one line.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from hebbian.experiments.errors import ConfigError, check_keys, suggest
from hebbian.experiments.registry import get_kind

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "ConfigError",
    "Expected",
    "ExperimentConfig",
    "available_configs",
    "load_config",
    "parse_override",
]

_EXPERIMENT_KEYS = ("name", "kind", "title", "reference", "description", "seed")
_TABLES = ("experiment", "quick", "full", "expected")


@dataclass(frozen=True)
class Expected:
    """A published value to reproduce: ``|obtained - value| <= tolerance``."""

    value: float
    tolerance: float
    source: str


@dataclass(frozen=True)
class ExperimentConfig:
    """A validated experiment configuration.

    Attributes
    ----------
    name, kind, title, reference, description : str
    seed : int
        Root of every random draw of the run (one child seed per grid point).
    quick, full : dict
        Parameters of the kind at the two sizes (validated by the kind).
    expected : dict of str to Expected
    source : str
        The TOML text, stored with results for provenance.
    """

    name: str
    kind: str
    title: str
    reference: str
    description: str
    seed: int
    quick: dict
    full: dict
    expected: dict
    source: str

    def parameters(self, *, quick: bool) -> dict:
        """Return the parameter table of the chosen size (a copy)."""
        return dict(self.quick if quick else self.full)

    def to_json(self) -> str:
        """Serialise the configuration as JSON (for NetCDF attributes)."""
        d = dataclasses.asdict(self)
        d.pop("source")
        return json.dumps(d)


def available_configs() -> dict[str, Path]:
    """Available configurations: name -> path.

    In a source checkout (and an editable install) they are the top-level
    ``experiments/*.toml`` beside the package; a regular install carries them as the
    data package ``hebbian.configs``.

    Raises
    ------
    ConfigError
        When no configuration is found (a broken installation).
    """
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "experiments").is_dir():
        paths = list((root / "experiments").glob("*.toml"))
    else:
        try:  # a namespace package: iterate it (its str() is not a path)
            paths = [Path(str(p)) for p in resources.files("hebbian.configs").iterdir()]
        except ModuleNotFoundError:  # pragma: no cover - broken installation
            paths = []
    found = {p.stem: p for p in sorted(paths) if p.suffix == ".toml"}
    if not found:
        raise ConfigError("no experiment configurations are installed (hebbian.configs)")
    return found


def load_config(name_or_path: str | Path) -> ExperimentConfig:
    """Load and validate a configuration by installed name or by path.

    Raises
    ------
    ConfigError
        Unknown name, unreadable file, malformed TOML or invalid content.
    """
    text_path = Path(name_or_path)
    if str(name_or_path).endswith(".toml"):
        path = text_path
        if not path.is_file():
            raise ConfigError(f"configuration file {str(path)!r} does not exist")
    else:
        configs = available_configs()
        if str(name_or_path) not in configs:
            raise ConfigError(
                f"unknown experiment {str(name_or_path)!r}"
                f"{suggest(str(name_or_path), configs)}; see 'hebbian list'"
            )
        path = configs[str(name_or_path)]
    try:
        source = path.read_text()
        raw = tomllib.loads(source)
    except OSError as exc:
        raise ConfigError(f"cannot read {str(path)!r}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"malformed TOML in {str(path)!r}: {exc}") from None
    return _validate(raw, source=source, stem=path.stem)


def _validate(raw: dict, *, source: str, stem: str) -> ExperimentConfig:
    check_keys("the configuration", raw, _TABLES)
    for table in _TABLES:
        if table not in raw or not isinstance(raw[table], dict):
            raise ConfigError(f"the configuration needs a [{table}] table")
    exp = raw["experiment"]
    check_keys("[experiment]", exp, _EXPERIMENT_KEYS)
    for key in _EXPERIMENT_KEYS:
        if key not in exp:
            raise ConfigError(f"[experiment] needs the key {key!r}")
    for key in ("name", "kind", "title", "reference", "description"):
        if not isinstance(exp[key], str) or not exp[key]:
            raise ConfigError(f"[experiment] {key} must be a non-empty string")
    if exp["name"] != stem:
        raise ConfigError(f"[experiment] name {exp['name']!r} must equal the file name {stem!r}")
    if not isinstance(exp["seed"], int) or exp["seed"] < 0:
        raise ConfigError(f"[experiment] seed must be a non-negative integer, got {exp['seed']!r}")
    kind = get_kind(exp["kind"])
    quick = kind.validate(dict(raw["quick"]), where="[quick]")
    full = kind.validate(dict(raw["full"]), where="[full]")
    expected = {}
    for key, entry in raw["expected"].items():
        if key not in kind.obtained_quantities:
            raise ConfigError(
                f"unknown quantity {key!r} in [expected]"
                f"{suggest(key, kind.obtained_quantities)}; "
                f"the kind {kind.name!r} obtains: {', '.join(kind.obtained_quantities)}"
            )
        if not isinstance(entry, dict):
            raise ConfigError(f"[expected] {key} must be a table {{value, tolerance, source}}")
        check_keys(f"[expected] {key}", entry, ("value", "tolerance", "source"))
        try:
            value, tol, src = (
                float(entry["value"]),
                float(entry["tolerance"]),
                str(entry["source"]),
            )
        except (KeyError, TypeError, ValueError):
            raise ConfigError(
                f"[expected] {key} needs numbers 'value' and 'tolerance' and a 'source'"
            ) from None
        if not tol > 0:
            raise ConfigError(f"[expected] {key} tolerance must be > 0, got {tol:g}")
        expected[key] = Expected(value=value, tolerance=tol, source=src)
    return ExperimentConfig(
        name=exp["name"],
        kind=exp["kind"],
        title=exp["title"],
        reference=exp["reference"],
        description=exp["description"],
        seed=exp["seed"],
        quick=quick,
        full=full,
        expected=expected,
        source=source,
    )


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``key=value`` (the value in TOML syntax; bare words are strings)."""
    if "=" not in text:
        raise ConfigError(f"--set expects key=value, got {text!r}")
    key, value = (part.strip() for part in text.split("=", 1))
    if not key:
        raise ConfigError(f"--set expects key=value, got {text!r}")
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value
    return key, parsed
