"""Subcommand modules of the `medtune` CLI, discovered by `medtune.cli.build_parser`."""
