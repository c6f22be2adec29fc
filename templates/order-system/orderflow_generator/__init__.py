"""Orderflow Kit's generator: validates answers, plans a project from the kit's real files.

Cookiecutter loads it as a local Jinja extension (`local_extensions.py`); everything that matters
happens while cookiecutter renders names, so it works with hooks disabled (as `sam init` does).
"""
