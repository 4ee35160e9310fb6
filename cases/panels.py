"""Extra panels on the case page, added by apps that build on cases.

``cases`` never imports them: an app registers a function taking (request, case)
and returning (template name, context); the case page includes each panel.
"""

_panels = []


def register_case_panel(panel):
    if panel not in _panels:
        _panels.append(panel)
    return panel


def case_panels(request, case):
    rendered = (panel(request, case) for panel in _panels)
    return [{"template": template, **context} for template, context in rendered]
