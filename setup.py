"""Build hook: compile the page translations (.po → .mo) into the wheel.

The compiled catalogues are build products, not kept in git (``make translations`` compiles
them in a checkout); an installed Njia needs them, so the build compiles them too. Everything
else is declared in ``setup.cfg``.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):  # type: ignore[misc]
    """``build_py`` that also writes ``messages.mo`` beside each ``messages.po`` it copies."""

    def run(self) -> None:
        super().run()
        for po in Path(self.build_lib, "directory", "translations").glob("*/LC_MESSAGES/*.po"):
            with open(po, "rb") as source:
                catalogue = read_po(source)
            with open(po.with_suffix(".mo"), "wb") as target:
                write_mo(target, catalogue)


setup(cmdclass={"build_py": BuildWithCatalogues})
