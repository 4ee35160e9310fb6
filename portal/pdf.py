"""PDF files from the portal's printable HTML, with WeasyPrint."""

import logging

# WeasyPrint reports each rendering step at INFO: keep the server log to warnings.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _refuse(url, *args, **kwargs):
    raise ValueError(f"The printable summary loads nothing from outside: {url}")


def html_to_pdf(html):
    """Render a self-contained HTML document (styles inline, no images) to PDF bytes.

    WeasyPrint is imported here, not at start-up: it loads Debian's pango
    (libpango-1.0-0, libpangoft2-1.0-0) and only the PDF download needs it.
    Nothing is fetched while rendering, so a PDF never waits on the network.
    """
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_refuse).write_pdf()
