"""`python main.py` starts the desktop app."""

from presidium_app.app import main

if __name__ == "__main__":
    raise SystemExit(main())
