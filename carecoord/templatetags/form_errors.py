"""The error summary every form shows after a failed submit, and the page title that says so.

``{% error_summary form another_form a_formset %}`` lists every error of the forms
it is given, each linking to its field, in a box with ``role="alert"`` that takes
the focus (``autofocus``, and ``static/js/focus.js`` for parts htmx swaps in).
``{% page_has_errors as has_errors %}`` in the base layout tells whether the
answer to a POST carries a form with errors, so the title can start with
"Error:". Both read the same forms, so the title and the summary agree.
"""

from dataclasses import dataclass

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.formsets import BaseFormSet

register = template.Library()


@dataclass(frozen=True)
class Problem:
    message: str
    anchor: str  # the id of the field to go to; "" when there is none


def _anchor(bound_field):
    """The id a link to this field jumps to: its input, or the first of its radio buttons or boxes."""
    if bound_field.is_hidden:
        return ""
    return bound_field.id_for_label or (f"{bound_field.auto_id}_0" if bound_field.auto_id else "")


def _first_field(form):
    fields = form.visible_fields()
    return _anchor(fields[0]) if fields else ""


def _form_problems(form, prefix=""):
    # A form may name itself in the summary ("Consent: Given by: …") where its labels alone are unclear.
    prefix = prefix or (f"{form.summary_label}: " if getattr(form, "summary_label", "") else "")
    problems = []
    for message in form.non_field_errors():
        problems.append(Problem(f"{prefix}{message}", _first_field(form)))
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        bound_field = form[name] if name in form.fields else None
        if bound_field is None or bound_field.is_hidden:
            problems.extend(Problem(f"{prefix}{message}", _first_field(form)) for message in messages)
            continue
        label = f"{prefix}{bound_field.label}: " if bound_field.label else prefix
        problems.extend(Problem(f"{label}{message}", _anchor(bound_field)) for message in messages)
    return problems


def _formset_problems(formset):
    """Each form's errors, named by the formset's ``item_label`` ("Child 2: Date of birth: …").

    Forms marked for deletion are left out, and the others numbered as the page shows them.
    """
    shown = [form for form in formset.forms if not (formset.can_delete and formset._should_delete_form(form))]
    first = _first_field(shown[0]) if shown else ""
    problems = [Problem(str(message), first) for message in formset.non_form_errors()]
    item_label = getattr(formset, "item_label", None)
    for number, form in enumerate(shown, start=1):
        prefix = f"{item_label % {'n': number}}: " if item_label else ""
        problems.extend(_form_problems(form, prefix))
    return problems


def _has_errors(part):
    if not part.is_bound:
        return False
    if isinstance(part, BaseFormSet):
        return not part.is_valid()
    return bool(part.errors)


def problems_of(*parts):
    """Every error of these forms and formsets, in page order, as ``Problem``s."""
    problems = []
    for part in parts:
        if part is None or not _has_errors(part):
            continue
        problems.extend(_formset_problems(part) if isinstance(part, BaseFormSet) else _form_problems(part))
    return problems


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*parts):
    """The summary box of every error of ``parts`` (forms or formsets), or nothing when they have none."""
    return {"problems": problems_of(*parts)}


@register.simple_tag(takes_context=True)
def page_has_errors(context):
    """Whether this answer to a POST shows a form (or formset) with errors: the title then says so."""
    request = context.get("request")
    if request is None or request.method != "POST":
        return False
    values = list(context.flatten().values())
    # A page with several forms may hand them over as a dict ({"accept": form, "decline": form}).
    values += [inner for value in values if isinstance(value, dict) for inner in value.values()]
    return any(isinstance(value, forms.BaseForm | BaseFormSet) and _has_errors(value) for value in values)
