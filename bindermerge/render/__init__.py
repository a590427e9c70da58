"""Writing files: generated-file headers, jinja2 templates, YAML and TOML emitters, the layout
of each source's folder inside the output."""
