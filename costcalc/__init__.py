"""Orderflow Kit's cost calculator: prices choreography and orchestration workflows on AWS."""

__version__ = "0.1.0"
