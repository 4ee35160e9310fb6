"""PDF files from the portal's printable HTML, with WeasyPrint."""

import logging

from django.contrib.staticfiles import finders

# WeasyPrint reports each rendering step at INFO: keep the server log to warnings.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _refuse(url, *args, **kwargs):
    raise ValueError(f"The printable summary loads nothing from outside: {url}")


def html_to_pdf(html, *, stylesheet):
    """Render an HTML document that links to nothing (no images) to PDF bytes, styled by ``stylesheet``.

    ``stylesheet`` is a static file's name (``css/summary-print.css``), read from
    the application's own static files: the page the browser shows links to the
    same file, and the Content-Security-Policy allows no styles inline.
    WeasyPrint is imported here, not at start-up: it loads Debian's pango
    (libpango-1.0-0, libpangoft2-1.0-0) and only the PDF download needs it.
    Nothing is fetched while rendering, so a PDF never waits on the network.
    """
    from weasyprint import CSS, HTML

    with open(finders.find(stylesheet), encoding="utf-8") as css:
        styles = CSS(string=css.read(), url_fetcher=_refuse)
    return HTML(string=html, url_fetcher=_refuse).write_pdf(stylesheets=[styles])
