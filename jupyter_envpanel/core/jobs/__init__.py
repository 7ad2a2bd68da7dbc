"""Jobs: package tools run on a user's request, their output, state and records; imports base.

An action (create, update, install ipykernel) arrives as argument vectors the service built from
what it discovered; the runner runs them without a shell, one job per environment, keeps the
output in a capped ring buffer with the full log in a file, and cancels a whole process group;
the store keeps each job as a small JSON record, so a server restart finds them (interrupted).
"""
