"""The orders domain shared by every Lambda function of both styles.

Pure modules (`model`, `requests`, `events`) hold the rules and the event contract and import no
AWS SDK; `store`, `registry` and `identity` are the thin boundaries the handlers use.
"""
