"""Models, enums and validators: the township's vocabulary in code (see GLOSSARY.md). No Qt here."""
