"""The static export (a tool run): the snapshot as files plus the nginx maps that serve them."""
