"""The analytics context on the local runner: the data lake on DuckDB and the BI report.

Kept apart from the runner's own modules because it needs DuckDB and sqlglot, which only the kit
installs: a generated project has no analytics stack, gets none of this package, and the runner's
CLI offers `analytics` only where the package and the stack are both present.
"""
