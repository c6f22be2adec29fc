"""The orders API's command-line client: sign in to the stack's user pool, place and follow orders.

It reads the API URL and the user pool's ids from the stack's outputs (a CloudFormation stack, or
the JSON `pulumi stack output --json` prints), so the same commands run against a deployed stack
and against the local runner's gateway.
"""
