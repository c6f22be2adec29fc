"""The entry point cookiecutter loads (`_extensions` in cookiecutter.json): the kit's extension."""

from orderflow_generator.extension import OrderflowExtension

__all__ = ["OrderflowExtension"]
