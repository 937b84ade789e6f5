"""Server-rendered pages (French and English)."""
