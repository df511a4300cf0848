"""What runs as a web service: the local preview of the next digest and the feeds."""
