"""The ``hebbian`` group and what its commands share.

The group turns usage errors into one line and an exit status (2 for bad input, 1 for a
missed published value, 130 for Ctrl-C); :func:`_one_line` maps the API's one-line
``ValueError`` messages to the command's flags; :func:`_output` applies the one rule of
output paths; :func:`_json_number` writes NaN and infinities as JSON null.
"""

from __future__ import annotations

import functools
import sys

import click

from hebbian._version import __version__

__all__ = ["main"]

_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Interrupted(click.ClickException):
    """Ctrl-C: exit status 130 with a line that says what was kept."""

    exit_code = 130


class _HebbianGroup(click.Group):
    """A click group that reports usage errors as one line and exits with status 2."""

    def main(self, args=None, prog_name=None, **extra):
        try:
            rv = super().main(
                args=args, prog_name=prog_name or "hebbian", standalone_mode=False, **extra
            )
        except click.UsageError as exc:
            click.echo(f"hebbian: error: {exc.format_message()}", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("hebbian: aborted", err=True)
            sys.exit(130)
        except click.ClickException as exc:
            prefix = "" if isinstance(exc, Interrupted) else "error: "
            click.echo(f"hebbian: {prefix}{exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=_HebbianGroup, context_settings=_CONTEXT, invoke_without_command=True)
@click.version_option(__version__, prog_name="hebbian")
@click.pass_context
def main(ctx) -> None:
    """Statistical mechanics of associative memories.

    \b
    Examples:
      hebbian simulate --neurons 2000 --alpha 0.1 --temperature 0 --cue-noise 0.1
      hebbian reproduce --quick
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _bad(message: str) -> click.UsageError:
    return click.UsageError(message)


def _one_line(*errors, flags: dict[str, str] | None = None):
    """Turn the listed exception types raised by the body into one-line usage errors.

    ``flags`` maps the API's parameter names to the command's options, so that a
    message names what the user typed (``n_sweeps must be ...`` -> ``--sweeps must ...``).
    """

    def decorate(body):
        @functools.wraps(body)
        def wrapped(*args, **kwargs):
            try:
                return body(*args, **kwargs)
            except errors as exc:
                message = str(exc)
                name = message.split(" ", 1)[0]
                if flags and name in flags and message.startswith(f"{name} must "):
                    message = flags[name] + message[len(name) :]
                raise _bad(message) from None

        return wrapped

    return decorate


def _output(out, *, default_name: str, extensions, force: bool):
    from hebbian.io import output_path

    try:
        return output_path(out, default_name=default_name, extensions=extensions, force=force)
    except ValueError as exc:
        raise _bad(str(exc)) from None


_FORCE = click.option("--force", is_flag=True, help="Replace an existing output file.")


def _finite_list(text: str, name: str) -> list[float]:
    from hebbian._validation import check_real

    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise _bad(f"{name} must be a comma-separated list of numbers, got {text!r}") from None
    if not values:
        raise _bad(f"{name} must list at least one number, got {text!r}")
    try:
        return [check_real(name, v, minimum=0.0) for v in values]
    except ValueError as exc:
        raise _bad(str(exc)) from None


def _json_number(x):
    """Return a float for JSON, or None for NaN and infinities (JSON cannot hold them)."""
    import math

    x = float(x)
    return x if math.isfinite(x) else None


def _number_or_none(x):
    return None if x is None else _json_number(x)
