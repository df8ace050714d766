"""Developer tools run with `python -m presidium_app.tools.<name>`."""
