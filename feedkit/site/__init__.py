"""Posts → the feeds in the output folder: the build cache, choosing entries, rendering, Atom /
RSS / JSON Feed bytes, writing them together; and the warm build server."""
