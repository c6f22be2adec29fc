"""Building blocks shared by the Orderflow Kit's Pulumi projects (one project per stack).

Each project's `__main__.py` puts `pulumi/` on `sys.path` and composes these blocks. Resources
are named after the CloudFormation logical ids of their SAM counterparts, in kebab case
(`OrdersTable` -> `orders-table`, SAM's generated `ApiFunctionRole` -> `api-function-role`),
so a reader, and the parity test, can put each Pulumi resource beside its SAM twin.
"""
