"""``python -m transmodal`` runs the command-line interface."""

from transmodal.bench.cli import main

raise SystemExit(main())
