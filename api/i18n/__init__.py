"""Language machinery: negotiation, the safe inline Markdown renderer, template i18n, translation notices."""
