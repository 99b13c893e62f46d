"""Benchmarks: a data generator (``bench.generate``) and an HTTP load runner (``bench.run``)."""
