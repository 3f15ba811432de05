"""``python -m durable_viz``."""

from durable_viz.cli import main

main()
