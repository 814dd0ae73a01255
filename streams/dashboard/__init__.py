"""``escwatch dashboard``: a live, read-only web page over the alert topics.

:mod:`streams.dashboard.store` keeps the state, :mod:`streams.dashboard.follower`
reads Kafka in a thread, :mod:`streams.dashboard.server` serves the page and its
server-sent events with aiohttp. The page is plain files in ``static/`` with
uPlot (MIT, vendored with its licence) for the charts; nothing is fetched from
the internet at run time.
"""
