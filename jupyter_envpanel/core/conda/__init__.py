"""conda's own languages, judged as conda judges them; imports base.

MatchSpec, version order and version specs, channel names and URLs, condarc settings.
"""
