"""Version algebra: PEP 440 specifiers and pip requirements (on packaging), conda match specs
(on py-rattler), Julia ``[compat]`` ranges, and the conda/PyPI name map."""
