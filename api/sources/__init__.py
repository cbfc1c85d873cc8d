"""Reading the sources: English Markdown, gettext catalogs, conditions, crisis lines, the dates ledger."""
