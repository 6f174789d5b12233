"""The ``bantin`` command (typer + rich): one module per command group.

Owns: argument parsing, progress bars, one-line errors and exit codes.
May import: everything (the CLI and ``app.context`` are the only places that see the whole pipeline).
"""
