"""What is installed in a prefix, and the search across prefixes; imports base, conda.

conda records, pip distributions, what the user asked for (history, REQUESTED), package names
read from file names for the search.
"""
