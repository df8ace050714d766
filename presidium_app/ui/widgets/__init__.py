"""Small reusable widgets (optional dates, term spin box, field error labels)."""
