"""The benchmark behind ``make bench``: the app in production mode under gunicorn, timed from inside.

``carecoord.scale`` seeds the data; this package starts nothing of the app's
own and imports none of its apps. ``gunicorn_conf`` records, inside each
gunicorn worker, every request's time and query count; ``client`` signs in
over loopback as a browser behind the TLS proxy would (password, then the
authenticator's code); ``locustfile`` is the load test; the ``bench``
management command runs them all and writes docs/PERFORMANCE.md.
"""
