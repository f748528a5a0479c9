"""Builds the package with the C API library inside it.

The library comes from WEBNN_LIBRARY when that names a built libwebnn_c.so; otherwise
`swift build -c release --product webnn_c` builds it in the repository this folder belongs to.
"""

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

LIBRARY = "libwebnn_c.so"


def locate_library() -> Path:
    given = os.environ.get("WEBNN_LIBRARY")
    if given:
        path = Path(given)
        if not path.is_file():
            raise SystemExit(f"WEBNN_LIBRARY={given}: no such file")
        return path
    root = Path(__file__).resolve().parent.parent
    if not (root / "Package.swift").is_file():
        raise SystemExit("no swift-webnn checkout above python/ and WEBNN_LIBRARY is not set")
    # A no-op when the library is up to date.
    subprocess.run(["swift", "build", "-c", "release", "--product", "webnn_c"], cwd=root, check=True)
    return root / ".build" / "release" / LIBRARY


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "webnn" / LIBRARY
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(locate_library(), target)


class BinaryDistribution(Distribution):
    """The wheel holds a native library, so it is platform-specific."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
