"""Where data lives and how it is opened: paths, engine, sessions, migrations. No Qt here."""
