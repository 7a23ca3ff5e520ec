"""Developer scripts that are not part of the installed `cxgov` package."""
