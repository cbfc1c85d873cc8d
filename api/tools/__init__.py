"""The command line and the catalog/translation tooling (runs on a developer's or translator's machine)."""
