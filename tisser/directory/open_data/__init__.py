"""Open data: the JSON API, the GeoJSON/CSV downloads and GoGoCarto's shape."""
