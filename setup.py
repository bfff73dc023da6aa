"""Only for the one C extension (the screener's prepare pass); everything else is in pyproject.toml.

`optional=True`: without a compiler the install still succeeds and the screener uses the same pass in Python
(normalize.prepare), only slower."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "mediagov.screening._prepare",
            ["src/mediagov/screening/_prepare.c"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
