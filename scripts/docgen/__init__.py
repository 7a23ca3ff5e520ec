"""Generators of the documentation pages that follow from the code: the YAML reference (from the
pydantic models), the command-line reference (from the Typer app) and the metric catalogue (from
the example program). `python -m scripts.gen_docs` writes them; the tests regenerate them in
memory and fail when a committed page differs.
"""
