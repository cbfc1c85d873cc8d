"""Views: thin functions that turn a request into data from the library, then JSON or HTML."""
