"""``python -m zxextract``: the same command as the ``zxextract`` script."""

from .cli import main

main(prog_name="zxextract")
