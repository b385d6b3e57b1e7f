"""Package discovery only; everything else is in pyproject.toml.

Here rather than in pyproject because the top-level migrations/ and resources/ folders
join the package as app._migrations / app._resources (see packaging/README.md).
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["app", "app.*"])
    + ["app._migrations", "app._migrations.versions", "app._resources"],
)
