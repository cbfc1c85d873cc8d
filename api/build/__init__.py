"""The build (runs on `bothand build` or when start-up finds the snapshot stale): sources -> snapshot bytes."""
