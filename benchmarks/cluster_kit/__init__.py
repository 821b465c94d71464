"""Machinery of the multi-host rehearsal (`benchmarks/cluster.py`): namespaces, servers, sink."""
