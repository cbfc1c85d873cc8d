"""Serving (runs in the server process): the ASGI app over a built snapshot. Imports nothing from api.build."""
