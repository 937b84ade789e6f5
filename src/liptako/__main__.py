"""`python -m liptako`: the `liptako` command (how `liptako serve` starts its worker)."""

from liptako.cli.main import main

main()
