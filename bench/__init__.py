"""The benchmark: bench/run.py builds a generated council and measures every page (bench/README.md)."""
