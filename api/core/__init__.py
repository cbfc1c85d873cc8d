"""What every phase shares: settings, the wire models, the locale table, URLs and snapshot keys, the snapshot format."""
