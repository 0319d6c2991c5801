"""The ``transmodal`` command: one module per subcommand, wired here.

Errors the user can fix (``TransmodalError``) print one line and exit 2; ``--debug``
shows the traceback. Ctrl-C exits 130 after saying that finished work is cached.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import warnings

from transmodal import __version__
from transmodal.types import TransmodalError

from . import leaderboard_cmd, list_cmd, prefetch_cmd, run_cmd, score_cmd, suite_cmd

SUBCOMMANDS = (list_cmd, run_cmd, score_cmd, suite_cmd, leaderboard_cmd, prefetch_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="transmodal", description="Evaluate modality-translation models.")
    parser.add_argument("--version", action="version", version=f"transmodal {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(sub)
    return parser


def _one_line_warning(message, category, filename, lineno, line=None) -> str:
    return f"transmodal: warning: {message}\n"


def main(argv: list[str] | None = None) -> int:
    warnings.formatwarning = _one_line_warning
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except TransmodalError as error:
        if args.debug:
            traceback.print_exc()
        print(f"transmodal: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print("\ntransmodal: interrupted; finished outputs are cached, rerun the same command to continue", file=sys.stderr)
        return 130
