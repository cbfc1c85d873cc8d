"""The static export (a tool run): the snapshot as files plus the nginx maps that serve them.

``from api.export import export``; the parts: files.py (where each resource goes), writer.py (the
tree), problems.py (static problem answers), nginx.py (the snippets deploy/nginx-static.conf includes)."""

from api.export.files import ExportError, ExportResult, file_for
from api.export.writer import export

__all__ = ["ExportError", "ExportResult", "export", "file_for"]
