"""Which PyPI project a conda package installs, for "installed by both conda and pip" warnings.

Most conda-forge packages carry their PyPI name, compared after PEP 503 normalisation
(``jupyter_client`` and ``jupyter-client`` are the same project). This map lists the
well-known exceptions only: it is deliberately small and checked by hand, because a wrong
entry would produce a false warning. Each conda name maps to the PyPI names it provides.
"""

from __future__ import annotations

CONDA_TO_PYPI: dict[str, tuple[str, ...]] = {
    "pytables": ("tables",),
    "pytorch": ("torch",),
    "pytorch-cpu": ("torch",),
    "pytorch-gpu": ("torch",),
    "py-opencv": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "opencv": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "matplotlib-base": ("matplotlib",),
    "msgpack-python": ("msgpack",),
    "python-graphviz": ("graphviz",),
    "python-kaleido": ("kaleido",),
    "py-xgboost": ("xgboost",),
    "py-xgboost-cpu": ("xgboost",),
    "tensorflow-base": ("tensorflow",),
    "pyqt": ("pyqt5",),
    "python-lsp-server-base": ("python-lsp-server",),
    "dask-core": ("dask",),
    "pymc-base": ("pymc",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "graphviz": (),  # the C library and its dot binary; the Python bindings are python-graphviz
}


def pypi_names(conda_name: str) -> tuple[str, ...]:
    """Normalised PyPI names a conda package installs (its own name unless listed above)."""
    # packaging costs ~20 ms to import; an environment without a pip: block never gets here.
    from packaging.utils import canonicalize_name

    key = conda_name.lower()
    names = CONDA_TO_PYPI.get(key, (key,))
    return tuple(canonicalize_name(n) for n in names)
