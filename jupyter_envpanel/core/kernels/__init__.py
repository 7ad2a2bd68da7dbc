"""Kernels of environments; imports base, environments.

nb_conda_kernels-compatible names and display names, complete specs with activation, the kernel
table, and the kernelspecs jupyter-envpanel registers.
"""
