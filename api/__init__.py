"""Bothand: accessible multilingual mental-health articles from gettext catalogs."""
