"""`python -m presidium_app` is the command line, as spec/cli.md says."""

from presidium_app.cli import main

raise SystemExit(main())
