"""Running notebooks, only when asked: papermill runs, kernels bound to an interpreter,
environments (isolated ones too), dependency locks and drift checks, run records.

Imports `core` and `analysis` only; papermill and the kernel stack are imported lazily.
"""
