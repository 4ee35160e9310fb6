"""Extra panels on the case and family pages, added by apps that build on cases.

``cases`` never imports them: an app registers a function taking (request, case)
or (request, family) and returning (template name, context); the page includes
each panel.
"""

_panels = []
_family_panels = []


def register_case_panel(panel):
    if panel not in _panels:
        _panels.append(panel)
    return panel


def case_panels(request, case):
    rendered = (panel(request, case) for panel in _panels)
    return [{"template": template, **context} for template, context in rendered]


def register_family_panel(panel):
    if panel not in _family_panels:
        _family_panels.append(panel)
    return panel


def family_panels(request, family):
    rendered = (panel(request, family) for panel in _family_panels)
    return [{"template": template, **context} for template, context in rendered]
