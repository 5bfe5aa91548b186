"""``python -m puckdb`` runs the command line."""

from puckdb.cli.app import main

main()
