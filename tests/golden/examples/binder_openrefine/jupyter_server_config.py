# Serve OpenRefine at /openrefine through jupyter-server-proxy.
import os

c.ServerProxy.servers = {  # noqa: F821 - `c` is provided by Jupyter's config loader
    "openrefine": {
        "command": [
            os.path.expanduser("~/.openrefine/refine"),
            "-p", "{port}",
            "-d", os.environ.get("REFINE_DIR", os.path.expanduser("~/openrefine-workspace")),
            "-x", "refine.headless=true",
        ],
        "timeout": 120,
        "launcher_entry": {"title": "OpenRefine"},
    }
}
