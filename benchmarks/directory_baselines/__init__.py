"""What benchmarks/directory.py measures the directory against: a naive ListView, and the same bytes plainly.

Kept out of the apps: gunicorn runs the portal with `directory_baselines.settings`
(benchmarks/ on PYTHONPATH), which adds these pages to the portal's own URLs.
"""
