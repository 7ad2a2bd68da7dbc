"""What every part stands on; imports nothing else of core.

The value objects, typed errors, the host seam, safe reading of a user's files (size caps, FIFOs,
depth), kernel.json checks, prefix layout and file times, request budgets, commands free of
control characters, the YAML writer, kernel-name cleaning, inotify watches.
"""
