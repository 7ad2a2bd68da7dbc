"""Where environments live and which tool made them; imports base, conda.

The places searched (sources, each tool's own settings), classification, the facts a listing reads
from file names, labels, discovery and its change watching, one environment found by name.
"""
